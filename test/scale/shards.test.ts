// Collecting per system (and per AWS account, per GCP level) into shards, merging them, and
// judging the merge gives byte for byte the reports of one single run over the same sandbox.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { snapshotChunks } from '../../reports/inventory.js';
import type { Snapshot } from '../../src/core/model.js';

// scan() calls collect(); the lead wires `scan --inventory` to call loadShards() in its place.
// The test does the same substitution, so the merged snapshot runs through the real pipeline.
const substitute: { snapshot?: Snapshot } = {};
vi.mock('../../src/pipeline/collect.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/pipeline/collect.js')>();
  return {
    ...real,
    collect: (...args: Parameters<typeof real.collect>) =>
      substitute.snapshot ? Promise.resolve(substitute.snapshot) : real.collect(...args),
  };
});

const { runCollect } = await import('../../src/app/commands/collect.js');
const { parseOnly } = await import('../../src/pipeline/only.js');
const { DEMO_DIR, readConfigTemplate } = await import('../../src/app/demo.js');
const { createLogger } = await import('../../src/core/log.js');
const { loadScenario, sandboxConfig, startSandbox } = await import('../../src/app/sandbox.js');
const { scan } = await import('../../src/app/scan.js');
const { loadShards, mergeShards, ShardError } = await import('../../src/pipeline/shards.js');

const NOW = new Date('2026-11-29T09:00:00Z');
const quiet = createLogger('quiet', () => {});
const io = { stdout: () => {}, stderr: () => {} };

let work: string;
let env: Record<string, string>;
const running: (() => Promise<void>)[] = [];

/**
 * A fresh sandbox and a config pointing at it. Each collection gets its own: emulators keep
 * state (a generated credential report answers sooner the second time), which would change
 * call counts between the single run and the shards for reasons that have nothing to do with merging.
 */
async function freshConfig(name: string): Promise<string> {
  const sandbox = await startSandbox(await loadScenario(join(DEMO_DIR, 'scenario.json'), NOW), connectors, {
    now: NOW,
  });
  running.push(sandbox.close);
  env = sandbox.env;
  const template = await readConfigTemplate(join(DEMO_DIR, 'config.json'), NOW);
  const config: Record<string, unknown> = {
    ...sandboxConfig(template, sandbox),
    register: join(DEMO_DIR, 'register.yaml'),
  };
  delete config.$schema;
  const path = join(work, `${name}.config.json`);
  await writeFile(path, JSON.stringify(config));
  return path;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'lanekeeper-shards-'));
});

afterAll(async () => {
  await Promise.all(running.map((close) => close()));
  await rm(work, { recursive: true, force: true });
});

const scanInto = (configPath: string, outDir: string) =>
  scan({
    configPath,
    outDir,
    failOn: 'none',
    allowPartial: false,
    now: NOW,
    historyPath: false,
    env,
    log: quiet,
    relativeDates: true,
  });

