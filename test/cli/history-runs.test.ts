// "New since the last scan" and "open for N days" follow the finding's current run: a finding
// that closed and came back is new again, and its age counts from its return, not from the
// first time it was ever seen. Through the CLI, judging saved inventories (no API is called).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/core/model.js';
import { type DemoSandbox, scanSavedInventory, withDemoInventory } from './harness.js';

let demo: DemoSandbox;
let inventory: string;
withDemoInventory((saved) => ({ demo, inventory } = saved));

const scanInventory = (path: string, out: string, now: string, history: string) =>
  scanSavedInventory(demo, { inventory: path, out, now, history });

/** The row of report.md's findings table for this GitHub account's unknown-account finding. */
async function row(out: string, login: string): Promise<string> {
  const report = await readFile(join(demo.dir, out, 'report.md'), 'utf8');
  const line = report
    .split('\n')
    .find((l) => l.startsWith('|') && l.includes('Account linked to nobody') && l.includes(`github ${login}`));
  if (!line)
    throw new Error(
      `no unknown-account row for ${login} in ${out}: ${report
        .split('\n')
        .filter((l) => l.includes(login))
        .join('\n')}`,
    );
  return line;
}

describe('a finding that closed and came back', () => {
  it('is new again, and open from its return', async () => {
    const history = join(demo.dir, 'runs.db');
    const snapshot = JSON.parse(await readFile(inventory, 'utf8')) as Snapshot;
    // The week quickfix-dev is gone from the organisation, its finding closes.
    const gone = (r: { system: string; account?: string; id?: string }) =>
      r.system === 'github' && (r.account ?? r.id) === 'quickfix-dev';
    const without: Snapshot = {
      ...snapshot,
      accounts: snapshot.accounts.filter((a) => !gone(a)),
      grants: snapshot.grants.filter((g) => !gone(g)),
      credentials: snapshot.credentials.filter((c) => !gone(c)),
    };
    const closed = join(demo.dir, 'without-quickfix.json');
    await writeFile(closed, JSON.stringify(without));

    for (const [path, out, now] of [
      [inventory, 'r1', '2026-11-29T09:00:00.000Z'],
      [closed, 'r2', '2026-12-06T09:00:00.000Z'],
      [inventory, 'r3', '2026-12-13T09:00:00.000Z'],
    ] as const) {
      const run = await scanInventory(path, out, now, history);
      expect(run.code, run.stderr).toBe(0);
    }
    const back = await row('r3', 'quickfix-dev');
    expect(back).toContain('**New**');
    expect(back).toContain('new in this scan');
    // A finding open all along keeps counting from its first sighting.
    expect(await row('r3', 'northwind-admin')).toContain('open for 14 days');
  }, 120_000);
});
