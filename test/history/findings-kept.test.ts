// The history keeps what each scan found, deflated in parts like its snapshot, for as long as it
// keeps the snapshot: read back as recorded, a small fraction of the findings as JSON, scans
// recorded one row a finding (before parts) still read and pruned, and a part or row that is not
// what lanekeeper wrote refused as the rest of a swapped file is.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { clearSecrets, registerSecret } from '../../src/core/redact.js';
import { MIGRATIONS } from '../../src/pipeline/history/migrations.js';
import { openDatabase } from '../../src/pipeline/history/sqlite.js';
import { HISTORY_APPLICATION_ID, HistoryIntegrityError, HistoryStore } from '../../src/pipeline/history/store.js';
import { finding, rowsOf, snapshot, sql, status, tempDb } from './fixtures.js';

const count = (path: string, query: string) => Number(rowsOf(path, query)[0]?.n);

/** Enough findings for several parts, every optional field, and text JSON must escape. */
function manyFindings(n = 6_000): Finding[] {
  return Array.from({ length: n }, (_, i) => ({
    ...finding(`fp-${String(i).padStart(5, '0')}`, i % 3 === 0 ? 'critical' : 'high'),
    ...(i % 2 === 0 ? { person: `person-${i % 50}` } : {}),
    ...(i % 5 === 0 ? { resource: `northwind/repo-${i}` } : {}),
    account: `user-${i % 400}`,
    evidence: [`push on northwind/repo-${i}`, 'team → platform\nline two \u2028 … "quoted"'],
    remediation: { steps: ['Remove the access.'], commands: [`gh api -X DELETE /repos/northwind/repo-${i}`] },
  }));
}

function record(store: HistoryStore, scannedAt: string, findings: readonly Finding[]): number {
  return store.record({
    scannedAt,
    complete: true,
    registerText: 'x',
    snapshot: snapshot({ collectedAt: scannedAt, systems: [status('github', 'northwind')] }),
    findings,
    timings: {},
  });
}

/** A history as lanekeeper wrote it before findings came in parts (schema version 3), with one scan. */
function historyOfVersion3(path: string, scannedAt: string, findings: readonly Finding[]): void {
  const db = openDatabase(path);
  try {
    for (const migration of MIGRATIONS.slice(0, 3)) db.exec(migration);
    db.exec(`PRAGMA user_version = 3; PRAGMA application_id = ${HISTORY_APPLICATION_ID}`);
    db.prepare(
      `INSERT INTO scans (scanned_at, complete, register_digest, systems_json, counts_json, timings_json, snapshot_json)
       VALUES (?, 1, 'd', '[]', ?, '{}', ?)`,
    ).run(
      scannedAt,
      JSON.stringify({ critical: 0, high: findings.length, medium: 0, low: 0, info: 0 }),
      JSON.stringify(snapshot({ collectedAt: scannedAt })),
    );
    const insert = db.prepare(
      'INSERT INTO findings (scan_id, fingerprint, rule, severity, finding_json) VALUES (1, ?, ?, ?, ?)',
    );
    for (const f of findings) insert.run(f.fingerprint, f.rule, f.severity, JSON.stringify(f));
  } finally {
    db.close();
  }
}

