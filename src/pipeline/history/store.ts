// The history store: one SQLite file that remembers every scan, so reports can say what
// changed since last week and how long a finding has been open. Each scan is written in
// one transaction: a scan killed half-way leaves the store exactly as it was.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { sha256 } from '../../core/digest.js';
import { ExitCode, LanekeeperError } from '../../core/errors.js';
import type { Finding, Severity } from '../../core/finding.js';
import { type Snapshot, SnapshotSchema, type SystemStatus } from '../../core/model.js';
import { redactDeep } from '../../core/redact.js';
import type { StoredAnswer } from '../answers.js';
import { FindingSchema, findingParts, findingsFromParts } from './finding-parts.js';
import { PartError } from './line-parts.js';
import { MIGRATIONS } from './migrations.js';
import { snapshotFromParts, snapshotParts } from './snapshot-parts.js';
import { inTransaction, openDatabase, type SqlDatabase } from './sqlite.js';

export const DEFAULT_HISTORY_PATH = '.lanekeeper/history.db';

export interface ScanRecord {
  scannedAt: string;
  complete: boolean;
  /**
   * The `--only` scope of a narrowed scan ("github", "aws:111111111111"); absent or empty for a
   * full scan. A narrowed scan is kept and listed, but never compared with by a later scan.
   */
  scope?: readonly string[];
  registerText: string;
  snapshot: Snapshot;
  findings: readonly Finding[];
  timings: Record<string, number>;
  /**
   * When each finding's current run began, as this scan reported it (its "open for N days"): a
   * finding that closed and came back starts a new run. A finding left out keeps the run it had,
   * or its first sighting.
   */
  runStarts?: ReadonlyMap<string, string>;
}

export interface ScanSummary {
  id: number;
  scannedAt: string;
  complete: boolean;
  /** The `--only` scope of a narrowed scan; absent for a full scan. */
  scope?: string[];
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
  /** When its current run began, as the last scan that saw it reported; absent for rows kept before runs were. */
  runStart?: string;
  /** The last complete full scan (a scan later ones compare with) it was found in; absent when none was, or before this was kept. */
  lastBaseline?: string;
}

export class HistoryStore {
  private readonly db: SqlDatabase;
  private readonly path: string;

  private constructor(db: SqlDatabase, path: string) {
    this.db = db;
    this.path = path;
  }

