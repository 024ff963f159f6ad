// A history file carried between CI runs may have been swapped. What lanekeeper did not write is
// refused before a row is read or written (exit 3): another application's SQLite file, a trigger
// that would rewrite what a scan records, a view, an extra table, and rows holding what
// lanekeeper never writes (text where counts go, escapes where a date goes).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/pipeline/history/sqlite.js';
import { HISTORY_APPLICATION_ID, HistoryIntegrityError, HistoryStore } from '../../src/pipeline/history/store.js';
import { runCli } from '../cli/harness.js';
import { account, finding, snapshot, status } from './fixtures.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function goodHistory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lanekeeper-history-'));
  dirs.push(dir);
  const path = join(dir, 'history.db');
  const store = HistoryStore.open(path);
  store.record({
    scannedAt: '2026-11-22T09:00:00.000Z',
    complete: true,
    registerText: 'organization: X\n',
    snapshot: snapshot({ systems: [status('github', 'northwind')], accounts: [account('github', 'northwind', 'a')] }),
    findings: [finding('f1')],
    timings: {},
  });
  store.close();
  return path;
}

function tamper(path: string, sql: string): void {
  const db = openDatabase(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

const rows = (path: string) => {
  const db = openDatabase(path);
  try {
    return Number((db.prepare('SELECT count(*) AS n FROM scans').get() as { n: number }).n);
  } finally {
    db.close();
  }
};

describe('the history database is checked before it is trusted', () => {
  it('is quiet on a history lanekeeper wrote, and marks it as lanekeeper’s', async () => {
    const path = await goodHistory();
    const run = await runCli(['history', '--history', path]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('2026-11-22T09:00:00.000Z');
    const db = openDatabase(path);
    expect((db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id).toBe(
      HISTORY_APPLICATION_ID,
    );
    db.close();
  });

  it('accepts a history an earlier lanekeeper wrote before application ids, and marks it', async () => {
    const path = await goodHistory();
    tamper(path, 'PRAGMA application_id = 0');
    expect((await runCli(['history', '--history', path])).code).toBe(0);
  });

  it.each([
    [
      'an AFTER INSERT trigger',
      "CREATE TRIGGER hide AFTER INSERT ON findings BEGIN DELETE FROM findings WHERE rule = 'x'; END",
    ],
    ['a view', 'CREATE VIEW v AS SELECT * FROM scans'],
    ['an extra table', 'CREATE TABLE notes (text TEXT)'],
    ['a changed table', 'ALTER TABLE scans ADD COLUMN extra TEXT'],
    ['another application’s file', 'PRAGMA application_id = 1234'],
    [
      'counts that are text',
      `UPDATE scans SET counts_json = '{"critical":"[click](https://x.example)","high":0,"medium":0,"low":0,"info":0}'`,
    ],
    ['a date holding terminal escapes', `UPDATE scans SET scanned_at = '2026-11-22T09:00:00Z' || char(27) || '[2J'`],
    [
      'systems with injected text',
      `UPDATE scans SET systems_json = '[{"system":"github\n::error::x","target":"t","ok":true}]'`,
    ],
  ])('refuses %s with exit 3, and prints nothing from it', async (_name, sql) => {
    const path = await goodHistory();
    tamper(path, sql);
    const run = await runCli(['history', '--history', path]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('cannot be trusted');
    expect(run.stdout).toBe('');
    expect(run.stdout + run.stderr).not.toContain('\u001b');
  });

  it('refuses a trigger before a scan writes anything', async () => {
    const path = await goodHistory();
    tamper(path, 'CREATE TRIGGER t AFTER INSERT ON scans BEGIN UPDATE scans SET complete = 1; END');
    expect(() => HistoryStore.open(path)).toThrow(/cannot be trusted: trigger t on scans is not lanekeeper's/);
    expect(rows(path)).toBe(1);
  });
});

// A file that is not SQLite at all (truncated, overwritten, an artifact upload gone wrong), a folder
// where the file should be, or a history from a newer lanekeeper: the message names the file and
// what to do. The exit code is 3, as for every history lanekeeper cannot trust (README, "exit 3";
// docs/security.md 5a): the history is state lanekeeper wrote, not input a person edits, so it is
// not the config-or-register case of exit 2, and one class of refusal keeps one code.
describe('a history file that cannot be opened', () => {
  async function freshDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'lanekeeper-history-'));
    dirs.push(dir);
    return dir;
  }

  it.each([
    ['text, not SQLite', 'not a db\n'],
    ['a SQLite header followed by garbage', `SQLite format 3\u0000${'x'.repeat(200)}`],
    ['random bytes the size of a page', 'Q'.repeat(4096)],
  ])('refuses %s naming the file, with exit 3 and the way out', async (_name, content) => {
    const path = join(await freshDir(), 'history.db');
    await writeFile(path, content);
    expect(() => HistoryStore.open(path)).toThrow(HistoryIntegrityError);
    const run = await runCli(['history', '--history', path]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`the history database ${path} cannot be trusted`);
    expect(run.stderr).toContain('start afresh with a new --history file');
    expect(run.stdout).toBe('');
  });

  it('refuses a folder where the file should be, naming it', async () => {
    const path = join(await freshDir(), 'history.db');
    await mkdir(path);
    expect(() => HistoryStore.open(path)).toThrow(HistoryIntegrityError);
    const run = await runCli(['history', '--history', path]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`the history database ${path} cannot be trusted`);
    expect(run.stderr).toContain('is a folder');
  });

  it('refuses a history from a newer lanekeeper, naming the file and saying to upgrade', async () => {
    const path = await goodHistory();
    tamper(path, 'PRAGMA user_version = 999');
    expect(() => HistoryStore.open(path)).toThrow(HistoryIntegrityError);
    const run = await runCli(['history', '--history', path]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`the history database ${path}`);
    expect(run.stderr).toContain('schema version 999');
    expect(run.stderr).toContain('upgrade lanekeeper');
    expect(run.stderr).not.toContain('start afresh');
  });
});
