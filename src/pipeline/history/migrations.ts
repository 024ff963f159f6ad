// Forward-only schema migrations of the history store. A migration is never edited once
// released: a change is a new entry at the end. user_version holds how many have run.

export const MIGRATIONS: readonly string[] = [
  // 1: scans with their snapshot, findings per scan, and when each fingerprint was seen.
  `
  CREATE TABLE scans (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    scanned_at      TEXT NOT NULL,          -- the scan's clock (--now), ISO-8601
    complete        INTEGER NOT NULL,       -- 1 when every system was read
    register_digest TEXT NOT NULL,          -- sha256 of the register text, to tell which register judged it
    systems_json    TEXT NOT NULL,          -- SystemStatus[] (targets, ok, error, calls)
    counts_json     TEXT NOT NULL,          -- {critical, high, medium, low, info}: kept after pruning
    timings_json    TEXT NOT NULL,          -- {collectMs, evaluateMs, reportMs}
    snapshot_json   TEXT                    -- the inventory; NULL once pruned by retention
  );
  CREATE INDEX scans_by_time ON scans (scanned_at);
  CREATE TABLE findings (
    scan_id     INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    rule        TEXT NOT NULL,
    severity    TEXT NOT NULL,
    finding_json TEXT NOT NULL,
    PRIMARY KEY (scan_id, fingerprint)
  );
  CREATE TABLE fingerprints (
    fingerprint TEXT PRIMARY KEY,
    rule        TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL
  );
  `,
  // 2: the answers a scan keeps for the next one's conditional requests (see pipeline/answers.ts).
  `
  CREATE TABLE answers (
    system    TEXT NOT NULL,
    target    TEXT NOT NULL,
    key       TEXT NOT NULL,                -- the request: method, path, sorted query
    validator TEXT NOT NULL,                -- the system's ETag
    seal      TEXT,                         -- the connector's MAC over the answer, keyed by its credential
    link      TEXT,                         -- the paging link the answer carried
    body      TEXT NOT NULL,
    PRIMARY KEY (system, target, key)
  );
  `,
  // 3: the snapshot in deflated parts of JSON lines (see snapshot-parts.ts). scans.snapshot_json
  // stays, NULL for scans recorded from here on, for those recorded before.
  `
  CREATE TABLE snapshot_parts (
    scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,               -- 0, 1, ...: the parts in order
    part    BLOB NOT NULL,
    PRIMARY KEY (scan_id, seq)
  );
  `,
  // 4: a scan's findings in deflated parts of JSON lines (see finding-parts.ts), as its snapshot.
  // findings keeps the rows of scans recorded before; scans recorded from here on have none.
  `
  CREATE TABLE finding_parts (
    scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,               -- 0, 1, ...: the parts in order
    part    BLOB NOT NULL,
    PRIMARY KEY (scan_id, seq)
  );
  `,
  // 5: the `--only` scope of a narrowed scan (JSON array of "system" or "system:targets"), NULL
  // for a full scan. A narrowed scan is never the scan a later one compares with.
  `
  ALTER TABLE scans ADD COLUMN scope_json TEXT;
  `,
  // 6: when each finding's current run began (it closed and came back: a new run), and the last
  // complete full scan it was found in, so "new since the last scan" means absent from that scan.
  // NULL in rows kept before: first_seen and last_seen stand in for them.
  `
  ALTER TABLE fingerprints ADD COLUMN run_start TEXT;
  ALTER TABLE fingerprints ADD COLUMN last_baseline TEXT;
  `,
];
