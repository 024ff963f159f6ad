import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHistory } from '../../src/pipeline/history/format.js';
import { MIGRATIONS } from '../../src/pipeline/history/migrations.js';
import { openDatabase } from '../../src/pipeline/history/sqlite.js';
import { HISTORY_APPLICATION_ID, HistoryStore } from '../../src/pipeline/history/store.js';
import { account, finding, snapshot, status, tempDb } from './fixtures.js';

const scanAt = (scannedAt: string, fingerprints: string[], complete = true) => ({
  scannedAt,
  complete,
  registerText: 'organization: X\n',
  snapshot: snapshot({
    collectedAt: scannedAt,
    systems: [status('github', 'northwind', complete)],
    accounts: [account('github', 'northwind', 'a')],
  }),
  findings: fingerprints.map((f) => finding(f)),
  timings: { collectMs: 1 },
});

describe('HistoryStore', () => {
  it('remembers when each finding was first and last seen, and the previous complete scan', async () => {
    const store = HistoryStore.open(await tempDb());
    store.record(scanAt('2026-11-01T09:00:00Z', ['f1']));
    store.record(scanAt('2026-11-08T09:00:00Z', ['f1', 'f2'], false));
    expect(store.seen(['f1', 'f2', 'f3'])).toEqual(
      new Map([
        [
          'f1',
          { firstSeen: '2026-11-01T09:00:00Z', lastSeen: '2026-11-08T09:00:00Z', lastBaseline: '2026-11-01T09:00:00Z' },
        ],
        ['f2', { firstSeen: '2026-11-08T09:00:00Z', lastSeen: '2026-11-08T09:00:00Z' }],
      ]),
    );
    // The incomplete scan of 11-08 is skipped: drift compares complete scans only.
    expect(store.previousComplete('2026-11-15T09:00:00Z')?.scannedAt).toBe('2026-11-01T09:00:00Z');
    expect(store.previousComplete('2026-11-01T09:00:00Z')).toBeUndefined();
    expect(store.list().map((s) => [s.scannedAt, s.complete, s.counts.high])).toEqual([
      ['2026-11-01T09:00:00Z', true, 1],
      ['2026-11-08T09:00:00Z', false, 2],
    ]);
    store.close();
  });

  it('never compares with a scan narrowed by --only, lists it as narrowed, and keeps the full one from pruning', async () => {
    const store = HistoryStore.open(await tempDb());
    store.record(scanAt('2026-01-01T09:00:00Z', ['f1']));
    // Complete for what it read (github only), and the latest complete scan: still not a baseline.
    store.record({ ...scanAt('2026-02-01T09:00:00Z', ['f1']), scope: ['github'] });
    expect(store.previousComplete('2026-02-08T09:00:00Z')?.scannedAt).toBe('2026-01-01T09:00:00Z');
    expect(store.list().map((s) => [s.scannedAt, s.complete, s.scope])).toEqual([
      ['2026-01-01T09:00:00Z', true, undefined],
      ['2026-02-01T09:00:00Z', true, ['github']],
    ]);
    expect(formatHistory(store.list())).toContain('1/1 read, narrowed to github');
    // Retention keeps the full scan's snapshot: it is the one drift compares with.
    store.prune(new Date('2026-11-29T00:00:00Z'), 90);
    expect(store.list().map((s) => s.hasSnapshot)).toEqual([true, false]);
    expect(store.previousComplete('2026-11-29T09:00:00Z')?.scannedAt).toBe('2026-01-01T09:00:00Z');
    store.close();
  });

  it('opens a history written before scopes were kept: its scans are full scans', async () => {
    const path = await tempDb();
    const db = openDatabase(path);
    for (const migration of MIGRATIONS.slice(0, 4)) db.exec(migration);
    db.exec(`PRAGMA user_version = 4; PRAGMA application_id = ${HISTORY_APPLICATION_ID}`);
    db.prepare(
      `INSERT INTO scans (scanned_at, complete, register_digest, systems_json, counts_json, timings_json, snapshot_json)
       VALUES ('2026-11-01T09:00:00Z', 1, 'd', '[]', '{"critical":0,"high":0,"medium":0,"low":0,"info":0}', '{}', ?)`,
    ).run(JSON.stringify(snapshot({ collectedAt: '2026-11-01T09:00:00Z' })));
    db.close();
    const store = HistoryStore.open(path);
    expect(store.list().map((s) => s.scope)).toEqual([undefined]);
    expect(store.previousComplete('2026-11-08T09:00:00Z')?.scannedAt).toBe('2026-11-01T09:00:00Z');
    store.close();
  });

  it("keeps when each finding's current run began, and the last scan later ones compare with that held it", async () => {
    const store = HistoryStore.open(await tempDb());
    store.record({ ...scanAt('2026-11-01T09:00:00Z', ['f1']), runStarts: new Map([['f1', '2026-11-01T09:00:00Z']]) });
    // Closed on 11-08 and back on 11-15 in an incomplete scan: a new run, no new baseline.
    store.record(scanAt('2026-11-08T09:00:00Z', []));
    store.record({
      ...scanAt('2026-11-15T09:00:00Z', ['f1'], false),
      runStarts: new Map([['f1', '2026-11-15T09:00:00Z']]),
    });
    // A narrowed scan keeps the run and is no baseline either.
    store.record({ ...scanAt('2026-11-16T09:00:00Z', ['f1']), scope: ['github'] });
    expect(store.seen(['f1']).get('f1')).toEqual({
      firstSeen: '2026-11-01T09:00:00Z',
      lastSeen: '2026-11-16T09:00:00Z',
      runStart: '2026-11-15T09:00:00Z',
      lastBaseline: '2026-11-01T09:00:00Z',
    });
    store.close();
  });

  it('prunes old snapshots but keeps their counts and the latest complete snapshot', async () => {
    const store = HistoryStore.open(await tempDb());
    store.record(scanAt('2026-01-01T09:00:00Z', ['f1']));
    store.record(scanAt('2026-02-01T09:00:00Z', ['f1']));
    expect(store.prune(new Date('2026-11-29T00:00:00Z'), 90)).toBe(1);
    expect(store.list().map((s) => [s.hasSnapshot, s.counts.high])).toEqual([
      [false, 1],
      [true, 1],
    ]);
    store.close();
  });

  it('survives reopening: migrations run once and data stays', async () => {
    const path = await tempDb();
    const a = HistoryStore.open(path);
    a.record(scanAt('2026-11-01T09:00:00Z', ['f1']));
    a.close();
    const b = HistoryStore.open(path);
    expect(b.list()).toHaveLength(1);
    b.close();
  });

  it('leaves the store as it was when a scan is killed half-way through its write', async () => {
    const path = await tempDb();
    const store = HistoryStore.open(path);
    store.record(scanAt('2026-11-01T09:00:00Z', ['f1']));
    store.close();

    const child = join(await mkdtemp(join(tmpdir(), 'lanekeeper-child-')), 'write.ts');
    await writeFile(
      child,
      `import { HistoryStore } from ${JSON.stringify(join(import.meta.dirname, '../../src/pipeline/history/store.ts'))};
       import * as f from ${JSON.stringify(join(import.meta.dirname, 'fixtures.ts'))};
       const store = HistoryStore.open(${JSON.stringify(path)});
       store.record({ scannedAt: '2026-11-08T09:00:00Z', complete: true, registerText: 'x', timings: {},
         snapshot: f.snapshot({ systems: [f.status('github', 'northwind')] }), findings: [f.finding('f9')] }, {
         afterScanRow: () => { process.stdout.write('mid-write\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); },
       });`,
    );
    const proc = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => d.toString().includes('mid-write') && resolve());
      proc.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    proc.kill('SIGKILL');
    await new Promise((r) => proc.on('exit', r));

    const after = HistoryStore.open(path);
    expect(after.list().map((s) => s.scannedAt)).toEqual(['2026-11-01T09:00:00Z']);
    expect(after.seen(['f9']).size).toBe(0);
    after.close();
  });

  it("keeps a scan's answers for the targets it read, leaves other targets' alone, all or nothing", async () => {
    const store = HistoryStore.open(await tempDb());
    const answer = (target: string, key: string, body: string) => ({
      system: 'github',
      target,
      key,
      validator: `"${body}"`,
      body,
    });
    store.keepAnswers(
      [
        { system: 'github', target: 'a' },
        { system: 'github', target: 'b' },
      ],
      [answer('a', 'GET /1', 'a1'), answer('a', 'GET /2', 'a2'), answer('b', 'GET /1', 'b1')],
    );
    // A later scan read only target a: its answers replace a's, and b keeps what it had.
    store.keepAnswers([{ system: 'github', target: 'a' }], [answer('a', 'GET /3', 'a3')]);
    const kept = () => store.answers().map((a) => `${a.target} ${a.key} ${a.body}`);
    expect(kept()).toEqual(['a GET /3 a3', 'b GET /1 b1']);
    // A write that fails half-way leaves them as they were, the deletion included.
    const broken = { ...answer('a', 'GET /4', 'a4'), body: null as unknown as string };
    expect(() =>
      store.keepAnswers([{ system: 'github', target: 'a' }], [answer('a', 'GET /5', 'a5'), broken]),
    ).toThrow();
    expect(kept()).toEqual(['a GET /3 a3', 'b GET /1 b1']);
    store.close();
  });

  it('refuses a database written by a newer lanekeeper', async () => {
    const path = await tempDb();
    HistoryStore.open(path).close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => HistoryStore.open(path)).toThrow(/newer than this lanekeeper knows/);
  });
});
