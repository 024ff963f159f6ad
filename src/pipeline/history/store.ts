// The history store: one SQLite file that remembers every scan, so reports can say what
// changed since last week and how long a finding has been open. Each scan is written in
// one transaction: a scan killed half-way leaves the store exactly as it was.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sha256 } from '../../core/digest.js';
import type { Finding, Severity } from '../../core/finding.js';
import { type Snapshot, SnapshotSchema, type SystemStatus } from '../../core/model.js';
import { redactDeep } from '../../core/redact.js';
import { MIGRATIONS } from './migrations.js';
import { inTransaction, openDatabase, type SqlDatabase } from './sqlite.js';

export const DEFAULT_HISTORY_PATH = '.lanekeeper/history.db';

export interface ScanRecord {
  scannedAt: string;
  complete: boolean;
  registerText: string;
  snapshot: Snapshot;
  findings: readonly Finding[];
  timings: Record<string, number>;
}

export interface ScanSummary {
  id: number;
  scannedAt: string;
  complete: boolean;
  counts: Record<Severity, number>;
  systems: { system: string; target: string; ok: boolean }[];
  /** False once retention pruned the snapshot. */
  hasSnapshot: boolean;
}

export interface PreviousScan {
  id: number;
  scannedAt: string;
  snapshot: Snapshot;
}

export interface SeenDates {
  firstSeen: string;
  lastSeen: string;
}

export class HistoryStore {
  private readonly db: SqlDatabase;

  private constructor(db: SqlDatabase) {
    this.db = db;
  }

  static open(path: string): HistoryStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = openDatabase(path);
    // WAL keeps readers working during a write and makes an interrupted write roll back cleanly.
    if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db);
    return new HistoryStore(db);
  }

  close(): void {
    this.db.close();
  }

  /** The latest complete scan that still has its snapshot, strictly before `before`. */
  previousComplete(before: string): PreviousScan | undefined {
    const row = this.db
      .prepare(
        `SELECT id, scanned_at, snapshot_json FROM scans
         WHERE complete = 1 AND snapshot_json IS NOT NULL AND scanned_at < ?
         ORDER BY scanned_at DESC, id DESC LIMIT 1`,
      )
      .get(before) as { id: number; scanned_at: string; snapshot_json: string } | undefined;
    if (!row) return undefined;
    return { id: row.id, scannedAt: row.scanned_at, snapshot: SnapshotSchema.parse(JSON.parse(row.snapshot_json)) };
  }

  /** When each fingerprint was first and last seen, before the scan being recorded now. */
  seen(fingerprints: readonly string[]): Map<string, SeenDates> {
    const out = new Map<string, SeenDates>();
    const stmt = this.db.prepare('SELECT first_seen, last_seen FROM fingerprints WHERE fingerprint = ?');
    for (const fp of fingerprints) {
      const row = stmt.get(fp) as { first_seen: string; last_seen: string } | undefined;
      if (row) out.set(fp, { firstSeen: row.first_seen, lastSeen: row.last_seen });
    }
    return out;
  }

  /**
   * Store one scan, its findings and the fingerprints' dates, all or nothing.
   * `seams.afterScanRow` lets a test kill the process in the middle of the write.
   */
  record(unredacted: ScanRecord, seams: { afterScanRow?: () => void } = {}): number {
    // What is kept is redacted as it is kept: a secret a system echoed into a record never
    // reaches the file that is carried between runs.
    const scan = {
      ...unredacted,
      snapshot: redactDeep(unredacted.snapshot),
      findings: redactDeep(unredacted.findings),
    };
    const counts = countBySeverity(scan.findings);
    return inTransaction(this.db, (): number => {
      const result = this.db
        .prepare(
          `INSERT INTO scans (scanned_at, complete, register_digest, systems_json, counts_json, timings_json, snapshot_json)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          scan.scannedAt,
          scan.complete ? 1 : 0,
          sha256(scan.registerText),
          JSON.stringify(scan.snapshot.systems.map(statusSummary)),
          JSON.stringify(counts),
          JSON.stringify(scan.timings),
          JSON.stringify(scan.snapshot),
        );
      const scanId = Number(result.lastInsertRowid);
      seams.afterScanRow?.();
      const insertFinding = this.db.prepare(
        'INSERT INTO findings (scan_id, fingerprint, rule, severity, finding_json) VALUES (?, ?, ?, ?, ?)',
      );
      const upsertSeen = this.db.prepare(
        `INSERT INTO fingerprints (fingerprint, rule, first_seen, last_seen) VALUES (?, ?, ?, ?)
         ON CONFLICT (fingerprint) DO UPDATE SET
           first_seen = min(first_seen, excluded.first_seen),
           last_seen = max(last_seen, excluded.last_seen)`,
      );
      for (const f of scan.findings) {
        insertFinding.run(scanId, f.fingerprint, f.rule, f.severity, JSON.stringify(f));
        upsertSeen.run(f.fingerprint, f.rule, scan.scannedAt, scan.scannedAt);
      }
      return scanId;
    });
  }

  list(): ScanSummary[] {
    const rows = this.db
      .prepare(
        `SELECT id, scanned_at, complete, counts_json, systems_json, snapshot_json IS NOT NULL AS has_snapshot
         FROM scans ORDER BY scanned_at, id`,
      )
      .all() as {
      id: number;
      scanned_at: string;
      complete: number;
      counts_json: string;
      systems_json: string;
      has_snapshot: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      scannedAt: r.scanned_at,
      complete: r.complete === 1,
      counts: JSON.parse(r.counts_json) as Record<Severity, number>,
      systems: JSON.parse(r.systems_json) as ScanSummary['systems'],
      hasSnapshot: r.has_snapshot === 1,
    }));
  }

  /**
   * Drop the snapshots (the bulk of the file) of scans older than `keepDays` before `now`,
   * keeping their counts for trends. The latest complete scan keeps its snapshot so drift
   * always has something to compare with.
   */
  prune(now: Date, keepDays: number): number {
    const cutoff = new Date(now.getTime() - keepDays * 86_400_000).toISOString();
    const latest = this.db
      .prepare(
        'SELECT id FROM scans WHERE complete = 1 AND snapshot_json IS NOT NULL ORDER BY scanned_at DESC, id DESC LIMIT 1',
      )
      .get() as { id: number } | undefined;
    const result = this.db
      .prepare('UPDATE scans SET snapshot_json = NULL WHERE scanned_at < ? AND snapshot_json IS NOT NULL AND id != ?')
      .run(cutoff, latest?.id ?? -1);
    return Number(result.changes);
  }
}

function migrate(db: SqlDatabase): void {
  const current = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the history database has schema version ${current}, newer than this lanekeeper knows (${MIGRATIONS.length}): upgrade lanekeeper`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    inTransaction(db, () => {
      db.exec(MIGRATIONS[v] as string);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    });
  }
}

function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

function statusSummary(s: SystemStatus): { system: string; target: string; ok: boolean } {
  return { system: s.system, target: s.target, ok: s.ok };
}
