// The sharded workflow example: a valid GitHub Actions workflow that collects one shard per matrix
// entry with `lanekeeper collect --only` and merges them with `scan --inventory`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseOnly } from '../../src/pipeline/only.js';

const PATH = join(import.meta.dirname, '../../examples/github-actions/sharded-scan.yml');

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string;
  steps: Step[];
  strategy?: { matrix: { include: { shard: string; only: string }[] } };
}

describe('examples/github-actions/sharded-scan.yml', async () => {
  const text = await readFile(PATH, 'utf8');
  const wf = parse(text, { strict: true, uniqueKeys: true }) as {
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
  };

  it('is a workflow GitHub accepts: every step has exactly one of uses/run, OIDC and read-only code', () => {
    for (const job of Object.values(wf.jobs)) {
      expect(job['runs-on']).toBeTruthy();
      for (const step of job.steps) expect(Boolean(step.uses) !== Boolean(step.run), JSON.stringify(step)).toBe(true);
    }
    expect(wf.permissions).toMatchObject({ contents: 'read', 'id-token': 'write' });
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY|GOOGLE_APPLICATION_CREDENTIALS/);
  });

  it('collects one shard per matrix entry, with targets that never overlap, and merges them last', () => {
    const collect = wf.jobs.collect;
    const include = collect?.strategy?.matrix.include ?? [];
    expect(include.length).toBeGreaterThan(3);
    const seen = new Set<string>();
    for (const entry of include) {
      for (const [system, targets] of parseOnly([entry.only])) {
        for (const target of targets ?? ['(all)']) {
          const key = `${system} ${target}`;
          expect(seen.has(key), key).toBe(false);
          seen.add(key);
        }
      }
    }
    expect(collect?.steps.some((s) => s.run?.includes('lanekeeper collect') && s.run.includes('--only'))).toBe(true);
    const merge = wf.jobs.merge;
    expect(merge?.needs).toBe('collect');
    expect(merge?.steps.some((s) => s.run?.includes('lanekeeper scan') && s.run.includes('--inventory'))).toBe(true);
  });

  it("gives each shard job only its own system's secret", () => {
    const steps = (wf.jobs.collect?.steps ?? []).filter((s) => s.run?.includes('lanekeeper collect'));
    expect(steps.length).toBeGreaterThan(1);
    for (const step of steps) {
      const secrets = Object.keys(step.env ?? {}).filter((name) => /TOKEN|SECRET|PASS|KEY/.test(name));
      const systems = [...(step.if ?? '').matchAll(/startsWith\(matrix\.only, '([a-z]+)'\)/g)].map((m) => m[1]);
      expect(systems.length, step.run).toBeGreaterThan(0);
      for (const secret of secrets)
        expect(
          systems.some((system) => secret.toLowerCase().startsWith(system ?? '')),
          `${secret} in ${systems}`,
        ).toBe(true);
    }
  });
});
