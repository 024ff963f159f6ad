// The report renderers: pure functions from one scan's results to the text of one file.
// Same input, same bytes: the clock comes in as `now`, and every list is sorted here.

import { accessCsvChunks } from './csv.js';
import { findingsDocumentChunks } from './document.js';
import { htmlChunks } from './html.js';
import type { ReportInput } from './input.js';
import { inventoryChunks } from './inventory.js';
import { markdownChunks } from './markdown.js';

/** The formats renderReport writes. SARIF is reports/sarif.ts: it needs the register's line map. */
export const RENDERED_FORMATS = ['html', 'md', 'json', 'csv', 'inventory'] as const;
export type ReportFormat = (typeof RENDERED_FORMATS)[number];

export const REPORT_FILES: Record<ReportFormat, string> = {
  html: 'report.html',
  md: 'report.md',
  json: 'findings.json',
  csv: 'access.csv',
  inventory: 'inventory.json',
};

/**
 * Each format as the pieces of its text, in order: a large scan's reports are hundreds of MB, so
 * they are written piece by piece and are never one string. A piece is whole records or lines,
 * never part of a value, so the final redaction pass sees every value whole in one piece.
 */
const RENDERERS: Record<ReportFormat, (input: ReportInput) => Iterable<string>> = {
  html: htmlChunks,
  md: markdownChunks,
  json: findingsDocumentChunks,
  csv: accessCsvChunks,
  inventory: inventoryChunks,
};

/** One format's text in pieces (see RENDERERS). */
export function reportChunks(format: ReportFormat, input: ReportInput): Iterable<string> {
  const render = RENDERERS[format];
  // Formats come from config files; a wrong one must say so, not write "undefined".
  if (!render)
    throw new Error(`unknown report format "${String(format)}": expected one of ${RENDERED_FORMATS.join(', ')}`);
  return render(input);
}

/** One format's whole text. */
export function renderReport(format: ReportFormat, input: ReportInput): string {
  return [...reportChunks(format, input)].join('');
}

export type { FindingsDocument } from './document.js';
export type { ReportHistory, ReportInput } from './input.js';
export { canonicalSnapshot, inventoryChunks } from './inventory.js';
