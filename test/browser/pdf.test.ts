// report.pdf: report.html printed by Chromium with its print stylesheet, and a clear message
// (not a stack trace) when there is no Chromium to print with.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../reports/index.js';
import { ChromiumMissingError, findChromium, printPdf } from '../../reports/pdf.js';
import { richInput } from '../reports/fixture.js';
import { CHROMIUM } from './harness.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lanekeeper-pdf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('printPdf', () => {
  it('prints report.html to an A4 PDF of several pages', async () => {
    const html = join(dir, 'report.html');
    const pdf = join(dir, 'report.pdf');
    writeFileSync(html, renderReport('html', richInput()));
    await printPdf(html, pdf, { env: { CHROMIUM_PATH: CHROMIUM } });
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = bytes.toString('latin1');
    // One page object per page; the print stylesheet starts each section on a new page.
    const pages = text.match(/\/Type\s*\/Page\b/g)?.length ?? 0;
    expect(pages).toBeGreaterThan(3);
    // A4 is 595 × 842 points (Chromium writes 594.96 × 841.92).
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text);
    expect(Math.round(Number(box?.[1]))).toBe(595);
    expect(Math.round(Number(box?.[2]))).toBe(842);
  });

  it('without Chromium, says how to install it instead of failing obscurely', async () => {
    const missing = join(dir, 'no-such-chromium');
    await expect(
      printPdf(join(dir, 'report.html'), join(dir, 'x.pdf'), { env: { CHROMIUM_PATH: missing } }),
    ).rejects.toThrow(ChromiumMissingError);
    expect(() => findChromium({ CHROMIUM_PATH: missing })).toThrow(
      /LK_PDF_NO_CHROMIUM: .*apt-get install chromium.*CHROMIUM_PATH/,
    );
  });
});
