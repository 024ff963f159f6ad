// Every file lanekeeper writes replaces its name; none is written through a symlink someone
// planted there (a report name pointing at ~/.ssh/authorized_keys, a shared CI workspace).
import { lstat, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NOW, type DemoSandbox, demoScan, runCli, startDemoSandbox, tempDir } from './harness.js';

let demo: DemoSandbox;
const dirs: string[] = [];
beforeAll(async () => {
  demo = await startDemoSandbox();
});
afterAll(async () => {
  await demo.sandbox.close();
  await Promise.all([demo.dir, ...dirs].map((d) => rm(d, { recursive: true, force: true })));
});

const VICTIM_TEXT = 'the file an attacker wanted overwritten\n';

/** A folder where `name` is a symlink to a victim file outside it. */
async function trap(name: string): Promise<{ dir: string; victim: string; path: string }> {
  const dir = await tempDir();
  dirs.push(dir);
  const victim = join(dir, 'victim.txt');
  await writeFile(victim, VICTIM_TEXT);
  const out = join(dir, 'out');
  await mkdir(out, { recursive: true });
  const path = join(out, name);
  await symlink(victim, path);
  return { dir: out, victim, path };
}

async function expectReplaced(path: string, victim: string): Promise<void> {
  expect(await readFile(victim, 'utf8')).toBe(VICTIM_TEXT);
  expect((await lstat(path)).isSymbolicLink()).toBe(false);
  expect((await readFile(path, 'utf8')).length).toBeGreaterThan(0);
}

describe('writes never follow a symlink', () => {
  it('scan: each report replaces a symlink at its name', async () => {
    const { dir, victim, path } = await trap('report.html');
    const run = await runCli(demoScan(demo.configPath, dir, '--fail-on', 'none'), demo.env);
    expect(run.code, run.stderr).toBe(0);
    await expectReplaced(path, victim);
  });

  it('scan: a symlink planted at a guessable temporary name is never written through', async () => {
    const { dir, victim } = await trap('unrelated');
    // The names an earlier lanekeeper used for its temporaries: the report's name and our pid.
    for (const name of ['report.html', 'report.md', 'findings.json', 'access.csv'])
      await symlink(victim, join(dir, `${name}.tmp-${process.pid}`));
    const run = await runCli(demoScan(demo.configPath, dir, '--fail-on', 'none'), demo.env);
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(victim, 'utf8')).toBe(VICTIM_TEXT);
  });

  it('offboard: the record replaces a symlink at its name', async () => {
    const { dir, victim, path } = await trap('offboarding-sam-2026-11-29.md');
    const run = await runCli(
      ['offboard', 'sam', '--config', demo.configPath, '--out', dir, '--now', DEMO_NOW],
      demo.env,
    );
    expect(run.code, run.stderr).toBe(1);
    await expectReplaced(path, victim);
  });

  it('collect: the shard replaces a symlink at its name', async () => {
    const { victim, path } = await trap('shard.json');
    const run = await runCli(
      ['collect', '--config', demo.configPath, '--only', 'slack', '--out', path, '--now', DEMO_NOW, '--quiet'],
      demo.env,
    );
    expect(run.code, run.stderr).toBe(0);
    await expectReplaced(path, victim);
  });

  it('register init: refuses a name that exists (a symlink too), and --force replaces the link itself', async () => {
    const { victim, path } = await trap('register.yaml');
    const init = (...extra: string[]) =>
      runCli(['register', 'init', '--config', demo.configPath, '--out', path, '--now', DEMO_NOW, ...extra], demo.env);
    const refused = await init();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('exists; pass --force');
    expect(await readFile(victim, 'utf8')).toBe(VICTIM_TEXT);
    expect((await init('--force')).code).toBe(0);
    await expectReplaced(path, victim);
  });
});
