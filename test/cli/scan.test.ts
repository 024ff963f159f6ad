import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSandbox, demoScan, runCli, startDemoSandbox, tempDir } from './harness.js';

describe('lanekeeper scan against a running sandbox of the demo', () => {
  let demo: DemoSandbox;
  beforeAll(async () => {
    demo = await startDemoSandbox();
  });
  afterAll(async () => {
    await demo.sandbox.close();
  });

  const scanArgs = (out: string, ...extra: string[]) => demoScan(demo.configPath, out, ...extra);

  it('exits 1 with --fail-on critical', async () => {
    const run = await runCli(scanArgs(await tempDir(), '--fail-on', 'critical'), demo.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
  });

  it('prints the offboarding command to run next with the config it read, and it runs as printed', async () => {
    const run = await runCli(scanArgs(await tempDir(), '--fail-on', 'none'), demo.env);
    const printed = /lanekeeper offboard sam (.*)$/m.exec(run.stdout)?.[1]?.split(' ') ?? [];
    expect(printed.slice(0, 1)).toEqual(['--config']);
    const offboard = await runCli(['offboard', 'sam', ...printed, '--out', await tempDir()], demo.env);
    expect(offboard.code, offboard.stderr).toBe(1);
    expect(offboard.stdout).toContain('samortiz');
  });

  it('exits 0 with --fail-on none', async () => {
    const run = await runCli(scanArgs(await tempDir(), '--fail-on', 'none'), demo.env);
    expect(run.code).toBe(0);
  });

  it('prints the findings document with --json, the one it wrote', async () => {
    const out = await tempDir();
    const run = await runCli(scanArgs(out, '--fail-on', 'none', '--json'), demo.env);
    const doc = JSON.parse(run.stdout) as { schemaVersion: number; findings: unknown[] };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.findings.length).toBeGreaterThan(5);
    expect(doc).toEqual(JSON.parse(await readFile(join(out, 'findings.json'), 'utf8')));
  });

  it('never writes or prints a token', async () => {
    const out = await tempDir();
    const run = await runCli(scanArgs(out, '--fail-on', 'none', '--verbose'), demo.env);
    const secrets = Object.values(demo.env).filter((v) => v.length >= 6);
    expect(secrets.length).toBeGreaterThan(0);
    const texts = [run.stdout, run.stderr];
    for (const f of await readdir(out)) texts.push(await readFile(join(out, f), 'utf8'));
    for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
  });

  it('exits 3 when a system cannot be read, and names it', async () => {
    const env = { ...demo.env };
    for (const k of Object.keys(env)) if (k.includes('SLACK')) env[k] = 'xoxb-wrong-token-000000';
    const out = await tempDir();
    const run = await runCli(scanArgs(out, '--fail-on', 'none'), env);
    expect(run.code).toBe(3);
    expect(run.stdout + run.stderr).toMatch(/slack/i);
    const doc = JSON.parse(await readFile(join(out, 'findings.json'), 'utf8')) as {
      complete: boolean;
      systems: { system: string; ok: boolean; error?: string }[];
    };
    expect(doc.complete).toBe(false);
    expect(doc.systems.find((s) => s.system === 'slack')?.ok).toBe(false);
    expect(doc.systems.find((s) => s.system === 'github')?.ok).toBe(true);

    const partial = await runCli(scanArgs(await tempDir(), '--fail-on', 'none', '--allow-partial'), env);
    expect(partial.code).toBe(0);
  });

  it('exits 2 and names the file, line and field of a broken register', async () => {
    const broken = join(demo.dir, 'broken-register.yaml');
    const text = await readFile(demo.registerPath, 'utf8');
    await writeFile(
      broken,
      text.replace('owner: dana\n    emails: [sam@ortiz.dev]', 'owner: nobody-here\n    emails: [sam@ortiz.dev]'),
    );
    const run = await runCli(scanArgs(await tempDir(), '--register', broken), demo.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken-register\.yaml:\d+/);
    expect(run.stderr).toContain('owner');
    expect(run.stderr).toContain('nothing was scanned');
  });

  it('exits 2 and names a missing environment variable', async () => {
    const run = await runCli(scanArgs(await tempDir()), {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/LANEKEEPER_SANDBOX_\w+/);
  });
});

describe('lanekeeper usage', () => {
  it('exits 0 for --help and lists the commands', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('scan');
    expect(run.stdout).toContain('demo');
  });

  it('exits 2 on an unknown option', async () => {
    const run = await runCli(['scan', '--config', 'x.json', '--no-such-option']);
    expect(run.code).toBe(2);
  });

  it('exits 2 on a bad --now', async () => {
    const run = await runCli(['scan', '--config', 'x.json', '--now', 'yesterday']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ISO-8601');
  });

  it('register check: 0 for the example register, 2 for a broken one', async () => {
    expect((await runCli(['register', 'check', 'register.example.yaml'])).code).toBe(0);
    const dir = await tempDir();
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'organization: X\npeople:\n  - id: a\n    name: A\n    kind: contractor\n    owner: ghost\n');
    const run = await runCli(['register', 'check', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml:6/);
  });
});
