// The files a scan writes: each format written piece by piece (a large scan's reports are
// hundreds of MB and never one string), the same bytes as the whole text, redacted piece by piece.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RENDERED_FORMATS, REPORT_FILES, renderReport, reportChunks } from '../../reports/index.js';
import { clearSecrets, redact, registerSecret } from '../../src/core/redact.js';
import { writeFileSafely } from '../../src/core/safe-write.js';
import { type SarifPlace, writeReportFiles } from '../../src/pipeline/report.js';
import { awkwardPieces } from '../support/awkward-pieces.js';
import { demoInput, hostileInput } from './fixture.js';

// No SARIF here (it needs a loaded register): report.sarif is written a result at a time, tested in sarif.test.ts.
const noSarif = {} as SarifPlace;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lanekeeper-written-'));
});
// Each test's folder is under the file's temporary root, removed when its tests end (test/support/temp-root.ts).
afterEach(() => {
  clearSecrets();
});

describe('writeReportFiles', () => {
  it('writes each format piece by piece, the same bytes as its whole text', async () => {
    for (const input of [demoInput(), hostileInput()]) {
      const { paths } = await writeReportFiles(dir, input, RENDERED_FORMATS, noSarif);
      expect(paths.map((p) => p.slice(dir.length + 1)).sort()).toEqual(Object.values(REPORT_FILES).sort());
      for (const format of RENDERED_FORMATS)
        expect(readFileSync(join(dir, REPORT_FILES[format]), 'utf8'), format).toBe(renderReport(format, input));
    }
  });

  it('never splits a value between pieces, so the last redaction pass sees each one whole', async () => {
    const input = demoInput();
    // An account id in every format (the HTML breaks ids only at separators; this has none).
    const secret = 'samortiz';
    for (const format of RENDERED_FORMATS) {
      const pieces = [...reportChunks(format, input)];
      expect(pieces.join(''), format).toContain(secret);
      expect(pieces.length, format).toBeGreaterThan(1);
    }
    registerSecret(secret);
    for (const format of RENDERED_FORMATS) {
      const pieces = [...reportChunks(format, input)];
      expect(pieces.map(redact).join(''), format).toBe(redact(pieces.join('')));
    }
    // The files, written after the secret was known: masked in every one.
    await writeReportFiles(dir, input, RENDERED_FORMATS, noSarif);
    for (const format of RENDERED_FORMATS) {
      const text = readFileSync(join(dir, REPORT_FILES[format]), 'utf8');
      expect(text, format).not.toContain(secret);
      expect(text, format).toContain('[REDACTED]');
    }
  });
});

describe('writeFileSafely with pieces', () => {
  it('writes the pieces’ text whatever their size and characters, across its buffer’s edges', async () => {
    const pieces = awkwardPieces(60_000);
    const path = join(dir, 'out.txt');
    await writeFileSafely(path, pieces);
    expect(readFileSync(path, 'utf8')).toBe(pieces.join(''));
    await writeFileSafely(path, []);
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('leaves the file as it was and no temporary file when the pieces fail halfway', async () => {
    const path = join(dir, 'out.txt');
    await writeFileSafely(path, 'before');
    // Several megabytes first, so writes are under way when the renderer fails.
    function* failing() {
      for (let i = 0; i < 50_000; i++) yield `${'x'.repeat(99)}\n`;
      throw new Error('renderer failed');
    }
    await expect(writeFileSafely(path, failing())).rejects.toThrow('renderer failed');
    expect(readFileSync(path, 'utf8')).toBe('before');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });
});
