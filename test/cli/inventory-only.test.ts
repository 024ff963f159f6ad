// `scan --inventory … --only …` judges only what --only names, as an online scan does: systems and
// targets out of scope are left out of the findings and the report, and a target named that the
// inventory does not hold is a failed target (exit 3), never an empty one. Through the CLI.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_NOW, type DemoSandbox, demoScan, runCli, withDemoInventory } from './harness.js';

let demo: DemoSandbox;
let inventory: string;
withDemoInventory((saved) => ({ demo, inventory } = saved));

interface Findings {
  complete: boolean;
  systems: { system: string; target: string; ok: boolean; error?: string }[];
  findings: { fingerprint: string; system: string; target: string }[];
}

/** The findings an online scan of the same scope gives: what the inventory's judgement must equal. */
async function online(out: string, ...only: string[]): Promise<Findings> {
  const run = await runCli(
    demoScan(demo.configPath, join(demo.dir, out), '--fail-on', 'none', ...only.flatMap((o) => ['--only', o])),
    demo.env,
    demo.dir,
  );
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(await readFile(join(demo.dir, out, 'findings.json'), 'utf8')) as Findings;
}
const fingerprints = (f: Findings) => f.findings.map((x) => x.fingerprint).sort();

async function judge(out: string, ...only: string[]) {
  const run = await runCli(
    [
      'scan',
      '--config',
      demo.configPath,
      '--inventory',
      inventory,
      ...only.flatMap((o) => ['--only', o]),
      '--out',
      join(demo.dir, out),
      '--now',
      DEMO_NOW,
      '--no-history',
      '--fail-on',
      'none',
      '--quiet',
    ],
    {},
    demo.dir,
  );
  const findings = JSON.parse(await readFile(join(demo.dir, out, 'findings.json'), 'utf8')) as Findings;
  return { run, findings };
}

describe('scan --inventory: what it prints to run next', () => {
  it('names the inventory it wrote and the register for offboarding, which need no token, and it runs as printed', async () => {
    const { run } = await judge('printed');
    const printed = /lanekeeper offboard sam (.*)$/m.exec(run.stdout)?.[1]?.split(' ') ?? [];
    expect(printed).toEqual([
      '--inventory',
      'printed/inventory.json',
      '--register',
      expect.stringMatching(/register\.yaml$/),
    ]);
    const offboard = await runCli(['offboard', 'sam', ...printed, '--out', 'printed', '--now', DEMO_NOW], {}, demo.dir);
    expect(offboard.code, offboard.stderr).toBe(1);
    expect(offboard.stdout).toContain('samortiz');
  });
});

describe('scan --inventory with --only', () => {
  it('judges only the systems named, finding what an online scan of them finds', async () => {
    const { run, findings } = await judge('only-github', 'github');
    expect(run.code, run.stderr).toBe(0);
    expect(new Set(findings.systems.map((s) => s.system))).toEqual(new Set(['github']));
    expect(findings.findings.some((f) => f.system === 'github')).toBe(true);
    expect(findings.findings.some((f) => f.system === 'aws' && f.target === '111111111111')).toBe(false);
    expect(fingerprints(findings)).toEqual(fingerprints(await online('online-github', 'github')));
  });

  it('judges only the targets named, globs included', async () => {
    const { run, findings } = await judge('only-aws-a', 'aws:1111*');
    expect(run.code, run.stderr).toBe(0);
    expect(findings.systems.map((s) => `${s.system} ${s.target}`)).toEqual(['aws 111111111111']);
    // Not compared with an online scan of one account: that one cannot see paths into the other.
    expect(findings.findings.filter((f) => f.target === '222222222222' || f.system === 'slack')).toEqual([]);
    expect(findings.findings.some((f) => f.target === '111111111111')).toBe(true);
  });

  it("judges a GCP project's access, recorded on its organisation, when the project is named", async () => {
    const { run, findings } = await judge('only-gcp-project', 'gcp:projects/northwind-analytics');
    expect(run.code, run.stderr).toBe(0);
    const onProject = findings.findings.filter((f) => f.system === 'gcp');
    expect(onProject.length).toBeGreaterThan(0);
    const all = JSON.parse(await readFile(join(demo.dir, 'full', 'findings.json'), 'utf8')) as {
      findings: { fingerprint: string; system: string; resource?: string }[];
    };
    const expected = all.findings
      .filter((f) => f.system === 'gcp' && (f.resource ?? '').startsWith('projects/northwind-analytics'))
      .map((f) => f.fingerprint)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    for (const fingerprint of expected) expect(fingerprints(findings)).toContain(fingerprint);
  });

  it('fails a named target the inventory does not hold, by name (exit 3)', async () => {
    const { run, findings } = await judge('only-missing', 'aws:999999999999');
    expect(run.code).toBe(3);
    expect(findings.complete).toBe(false);
    const failed = findings.systems.filter((s) => !s.ok);
    expect(failed.map((s) => `${s.system} ${s.target}`)).toEqual(['aws 999999999999']);
    expect(failed[0]?.error).toContain('no target named "999999999999"');
  });
});
