// Through the CLI: a weekly scan keeps GitHub's answers in its history, and the next scan asks
// "changed since?" for each REST read. An unchanged organisation costs GraphQL alone, the
// findings are the same, the terminal says how many answers were not modified; a history whose
// kept answers were tampered with is not believed; the answers are kept once collection ends, so a
// scan that fails later still spares the next one its reads.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/pipeline/history/sqlite.js';
import { type ScanSetup, setupScan } from './harness.js';

vi.mock('../../connectors/index.js', async () => (await import('./tuned-registry.js')).tunedRegistry());

let open: ScanSetup | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('kept answers through the CLI', () => {
  it('re-scans an unchanged organisation with every GitHub REST read answered 304, and the same findings', async () => {
    open = await setupScan({ only: ['github'] });
    const github = open.emulator('github');
    const first = await open.scan();
    expect(first.code).toBe(0);
    const firstFindings = await readFile(join(open.outDir, 'findings.json'), 'utf8');
    const firstCount = github.requests.length;
    expect(github.requests.some((r) => r.status === 304)).toBe(false);

    const second = await open.scan();
    expect(second.code).toBe(0);
    const again = github.requests.slice(firstCount);
    const notModified = again.filter((r) => r.status === 304).length;
    expect(notModified).toBeGreaterThan(10);
    // Every REST read that succeeded the first time was a 304 this time.
    expect(again.filter((r) => r.method === 'GET' && r.status === 200)).toEqual([]);
    expect(second.stdout).toContain(`${notModified} not modified, not charged`);
    expect(first.stdout).not.toContain('not modified');
    expect(await readFile(join(open.outDir, 'findings.json'), 'utf8')).toBe(firstFindings);
  });

  it('does not believe kept answers that were changed in the history file: it reads them afresh', async () => {
    open = await setupScan({ only: ['github'] });
    const github = open.emulator('github');
    expect((await open.scan()).code).toBe(0);
    const firstFindings = await readFile(join(open.outDir, 'findings.json'), 'utf8');
    // Someone with the history file but not the token hides a repository's secrets.
    const db = openDatabase(open.historyPath);
    const changed = db
      .prepare(
        `UPDATE answers SET body = '{"total_count":0,"secrets":[]}'
         WHERE key LIKE 'GET /repos/%/actions/secrets?%' AND body LIKE '%"total_count":1%'`,
      )
      .run();
    db.close();
    expect(Number(changed.changes)).toBeGreaterThan(0);
    const before = github.requests.length;
    expect((await open.scan()).code).toBe(0);
    const secretsReads = github.requests.slice(before).filter((r) => r.path.endsWith('/actions/secrets'));
    expect(secretsReads.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(Number(changed.changes));
    expect(await readFile(join(open.outDir, 'findings.json'), 'utf8')).toBe(firstFindings);
  });

  it('keeps the answers once collection ends: a scan that fails at its reports still spares the next its reads', async () => {
    open = await setupScan({ only: ['github'] });
    const github = open.emulator('github');
    // The reports' folder cannot be made: the scan stops after collecting and judging.
    const blocked = join(open.outDir, '..', 'not-a-folder');
    await writeFile(blocked, '');
    const failed = await open.scan('--out', blocked);
    expect(failed.code).not.toBe(0);
    expect(github.requests.some((r) => r.status === 304)).toBe(false);
    const before = github.requests.length;
    expect((await open.scan()).code).toBe(0);
    const again = github.requests.slice(before);
    expect(again.filter((r) => r.status === 304).length).toBeGreaterThan(10);
    expect(again.filter((r) => r.method === 'GET' && r.status === 200)).toEqual([]);
  });

  it('keeps nothing without a history, and asks nothing conditionally', async () => {
    open = await setupScan({ only: ['github'] });
    const github = open.emulator('github');
    expect((await open.scan('--no-history')).code).toBe(0);
    expect((await open.scan('--no-history')).code).toBe(0);
    expect(github.requests.some((r) => r.status === 304)).toBe(false);
  });
});
