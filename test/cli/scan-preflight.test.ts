// What --email and --pdf need is checked before any system is read: a full scan is not spent on a
// report that cannot be sent or printed (exit 2, nothing scanned). A print that fails after a good
// scan is a delivery that failed: the history, the job summary and the verdict are all still there.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { HistoryStore } from '../../src/pipeline/history/store.js';
import { DEMO_NOW, type DemoSandbox, demoScan, runCli, withDemoSandbox } from './harness.js';

let demo: DemoSandbox;
withDemoSandbox((started) => {
  demo = started;
});

describe('scan --email', () => {
  it('with no "email" block in the config exits 2 before reading anything, naming the config', async () => {
    const out = join(demo.dir, 'email-out');
    const run = await runCli(demoScan(demo.configPath, out, '--fail-on', 'none', '--email'), demo.env, demo.dir);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toBe(
      `lanekeeper scan: --email: config.json has no "email" block, so there is nowhere to send the report: add one (the README's Email section shows how) or leave out --email\n`,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('scan --pdf', () => {
  /** A scan with history, printing to PDF, in the demo's folder; its reports in demo.dir/name. */
  const pdfScan = (name: string, env: Record<string, string>) =>
    runCli(
      [
        'scan',
        '--config',
        demo.configPath,
        '--out',
        join(demo.dir, name),
        '--history',
        join(demo.dir, `${name}.db`),
        '--now',
        DEMO_NOW,
        '--quiet',
        '--fail-on',
        'critical',
        '--pdf',
      ],
      { ...demo.env, ...env },
      demo.dir,
    );

  it('without Chromium exits 2 before reading anything', async () => {
    const run = await pdfScan('no-chromium', { CHROMIUM_PATH: join(demo.dir, 'no-such-chromium') });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('LK_PDF_NO_CHROMIUM');
    expect(existsSync(join(demo.dir, 'no-chromium'))).toBe(false);
    expect(existsSync(join(demo.dir, 'no-chromium.db'))).toBe(false);
  });

  it('without playwright-core exits 2 before reading anything', async () => {
    vi.doMock('playwright-core', () => {
      throw new Error("Cannot find package 'playwright-core'");
    });
    try {
      const run = await pdfScan('no-playwright', { CHROMIUM_PATH: process.execPath });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain('LK_PDF_NO_PLAYWRIGHT');
      expect(existsSync(join(demo.dir, 'no-playwright'))).toBe(false);
    } finally {
      vi.doUnmock('playwright-core');
    }
  });

  it('that fails to print after the scan exits 4 with the history, the job summary and the reports kept', async () => {
    // Node stands in for a Chromium that is there but does not start.
    const summary = join(demo.dir, 'summary.md');
    const run = await pdfScan('print-fails', { CHROMIUM_PATH: process.execPath, GITHUB_STEP_SUMMARY: summary });
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toMatch(/^report\.pdf not printed: /m);
    expect(existsSync(join(demo.dir, 'print-fails', 'report.html'))).toBe(true);
    expect(existsSync(join(demo.dir, 'print-fails', 'report.pdf'))).toBe(false);
    expect(await readFile(summary, 'utf8')).toContain('Start here');
    const store = HistoryStore.open(join(demo.dir, 'print-fails.db'));
    try {
      expect(store.list().map((s) => s.scannedAt)).toEqual([DEMO_NOW]);
    } finally {
      store.close();
    }
  });
});
