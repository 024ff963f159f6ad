// The report renderers: pure functions from one scan's results to the text of one file.
// Same input, same bytes: the clock comes in as `now`, and every list is sorted here.

import { renderAccessCsv } from './csv.js';
import { renderFindingsDocument } from './document.js';
import { renderHtml } from './html.js';
import type { ReportInput } from './input.js';
import { renderInventory } from './inventory.js';
import { renderMarkdown } from './markdown.js';

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

const RENDERERS: Record<ReportFormat, (input: ReportInput) => string> = {
  html: renderHtml,
  md: renderMarkdown,
  json: renderFindingsDocument,
  csv: renderAccessCsv,
  inventory: renderInventory,
};

export function renderReport(format: ReportFormat, input: ReportInput): string {
  const render = RENDERERS[format];
  // Formats come from config files; a wrong one must say so, not write "undefined".
  if (!render)
    throw new Error(`unknown report format "${String(format)}": expected one of ${RENDERED_FORMATS.join(', ')}`);
  return render(input);
}

export { buildFindingsDocument, type FindingsDocument } from './document.js';
export type { ReportHistory, ReportInput } from './input.js';
export { canonicalSnapshot, inventoryChunks } from './inventory.js';
