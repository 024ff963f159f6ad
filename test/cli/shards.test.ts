// Beyond one runner: shards written by `lanekeeper collect` in separate jobs, merged by
// `lanekeeper scan --inventory` in a job that holds no token, give the single run's reports.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_NOW, runCli, startDemoSandbox, tempDir } from './harness.js';

// Call counts are a fact about the run, not the organisation: a shard per AWS account repeats
// the discovery calls one run makes once. Everything judged is the same, byte for byte.
const FILES = ['findings.json', 'access.csv', 'report.sarif'];
const withoutCalls = (json: string) =>
  JSON.stringify({
    ...JSON.parse(json),
    systems: JSON.parse(json).systems.map(({ calls: _, ...s }: { calls: number }) => s),
  });

describe('sharded collection through the CLI', () => {
  it('merges shards into exactly the single run, without a token in the merging job', async () => {
    const demo = await startDemoSandbox();
    try {
      const dir = await tempDir();
      const single = join(dir, 'single');
      const scanArgs = ['--config', demo.configPath, '--now', DEMO_NOW, '--quiet', '--no-history', '--fail-on', 'none'];
      expect((await runCli(['scan', ...scanArgs, '--out', single], demo.env)).code).toBe(0);

      const shards: string[] = [];
      // One shard per system: AWS's role paths and GCP's accounts span their targets.
      for (const only of ['github', 'aws', 'gcp', 'slack']) {
        const out = join(dir, `${only.replace(/[^a-z0-9]/g, '-')}.json`);
        const run = await runCli(
          ['collect', '--config', demo.configPath, '--only', only, '--out', out, '--now', DEMO_NOW, '--quiet'],
          demo.env,
        );
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        shards.push(out);
      }
      const merged = join(dir, 'merged');
      const run = await runCli(['scan', ...scanArgs, '--out', merged, '--inventory', ...shards], {});
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      for (const file of FILES) {
        expect(await readFile(join(merged, file), 'utf8'), file).toBe(await readFile(join(single, file), 'utf8'));
      }
      expect(withoutCalls(await readFile(join(merged, 'inventory.json'), 'utf8'))).toBe(
        withoutCalls(await readFile(join(single, 'inventory.json'), 'utf8')),
      );

      const overlap = await runCli(
        ['scan', ...scanArgs, '--out', join(dir, 'x'), '--inventory', shards[0]!, shards[0]!],
        {},
      );
      expect(overlap.code).toBe(2);
      expect(overlap.stderr).toMatch(/LK_SHARD_/);
    } finally {
      await demo.sandbox.close();
    }
  });
});
