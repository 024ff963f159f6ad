// The history keeps each scan's snapshot in deflated parts of JSON lines: the same snapshot read
// back, a file a small fraction of the size, scans recorded before parts still read, and a part that
// is not what lanekeeper wrote refused as the rest of a swapped file is.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/core/model.js';
import { snapshotFromParts, snapshotParts } from '../../src/pipeline/history/snapshot-parts.js';
import { HistoryIntegrityError, HistoryStore } from '../../src/pipeline/history/store.js';
import { account, credential, finding, grant, rowsOf, snapshot, sql, status, tempDb } from './fixtures.js';

/** Enough records for several parts, with every list, the optional head fields and awkward text. */
function largeSnapshot(): Snapshot {
  const grants = Array.from({ length: 12_000 }, (_, i) =>
    grant('github', 'northwind', `user-${i % 400}`, `northwind/repo-${i}`, {
      viaName: i % 7 === 0 ? 'team → platform\nline two \u2028 … "quoted"' : undefined,
    }),
  ).map((g) => JSON.parse(JSON.stringify(g)) as typeof g);
  return snapshot({
    collectedAt: '2026-11-22T09:00:00Z',
    source: { organization: 'Northwind', registerDigest: 'abc' },
    skipped: [{ system: 'aws', target: '111111111111' }],
    systems: [status('github', 'northwind'), status('aws', '222222222222', false)],
    accounts: Array.from({ length: 400 }, (_, i) => account('github', 'northwind', `user-${i}`)),
    grants,
    credentials: [credential('aws', '222222222222', 'ci', 'AKIAEXAMPLE')],
    secrets: [],
  });
}

function record(store: HistoryStore, snap: Snapshot, scannedAt = '2026-11-22T09:00:00Z'): void {
  store.record({
    scannedAt,
    complete: true,
    registerText: 'x',
    snapshot: snap,
    findings: [finding('f1')],
    timings: {},
  });
}

describe('a snapshot in parts', () => {
  it('reads back as the snapshot it was, from several parts of whole lines', () => {
    const snap = largeSnapshot();
    const parts = snapshotParts(snap);
    expect(parts.length).toBeGreaterThan(1);
    // Each part inflates on its own to whole lines: the head, then one record a line.
    const lines = parts.flatMap((p) => inflateRawSync(p).toString('utf8').slice(0, -1).split('\n'));
    expect(lines).toHaveLength(1 + 400 + 12_000 + 1);
    expect(JSON.parse(lines[1] as string)).toEqual(['accounts', snap.accounts[0]]);
    expect(snapshotFromParts(parts)).toEqual(snap);
  });

  it('keeps the file a small fraction of the snapshot as JSON', async () => {
    const path = await tempDb();
    const store = HistoryStore.open(path);
    const snap = largeSnapshot();
    record(store, snap);
    expect(store.previousComplete('2026-11-29T09:00:00Z')?.snapshot).toEqual(snap);
    store.close();
    const [row] = rowsOf(
      path,
      'SELECT snapshot_json, (SELECT sum(length(part)) FROM snapshot_parts) AS bytes FROM scans',
    );
    expect(row?.snapshot_json).toBeNull();
    expect(Number(row?.bytes)).toBeLessThan(JSON.stringify(snap).length / 10);
  });

  it('still reads a scan recorded as one JSON text, before parts, and prunes both kinds', async () => {
    const path = await tempDb();
    const store = HistoryStore.open(path);
    record(store, snapshot({ systems: [status('github', 'northwind')] }), '2026-01-01T09:00:00Z');
    record(store, snapshot({ systems: [status('github', 'northwind')] }), '2026-02-01T09:00:00Z');
    record(store, snapshot({ systems: [status('github', 'northwind')] }), '2026-11-22T09:00:00Z');
    store.close();
    const older = snapshot({
      systems: [status('github', 'northwind')],
      accounts: [account('github', 'northwind', 'old')],
    });
    // The first scan as an earlier lanekeeper wrote it.
    sql(path, "UPDATE scans SET snapshot_json = ? WHERE scanned_at = '2026-01-01T09:00:00Z'", JSON.stringify(older));
    sql(path, 'DELETE FROM snapshot_parts WHERE scan_id = (SELECT min(id) FROM scans)');
    const reopened = HistoryStore.open(path);
    expect(reopened.previousComplete('2026-01-02T00:00:00Z')?.snapshot).toEqual(older);
    expect(reopened.list().map((s) => s.hasSnapshot)).toEqual([true, true, true]);
    // Both older scans lose their snapshot, whichever way it is kept; the latest keeps its own.
    expect(reopened.prune(new Date('2026-11-29T00:00:00Z'), 90)).toBe(2);
    expect(reopened.list().map((s) => s.hasSnapshot)).toEqual([false, false, true]);
    expect(reopened.previousComplete('2026-11-01T00:00:00Z')).toBeUndefined();
    reopened.close();
    expect(rowsOf(path, 'SELECT count(*) AS n FROM snapshot_parts')[0]?.n).toBe(1);
  });

  it.each([
    ['a part that does not inflate', () => Buffer.from('not deflated'), /does not inflate/],
    ['a head that is not a snapshot’s', () => deflateRawSync(Buffer.from('{"schemaVersion":1}\n')), /not what/],
    [
      'a record of a list that does not exist',
      () => deflateRawSync(Buffer.from(`${JSON.stringify(snapshot())}\n["people",{"id":"x"}]\n`)),
      /not what/,
    ],
    [
      'a record that is not an account',
      () => deflateRawSync(Buffer.from(`${JSON.stringify(snapshot())}\n["accounts",{"id":"x"}]\n`)),
      /not what/,
    ],
    ['a line that is not JSON', () => deflateRawSync(Buffer.from('{"schemaVersion":\n')), /not JSON/],
    ['a part that ends inside a line', () => deflateRawSync(Buffer.from('{"schemaVersion":1')), /inside a line/],
    // A hundred kilobytes that inflate to 80 MB of lines: refused before they are read as text.
    [
      'a part that inflates past the bound',
      () => deflateRawSync(Buffer.from('\n'.repeat(80 << 20)), { level: 9 }),
      /inflates past 64 MB/,
    ],
  ])('refuses %s as a history that cannot be trusted', async (_name, part, why) => {
    const path = await tempDb();
    const store = HistoryStore.open(path);
    record(store, largeSnapshot());
    store.close();
    sql(path, 'UPDATE snapshot_parts SET part = ? WHERE seq = 0', part());
    const reopened = HistoryStore.open(path);
    expect(() => reopened.previousComplete('2026-11-29T09:00:00Z')).toThrow(HistoryIntegrityError);
    expect(() => reopened.previousComplete('2026-11-29T09:00:00Z')).toThrow(why);
    reopened.close();
  });
});
