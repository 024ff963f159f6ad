// `lanekeeper history --findings`: a past scan's findings printed to the terminal are the same JSON
// a reader parses back, with nothing in them that a terminal or the Actions runner would act on.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    // (`::` cannot open a line of pretty JSON, whose lines start with a quote or a bracket.)
    expect(run.stdout).not.toContain('##[');
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

  it('ends quietly when its reader stops early (`| head`)', async () => {
    const path = join(await tempDir(), 'history.db');
    const store = HistoryStore.open(path);
    // Far more than a pipe holds: the reader leaves while the output is still being written.
    const many = Array.from({ length: 5_000 }, (_, i) => ({ ...finding(`f${i}`), evidence: ['e'.repeat(200)] }));
    store.record({
      scannedAt: '2026-11-29T09:00:00Z',
      complete: true,
      registerText: 'x',
      snapshot: snapshot(),
      findings: many,
      timings: {},
    });
    store.close();
    // The CLI from these sources, in a process of its own whose stdout is a pipe (bin/ may run a stale dist/).
    const cli = fileURLToPath(new URL('../../src/app/cli.ts', import.meta.url));
    const entry = `process.exitCode = await (await import(${JSON.stringify(cli)})).main(process.argv);`;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        entry,
        'lanekeeper',
        'history',
        '--history',
        path,
        '--findings',
        '2026-11-29',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // Like `head`: read the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