describe("a scan's findings in the history", () => {
  it('read back as recorded, from several parts, in a small fraction of their JSON, with no row each', async () => {
    const path = await tempDb();
    const store = HistoryStore.open(path);
    const findings = manyFindings();
    const id = record(store, '2026-11-22T09:00:00Z', findings);
    expect(store.findingsOf(id)).toEqual(findings);
    store.close();
    expect(count(path, 'SELECT count(*) AS n FROM finding_parts')).toBeGreaterThan(1);
    expect(count(path, 'SELECT sum(length(part)) AS n FROM finding_parts')).toBeLessThan(
      JSON.stringify(findings).length / 10,
    );
    expect(count(path, 'SELECT count(*) AS n FROM findings')).toBe(0);
    // The dates each fingerprint was seen are still kept one row each: the next scan asks for them.
    expect(count(path, 'SELECT count(*) AS n FROM fingerprints')).toBe(findings.length);
  });

  it('are redacted as they are kept', async () => {
    const store = HistoryStore.open(await tempDb());
    try {
      registerSecret('ghp_leakedTokenValue123456');
      const leaked = { ...finding('f1'), evidence: ['a key titled ghp_leakedTokenValue123456'] };
      const id = record(store, '2026-11-22T09:00:00Z', [leaked]);
      expect(JSON.stringify(store.findingsOf(id))).not.toContain('ghp_leakedTokenValue123456');
    } finally {
      clearSecrets();
      store.close();
    }
  });

  it('of a scan with none read back as none', async () => {
    const store = HistoryStore.open(await tempDb());
    expect(store.findingsOf(record(store, '2026-11-22T09:00:00Z', []))).toEqual([]);
    store.close();
  });

  it('are pruned with the snapshot, whichever way they are kept; the latest complete scan keeps them', async () => {
    const path = await tempDb();
    const old = manyFindings(3);
    historyOfVersion3(path, '2026-01-01T09:00:00Z', old);
    const store = HistoryStore.open(path);
    // Recorded before parts, read from its rows.
    expect(store.findingsOf(1)).toEqual([...old].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint)));
    record(store, '2026-02-01T09:00:00Z', manyFindings(5));
    const latest = record(store, '2026-11-22T09:00:00Z', manyFindings(7));
    expect(store.prune(new Date('2026-11-29T00:00:00Z'), 90)).toBe(2);
    expect(store.findingsOf(1)).toEqual([]);
    expect(store.findingsOf(2)).toEqual([]);
    expect(store.findingsOf(latest)).toHaveLength(7);
    store.close();
    expect(count(path, 'SELECT count(*) AS n FROM findings')).toBe(0);
    expect(count(path, 'SELECT count(DISTINCT scan_id) AS n FROM finding_parts')).toBe(1);
  });

  it('left by an earlier lanekeeper after it pruned the snapshot are pruned too', async () => {
    const path = await tempDb();
    historyOfVersion3(path, '2026-01-01T09:00:00Z', manyFindings(3));
    // Retention before this change dropped the snapshot and left the rows.
    sql(path, 'UPDATE scans SET snapshot_json = NULL');
    const store = HistoryStore.open(path);
    record(store, '2026-11-22T09:00:00Z', manyFindings(2));
    expect(store.prune(new Date('2026-11-29T00:00:00Z'), 90)).toBe(1);
    expect(store.findingsOf(1)).toEqual([]);
    // Nothing left to prune: a second pass finds no scan.
    expect(store.prune(new Date('2026-11-29T00:00:00Z'), 90)).toBe(0);
    store.close();
  });

  it.each([
    ['a part that does not inflate', () => Buffer.from('not deflated'), /does not inflate/],
    ['a line that is not a finding', () => deflateRawSync(Buffer.from('{"fingerprint":"f1"}\n')), /not what/],
    ['a line that is not JSON', () => deflateRawSync(Buffer.from('{"fingerprint":\n')), /not JSON/],
    ['a part that ends inside a line', () => deflateRawSync(Buffer.from('{"fingerprint":"f1"}')), /inside a line/],
  ])('refuse %s as a history that cannot be trusted', async (_name, part, why) => {
    const path = await tempDb();
    const store = HistoryStore.open(path);
    const id = record(store, '2026-11-22T09:00:00Z', manyFindings());
    store.close();
    sql(path, 'UPDATE finding_parts SET part = ? WHERE seq = 0', part());
    const reopened = HistoryStore.open(path);
    expect(() => reopened.findingsOf(id)).toThrow(HistoryIntegrityError);
    expect(() => reopened.findingsOf(id)).toThrow(why);
    reopened.close();
  });

  it('refuse a row of an earlier lanekeeper that is not a finding', async () => {
    const path = await tempDb();
    historyOfVersion3(path, '2026-01-01T09:00:00Z', manyFindings(2));
    sql(path, `UPDATE findings SET finding_json = '{"fingerprint":"x","severity":"urgent"}'`);
    const store = HistoryStore.open(path);
    expect(() => store.findingsOf(1)).toThrow(/findings\.finding_json is not what lanekeeper writes/);
    store.close();
  });
});