  /** A value read from the file, as lanekeeper writes it; anything else refuses the whole file. */
  private checked<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
    const result = schema.safeParse(value);
    if (!result.success) throw new HistoryIntegrityError(this.path, `a row's ${where} is not what lanekeeper writes`);
    return result.data;
  }

  private json<T>(schema: z.ZodType<T>, text: unknown, where: string): T {
    let value: unknown;
    try {
      value = JSON.parse(String(text));
    } catch {
      throw new HistoryIntegrityError(this.path, `a row's ${where} is not JSON`);
    }
    return this.checked(schema, value, where);
  }

  /**
   * Opens (or creates) the store. A file carried between CI runs may have been swapped: one
   * that is not a lanekeeper history, or holds anything our migrations did not create (a
   * trigger that rewrites what we record, a view, another table), is refused before any row
   * is read or written: HistoryIntegrityError, exit 3. So is a file SQLite cannot read (not a
   * database, corrupt, a folder), named with its path rather than as SQLite's bare message.
   */
  static open(path: string): HistoryStore {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
        throw new HistoryIntegrityError(path, 'it is a folder, not a history file');
      }
    }
    let db: SqlDatabase;
    try {
      db = openDatabase(path);
    } catch (e) {
      throw unreadable(path, e);
    }
    try {
      // Functions named in the schema (in a view or trigger) may not run at all.
      db.exec('PRAGMA trusted_schema = OFF');
      checkIdentity(db, path);
      // WAL keeps readers working during a write and makes an interrupted write roll back cleanly.
      if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA foreign_keys = ON');
      migrate(db, path);
      checkSchema(db, path);
    } catch (e) {
      db.close();
      throw unreadable(path, e);
    }
    return new HistoryStore(db, path);
  }

  close(): void {
    this.db.close();
  }

  /**
   * The latest complete full scan that still has its snapshot, strictly before `before`. A scan
   * narrowed by `--only` is never it: compared with, it would hide every change in what it did
   * not read.
   */
  previousComplete(before: string): PreviousScan | undefined {
    const row = this.db
      .prepare(
        `SELECT id, scanned_at, snapshot_json FROM scans
         WHERE ${BASELINE} AND ${HAS_SNAPSHOT} AND scanned_at < ?
         ORDER BY scanned_at DESC, id DESC LIMIT 1`,
      )
      .get(before) as { id: number; scanned_at: string; snapshot_json: string | null } | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      scannedAt: this.checked(Instant, row.scanned_at, 'scans.scanned_at'),
      // Scans recorded before the snapshot came in parts hold it as one JSON text.
      snapshot:
        row.snapshot_json === null
          ? this.snapshotInParts(row.id)
          : this.json(SnapshotSchema, row.snapshot_json, 'scans.snapshot_json'),
    };
  }

  private snapshotInParts(scanId: number): Snapshot {
    return this.fromParts('snapshot_parts', this.partsOf('snapshot_parts', scanId), snapshotFromParts);
  }

  /**
   * The findings a scan recorded, as it recorded them (redacted), until retention prunes them
   * with its snapshot: the record of what each weekly scan found.
   */
  findingsOf(scanId: number): Finding[] {
    const parts = this.partsOf('finding_parts', scanId);
    if (parts.length > 0) return this.fromParts('finding_parts', parts, findingsFromParts);
    // Scans recorded before findings came in parts hold one row each.
    const rows = this.db
      .prepare('SELECT finding_json FROM findings WHERE scan_id = ? ORDER BY fingerprint')
      .all(scanId) as { finding_json: unknown }[];
    return rows.map((r) => this.json(FindingSchema, r.finding_json, 'findings.finding_json'));
  }

  private partsOf(table: PartsTable, scanId: number): unknown[] {
    const rows = this.db.prepare(`SELECT part FROM ${table} WHERE scan_id = ? ORDER BY seq`).all(scanId) as {
      part: unknown;
    }[];
    return rows.map((r) => r.part);
  }

  /** What `read` makes of a scan's parts; a part that cannot be read is a HistoryIntegrityError. */
  private fromParts<T>(table: PartsTable, parts: unknown[], read: (parts: unknown[]) => T): T {
    try {
      return read(parts);
    } catch (e) {
      if (e instanceof PartError) throw new HistoryIntegrityError(this.path, `a scan's ${table}: ${e.message}`);
      throw e;
    }
  }

  /** When each fingerprint was first and last seen, and its current run began, before the scan being recorded now. */
  seen(fingerprints: readonly string[]): Map<string, SeenDates> {
    const out = new Map<string, SeenDates>();
    const stmt = this.db.prepare(
      'SELECT first_seen, last_seen, run_start, last_baseline FROM fingerprints WHERE fingerprint = ?',
    );
    for (const fp of fingerprints) {
      const row = stmt.get(fp) as
        | { first_seen: unknown; last_seen: unknown; run_start: unknown; last_baseline: unknown }
        | undefined;
      if (row)
        out.set(fp, {
          firstSeen: this.checked(Instant, row.first_seen, 'fingerprints.first_seen'),
          lastSeen: this.checked(Instant, row.last_seen, 'fingerprints.last_seen'),
          ...(row.run_start === null
            ? {}
            : { runStart: this.checked(Instant, row.run_start, 'fingerprints.run_start') }),
          ...(row.last_baseline === null
            ? {}
            : { lastBaseline: this.checked(Instant, row.last_baseline, 'fingerprints.last_baseline') }),
        });
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
    // Built before the write begins: the transaction holds the file's lock only to insert.
    const parts = snapshotParts(scan.snapshot);
    const findingsInParts = findingParts(scan.findings);
    return inTransaction(this.db, (): number => {
      const result = this.db
        .prepare(
          `INSERT INTO scans (scanned_at, complete, register_digest, systems_json, counts_json, timings_json, scope_json)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          scan.scannedAt,
          scan.complete ? 1 : 0,
          sha256(scan.registerText),
          JSON.stringify(scan.snapshot.systems.map(statusSummary)),
          JSON.stringify(counts),
          JSON.stringify(scan.timings),
          scan.scope && scan.scope.length > 0 ? JSON.stringify([...scan.scope]) : null,
        );
      const scanId = Number(result.lastInsertRowid);
      seams.afterScanRow?.();
      const insertPart = this.db.prepare('INSERT INTO snapshot_parts (scan_id, seq, part) VALUES (?, ?, ?)');
      for (const [seq, part] of parts.entries()) insertPart.run(scanId, seq, part);
      const insertFindingPart = this.db.prepare('INSERT INTO finding_parts (scan_id, seq, part) VALUES (?, ?, ?)');
      for (const [seq, part] of findingsInParts.entries()) insertFindingPart.run(scanId, seq, part);
      // A scan later ones compare with (complete, not narrowed) marks the findings it holds: the
      // next scan tells "new since the last scan" by them.
      const baseline = scan.complete && (scan.scope?.length ?? 0) === 0 ? scan.scannedAt : null;
      const upsertSeen = this.db.prepare(
        `INSERT INTO fingerprints (fingerprint, rule, first_seen, last_seen, run_start, last_baseline)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (fingerprint) DO UPDATE SET
           first_seen = min(first_seen, excluded.first_seen),
           last_seen = max(last_seen, excluded.last_seen),
           run_start = coalesce(excluded.run_start, run_start),
           last_baseline = coalesce(excluded.last_baseline, last_baseline)`,
      );
      for (const f of scan.findings)
        upsertSeen.run(
          f.fingerprint,
          f.rule,
          scan.scannedAt,
          scan.scannedAt,
          scan.runStarts?.get(f.fingerprint) ?? null,
          baseline,
        );
      return scanId;
    });
  }

  /** The answers the last scan kept, each row checked as it is read. */
  answers(): StoredAnswer[] {
    const rows = this.db
      .prepare('SELECT system, target, key, validator, seal, link, body FROM answers ORDER BY system, target, key')
      .all() as Record<string, unknown>[];
    return rows.map((r) => {
      const row = this.checked(AnswerRow, r, 'answers');
      return {
        system: row.system,
        target: row.target,
        key: row.key,
        validator: row.validator,
        body: row.body,
        ...(row.link !== null ? { link: row.link } : {}),
        ...(row.seal !== null ? { seal: row.seal } : {}),
      };
    });
  }

  /**
   * Keeps the answers a scan's collection gave, for the next scan's conditional requests, all or
   * nothing. They replace the kept answers of every target the scan read (`read`); other targets
   * (another shard's) keep theirs.
   *
   * Called once collection ends, apart from record(): the answers are what the systems said, true
   * whatever the scan goes on to make of them, so they need not wait for its verdict, and held
   * until then they were tens of MB beside evaluate and the reports at the scan's peak. A scan
   * that fails after collecting still spares the next one those reads.
   */
  keepAnswers(read: readonly { system: string; target: string }[], answers: readonly StoredAnswer[]): void {
    inTransaction(this.db, () => {
      const forget = this.db.prepare('DELETE FROM answers WHERE system = ? AND target = ?');
      for (const s of read) forget.run(s.system, s.target);
      const keep = this.db.prepare(
        'INSERT OR REPLACE INTO answers (system, target, key, validator, seal, link, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const a of answers) keep.run(a.system, a.target, a.key, a.validator, a.seal ?? null, a.link ?? null, a.body);
    });
  }

  list(): ScanSummary[] {
    const rows = this.db
      .prepare(
        `SELECT id, scanned_at, complete, counts_json, systems_json, scope_json, ${HAS_SNAPSHOT} AS has_snapshot
         FROM scans ORDER BY scanned_at, id`,
      )
      .all() as {
      id: number;
      scanned_at: unknown;
      complete: number;
      counts_json: string;
      systems_json: string;
      scope_json: string | null;
      has_snapshot: number;
    }[];
    // Each row is checked as it is read: what the report and the job summary show of past scans
    // is numbers and dates, never text a swapped file put there.
    return rows.map((r) => ({
      id: r.id,
      scannedAt: this.checked(Instant, r.scanned_at, 'scans.scanned_at'),
      complete: r.complete === 1,
      counts: this.json(CountsSchema, r.counts_json, 'scans.counts_json'),
      systems: this.json(SystemsSchema, r.systems_json, 'scans.systems_json'),
      ...(r.scope_json === null ? {} : { scope: this.json(ScopeSchema, r.scope_json, 'scans.scope_json') }),
      hasSnapshot: r.has_snapshot === 1,
    }));
  }

  /**
   * Drop the snapshots and findings (the bulk of the file) of scans older than `keepDays` before
   * `now`, keeping their counts for trends. The latest complete full scan keeps its snapshot so
   * drift always has something to compare with.
   */
  prune(now: Date, keepDays: number): number {
    const cutoff = new Date(now.getTime() - keepDays * 86_400_000).toISOString();
    return inTransaction(this.db, (): number => {
      const latest = this.db
        .prepare(`SELECT id FROM scans WHERE ${BASELINE} AND ${HAS_SNAPSHOT} ORDER BY scanned_at DESC, id DESC LIMIT 1`)
        .get() as { id: number } | undefined;
      const old = this.db
        .prepare(`SELECT id FROM scans WHERE scanned_at < ? AND (${HAS_SNAPSHOT} OR ${HAS_FINDINGS}) AND id != ?`)
        .all(cutoff, latest?.id ?? -1) as { id: number }[];
      const drops = [
        this.db.prepare('UPDATE scans SET snapshot_json = NULL WHERE id = ?'),
        this.db.prepare('DELETE FROM snapshot_parts WHERE scan_id = ?'),
        this.db.prepare('DELETE FROM finding_parts WHERE scan_id = ?'),
        this.db.prepare('DELETE FROM findings WHERE scan_id = ?'),
      ];
      for (const { id } of old) for (const drop of drops) drop.run(id);
      return old.length;
    });
  }
}

/** A scan row still holding its snapshot: as one JSON text (recorded before parts) or in parts. */
const HAS_SNAPSHOT =
  '(snapshot_json IS NOT NULL OR EXISTS (SELECT 1 FROM snapshot_parts WHERE snapshot_parts.scan_id = scans.id))';

/** A scan a later one may compare with: complete, and not narrowed by `--only`. */
const BASELINE = '(complete = 1 AND scope_json IS NULL)';

/** The tables that keep a scan's long lists in deflated parts (line-parts.ts). */
type PartsTable = 'snapshot_parts' | 'finding_parts';

/** A scan row whose findings are still kept: in parts, or one row each (recorded before parts). */
const HAS_FINDINGS =
  '(EXISTS (SELECT 1 FROM finding_parts WHERE finding_parts.scan_id = scans.id) OR EXISTS (SELECT 1 FROM findings WHERE findings.scan_id = scans.id))';

/** "LKHS": marks a SQLite file as a lanekeeper history (PRAGMA application_id). */
export const HISTORY_APPLICATION_ID = 0x4c4b4853;

/** The history file cannot be trusted: nothing is read from it or written to it. */
export class HistoryIntegrityError extends LanekeeperError {
  override readonly name = 'HistoryIntegrityError';
  readonly exitCode = ExitCode.INCOMPLETE;
  constructor(
    readonly path: string,
    reason: string,
    /** What to do instead of restoring it or starting afresh (a newer lanekeeper's file: upgrade). */
    private readonly fix?: string,
  ) {
    super(`the history database ${path} cannot be trusted: ${reason}`);
  }
  lines(): string[] {
    return [
      this.message,
      this.fix ??
        'nothing was read from it or written to it; restore it from a run you trust, or start afresh with a new --history file',
    ];
  }
}

/** SQLite's own words for a file it cannot read as a database; other errors (a lock, a full disk) pass through. */
const UNREADABLE = /not a database|malformed|corrupt|unable to open|disk image|SQLITE_(NOTADB|CORRUPT|CANTOPEN)/i;

/** An error met while opening the file, as a HistoryIntegrityError naming it when SQLite could not read it. */
function unreadable(path: string, error: unknown): unknown {
  if (error instanceof LanekeeperError || !(error instanceof Error) || !UNREADABLE.test(error.message)) return error;
  return new HistoryIntegrityError(path, `SQLite cannot read it as a database (${error.message})`);
}

/** A new file gets our application id; an existing one must carry it (or be an older lanekeeper's). */
function checkIdentity(db: SqlDatabase, path: string): void {
  const id = Number((db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id);
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  const objects = Number((db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n);
  if (id === HISTORY_APPLICATION_ID) return;
  // An empty file is ours to create; one written by lanekeeper before application ids is
  // recognised by its schema (checked in full after migrating) and marked.
  if (id === 0 && (objects === 0 || version > 0)) {
    db.exec(`PRAGMA application_id = ${HISTORY_APPLICATION_ID}`);
    return;
  }
  throw new HistoryIntegrityError(
    path,
    `it is not a lanekeeper history (application_id ${id}, user_version ${version})`,
  );
}

let expectedSchema: Map<string, string> | undefined;

/** What our migrations create, object by object: built once in memory, compared with the file. */
function schemaOf(db: SqlDatabase): Map<string, string> {
  const rows = db
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name")
    .all() as { type: string; name: string; tbl_name: string; sql: string | null }[];
  return new Map(rows.map((r) => [`${r.type} ${r.name} on ${r.tbl_name}`, (r.sql ?? '').replace(/\s+/g, ' ').trim()]));
}

function checkSchema(db: SqlDatabase, path: string): void {
  if (!expectedSchema) {
    const reference = openDatabase(':memory:');
    try {
      migrate(reference, ':memory:');
      expectedSchema = schemaOf(reference);
    } finally {
      reference.close();
    }
  }
  const actual = schemaOf(db);
  const extra = [...actual.keys()].filter((k) => !expectedSchema?.has(k));
  const changed = [...actual.keys()].filter((k) => expectedSchema?.has(k) && expectedSchema.get(k) !== actual.get(k));
  const missing = [...(expectedSchema?.keys() ?? [])].filter((k) => !actual.has(k));
  const problems = [
    ...extra.map((k) => `${k} is not lanekeeper's`),
    ...changed.map((k) => `${k} differs from lanekeeper's`),
    ...missing.map((k) => `${k} is missing`),
  ];
  if (problems.length > 0) throw new HistoryIntegrityError(path, problems.join('; '));
}

const Instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'an ISO instant');
const Count = z.number().int().nonnegative();
const CountsSchema = z.strictObject({ critical: Count, high: Count, medium: Count, low: Count, info: Count });
const AnswerRow = z.strictObject({
  system: z.string().regex(/^[a-z0-9-]+$/),
  target: z.string(),
  key: z.string().regex(/^GET \//),
  validator: z.string(),
  seal: z.string().nullable(),
  link: z.string().nullable(),
  body: z.string(),
});
const ScopeSchema = z.array(z.string().regex(/^[a-z0-9-]+(:.+)?$/)).min(1);
const SystemsSchema = z.array(
  z.strictObject({ system: z.string().regex(/^[a-z0-9-]+$/), target: z.string(), ok: z.boolean() }),
);

function migrate(db: SqlDatabase, path: string): void {
  const current = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (current > MIGRATIONS.length) {
    throw new HistoryIntegrityError(
      path,
      `it has schema version ${current}, newer than this lanekeeper knows (${MIGRATIONS.length})`,
      'nothing was read from it or written to it; upgrade lanekeeper to the version that wrote it',
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
