// `lanekeeper history --findings`: a past scan's findings printed to the terminal are the same JSON
// a reader parses back, with nothing in them that a terminal or the Actions runner would act on.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/pipeline/history/store.js';
import { CONTROL_OR_BIDI, PAYLOAD_LIST } from '../fixtures/hostile/payloads.js';
import { finding, snapshot } from '../history/fixtures.js';
import { runCli, tempDir } from './harness.js';

describe('history --findings', () => {
  it('prints what a scan found as JSON that parses back to it, safe for a terminal and a CI log', async () => {
    const path = join(await tempDir(), 'history.db');
    const store = HistoryStore.open(path);
    const hostile = PAYLOAD_LIST.map((text, i) => ({ ...finding(`f${i}`), account: text, evidence: [text] }));
    store.record({
      scannedAt: '2026-11-29T09:00:00Z',
      complete: true,
      registerText: 'x',
      snapshot: snapshot(),
      findings: hostile,
      timings: {},
    });
    store.close();

    const run = await runCli(['history', '--history', path, '--findings', '2026-11-29T09:00:00Z']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(CONTROL_OR_BIDI);
    expect(run.stdout).not.toContain('##[');
    expect(run.stdout).not.toMatch(/^\s*::/m);
    expect(JSON.parse(run.stdout)).toEqual({ scannedAt: '2026-11-29T09:00:00Z', complete: true, findings: hostile });
  });

  it('names the argument, made terminal-safe, when it names no scan', async () => {
    const path = join(await tempDir(), 'history.db');
    HistoryStore.open(path).close();
    const run = await runCli(['history', '--history', path, '--findings', '\u001b[2J2026']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no scan at 2026 in the history');
    expect(run.stderr).not.toMatch(CONTROL_OR_BIDI);
  });

});
