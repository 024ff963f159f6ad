// A scan narrowed by --only may pass the gate on what it read, but it read part of the company:
// the next full scan compares with the last full one, so a change in a system the narrowed scan
// left out is still reported; `history` says which scans were narrowed; the trend does not mix
// them with full scans. Through the CLI, judging saved inventories (no API is called).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/core/model.js';
import { type DemoSandbox, runCli, scanSavedInventory, withDemoInventory } from './harness.js';

let demo: DemoSandbox;
let inventory: string;
withDemoInventory((saved) => ({ demo, inventory } = saved));

const scanInventory = (path: string, out: string, now: string, history: string, ...extra: string[]) =>
  scanSavedInventory(demo, { inventory: path, out, now, history }, '--allow-partial', ...extra);

describe('a scan narrowed by --only', () => {
  it('is never what the next full scan compares with, is listed as narrowed, and stays out of the full trend', async () => {
    const history = join(demo.dir, 'narrowed.db');
    const first = await scanInventory(inventory, 'n1', '2026-11-29T09:00:00.000Z', history);
    expect(first.code, first.stderr).toBe(0);
    const narrowed = await scanInventory(inventory, 'n2', '2026-11-30T09:00:00.000Z', history, '--only', 'github');
    expect(narrowed.code, narrowed.stderr).toBe(0);
    // Its report says what it read: complete for github, the others not read.
    const narrowedReport = await readFile(join(demo.dir, 'n2', 'report.md'), 'utf8');
    expect(narrowedReport).toContain(
      '**Complete scan of github only.** Every system below was read in full, but for the known gaps listed below; the others were not read in this scan (--only).',
    );
    expect(await readFile(join(demo.dir, 'n2', 'report.html'), 'utf8')).toContain(
      '<strong>Complete scan of github only.</strong>',
    );

    // A week on, one AWS account gains a grant: only a comparison with the full scan can see it.
    const snapshot = JSON.parse(await readFile(inventory, 'utf8')) as Snapshot;
    const aws = snapshot.grants.find((g) => g.system === 'aws');
    if (!aws) throw new Error('the demo inventory holds no AWS grant');
    snapshot.grants.push({ ...aws, resource: 'arn:aws:s3:::drift-test-bucket', level: 'admin' });
    const changed = join(demo.dir, 'changed.json');
    await writeFile(changed, JSON.stringify(snapshot));
    const next = await scanInventory(changed, 'n3', '2026-12-06T09:00:00.000Z', history);
    expect(next.code, next.stderr).toBe(0);

    const report = await readFile(join(demo.dir, 'n3', 'report.md'), 'utf8');
    expect(report).toContain('What changed since 2026-11-29');
    expect(report).toContain('drift-test-bucket');
    // The trend of the full scan holds full scans only: not the narrowed one of 11-30.
    const trend = report.slice(report.indexOf('### Open findings'));
    expect(trend).toContain('2026-11-29');
    expect(trend.slice(0, trend.indexOf('## Findings'))).not.toContain('2026-11-30');

    const listed = await runCli(['history', '--history', history], {}, demo.dir);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = listed.stdout.split('\n').filter((l) => l.startsWith('2026-'));
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('narrowed to github');
    expect(rows[0]).not.toContain('narrowed');
    expect(rows[2]).not.toContain('narrowed');
  }, 120_000);
});