describe('sharded collection', () => {
  it('merged shards give the same reports as one run, byte for byte', async () => {
    const single = await scanInto(await freshConfig('single'), join(work, 'single'));
    expect(single.complete).toBe(true);

    const shardArgs = [
      ['github'],
      // AWS paths cross accounts (a role in one account trusting another): one shard per organisation.
      ['aws'],
      // GCP accounts are held on the organisation's target across its projects: one shard per organisation.
      ['gcp'],
      ['slack'],
    ];
    const configPath = await freshConfig('shards');
    const paths: string[] = [];
    for (const [i, only] of shardArgs.entries()) {
      const outPath = join(work, 'shards', `shard-${i}.json`);
      const code = await runCollect({ configPath, only, outPath, now: NOW, env, logLevel: 'quiet' }, io);
      expect(code, only.join(' ')).toBe(0);
      paths.push(outPath);
    }
    // A shard is written as inventory.json is: the canonical snapshot, a record a line.
    const github = await readFile(paths[0] as string, 'utf8');
    const shard = JSON.parse(github) as Snapshot;
    expect(shard.grants.length).toBeGreaterThan(0);
    expect(github).toBe([...snapshotChunks(shard)].join(''));
    for (const g of shard.grants) expect(github).toContain(`\n    ${JSON.stringify(g)}`);
    const merged = await loadShards(paths);
    substitute.snapshot = merged;
    try {
      const fromShards = await scanInto(configPath, join(work, 'merged'));
      expect(fromShards.complete).toBe(true);
    } finally {
      substitute.snapshot = undefined;
    }

    const files = (await readdir(join(work, 'single'))).sort();
    expect(files).toEqual((await readdir(join(work, 'merged'))).sort());
    expect(files).toContain('findings.json');
    // The two runs read configs of two names, which the offboarding commands name: the rest is equal.
    const named = (text: string, config: string) => text.replaceAll(`${config}.config.json`, 'CONFIG');
    for (const file of files) {
      const a = named(await readFile(join(work, 'single', file), 'utf8'), 'single');
      const b = named(await readFile(join(work, 'merged', file), 'utf8'), 'shards');
      expect(b, file).toBe(a);
    }
    // Not vacuous: the demo has findings and every system is in the merge.
    expect(JSON.parse(await readFile(join(work, 'merged', 'findings.json'), 'utf8'))).not.toEqual({});
    expect(new Set(merged.systems.map((s) => s.system))).toEqual(new Set(['github', 'aws', 'gcp', 'slack']));
  });

  it('a target that does not exist fails the shard instead of leaving it empty', async () => {
    const configPath = await freshConfig('missing');
    const outPath = join(work, 'missing.json');
    const code = await runCollect(
      { configPath, only: ['aws:999999999999'], outPath, now: NOW, env, logLevel: 'quiet' },
      io,
    );
    expect(code).toBe(3);
    const shard = JSON.parse(await readFile(outPath, 'utf8')) as Snapshot;
    expect(shard.systems).toContainEqual(expect.objectContaining({ system: 'aws', target: '999999999999', ok: false }));
    expect(shard.accounts).toEqual([]);
  });

  it('refuses overlapping targets and shards collected too far apart, naming the files', () => {
    const shard = (collectedAt: string, targets: string[]): Snapshot => ({
      schemaVersion: 1,
      collectedAt,
      systems: targets.map((target) => ({
        system: 'aws',
        target,
        ok: true,
        warnings: [],
        gaps: [],
        calls: 1,
        collectedAt,
      })),
      accounts: [],
      grants: [],
      credentials: [],
      secrets: [],
    });
    const day = '2026-11-29T09:00:00.000Z';
    expect(() =>
      mergeShards([
        { path: 'a.json', snapshot: shard(day, ['111111111111', '222222222222']) },
        { path: 'b.json', snapshot: shard(day, ['222222222222']) },
      ]),
    ).toThrow(/LK_SHARD_OVERLAP: aws 222222222222 is in both a\.json and b\.json/);
    const mixed = [
      { path: 'a.json', snapshot: shard(day, ['111111111111']) },
      { path: 'b.json', snapshot: shard('2026-11-28T23:00:00.000Z', ['222222222222']) },
    ];
    expect(() => mergeShards(mixed)).toThrow(ShardError);
    expect(() => mergeShards(mixed)).toThrow(
      /LK_SHARD_WINDOW: .*more than 6 hours apart \(2026-11-28 23:00 b\.json; 2026-11-29 09:00 a\.json\)/,
    );
    // Within the window: one run's shards, a few minutes apart.
    const close = [
      { path: 'a.json', snapshot: shard(day, ['111111111111']) },
      { path: 'b.json', snapshot: shard('2026-11-29T08:40:00.000Z', ['222222222222']) },
    ];
    expect(mergeShards(close).collectedAt).toBe('2026-11-29T08:40:00.000Z');
    const merged = mergeShards(mixed, { allowMixedDays: true });
    expect(merged.collectedAt).toBe('2026-11-28T23:00:00.000Z');
    expect(merged.systems.map((s) => s.target)).toEqual(['111111111111', '222222222222']);
  });

  it('refuses the same shard twice, and shards of another company or register', () => {
    const snapshot = (organization: string, registerDigest: string): Snapshot => ({
      schemaVersion: 1,
      collectedAt: '2026-11-29T09:00:00.000Z',
      source: { organization, registerDigest },
      systems: [],
      accounts: [],
      grants: [],
      credentials: [],
      secrets: [],
    });
    const expect_ = { systems: [], organization: 'Northwind Supply', registerDigest: 'r1' };
    expect(() =>
      mergeShards(
        [
          { path: 'a.json', snapshot: snapshot('Northwind Supply', 'r1'), digest: 'd1' },
          { path: 'copy-of-a.json', snapshot: snapshot('Northwind Supply', 'r1'), digest: 'd1' },
        ],
        { expect: expect_ },
      ),
    ).toThrow(/LK_SHARD_DUPLICATE: copy-of-a\.json is the same shard as a\.json/);
    const other = () =>
      mergeShards(
        [
          { path: 'a.json', snapshot: snapshot('Northwind Supply', 'r1') },
          { path: 'evil.json', snapshot: snapshot('Contoso', 'r2') },
        ],
        { expect: expect_ },
      );
    expect(other).toThrow(/LK_SHARD_OTHER_ORG: evil\.json was collected for "Contoso", not "Northwind Supply"/);
    expect(other).toThrow(/LK_SHARD_OTHER_REGISTER: evil\.json was collected with another register/);
  });

  it('reads --only as whole systems or one system and its targets', () => {
    expect([...parseOnly(['github,slack', 'aws:1,2', 'aws:3'])]).toEqual([
      ['github', undefined],
      ['slack', undefined],
      ['aws', ['1', '2', '3']],
    ]);
    expect(() => parseOnly(['aws:'])).toThrow(/SYSTEM:TARGET/);
  });

  it('an unreadable shard is named', async () => {
    const bad = join(work, 'bad.json');
    await writeFile(bad, '{"schemaVersion": 1}');
    await expect(loadShards([bad])).rejects.toThrow(/LK_SHARD_UNREADABLE: .*bad\.json/);
  });
});
