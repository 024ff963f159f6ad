// A merge of shards is judged against what the config expects: a system with no shard, or a
// target one shard left to another that nobody read, fails the scan (exit 3) by name. Through the CLI.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_NOW, type DemoSandbox, runCli, withDemoSandbox } from './harness.js';

let demo: DemoSandbox;
withDemoSandbox((started) => {
  demo = started;
});

const collect = (only: string, out: string) =>
  runCli(
    [
      'collect',
      '--config',
      demo.configPath,
      '--only',
      only,
      '--out',
      join(demo.dir, out),
      '--now',
      DEMO_NOW,
      '--quiet',
    ],
    demo.env,
    demo.dir,
  );

const merge = (shards: string[], ...extra: string[]) =>
  runCli(
    [
      'scan',
      '--config',
      demo.configPath,
      '--inventory',
      ...shards.map((s) => join(demo.dir, s)),
      '--out',
      join(demo.dir, 'merged'),
      '--now',
      DEMO_NOW,
      '--no-history',
      '--fail-on',
      'critical',
      ...extra,
    ],
    // The merging job holds no token: the config's ${VAR} references are not needed to judge shards.
    {},
    demo.dir,
  );

interface Findings {
  complete: boolean;
  systems: { system: string; target: string; ok: boolean; error?: string }[];
}

describe('merging shards against the config', () => {
  it('fails closed, naming every system no shard holds', async () => {
    expect((await collect('github', 'github.json')).code).toBe(0);
    const run = await merge(['github.json']);
    expect(run.code, run.stderr).toBe(3);
    for (const system of ['aws', 'gcp', 'slack']) expect(run.stderr + run.stdout).toContain(`no shard holds ${system}`);
    const findings = JSON.parse(await readFile(join(demo.dir, 'merged', 'findings.json'), 'utf8')) as Findings;
    expect(findings.complete).toBe(false);
    expect(findings.systems.filter((s) => !s.ok).map((s) => s.system)).toEqual(['aws', 'gcp', 'slack']);
  });

  it('fails closed on an account one shard found and left to a shard that never came', async () => {
    for (const [only, out] of [
      ['github', 'g.json'],
      ['aws:111111111111', 'aws-a.json'],
      ['gcp', 'gcp.json'],
      ['slack', 'slack.json'],
    ] as const)
      expect((await collect(only, out)).code, only).toBe(0);
    const shard = JSON.parse(await readFile(join(demo.dir, 'aws-a.json'), 'utf8')) as { skipped?: unknown[] };
    expect(shard.skipped).toEqual([{ system: 'aws', target: '222222222222' }]);

    const partial = await merge(['g.json', 'aws-a.json', 'gcp.json', 'slack.json']);
    expect(partial.code).toBe(3);
    expect(partial.stderr + partial.stdout).toContain('aws 222222222222');
    expect(partial.stderr + partial.stdout).toContain('left it to another shard, but no shard read it');

    // Every account read, but in two runs: neither followed role paths into the other's roles.
    expect((await collect('aws:222222222222', 'aws-b.json')).code).toBe(0);
    const split = await merge(['g.json', 'aws-a.json', 'aws-b.json', 'gcp.json', 'slack.json']);
    expect(split.code, split.stderr).toBe(3);
    expect(split.stderr + split.stdout).toContain('aws.cross-account-paths');
    expect(split.stderr + split.stdout).not.toContain('no shard read it');
  });

  it('refuses a shard given twice, before judging anything', async () => {
    expect((await collect('slack', 'twice.json')).code).toBe(0);
    const run = await merge(['twice.json', 'twice.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('LK_SHARD_DUPLICATE');
    expect(run.stderr).toContain('nothing was judged');
  });
});
