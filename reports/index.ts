// The report renderers: pure functions from one scan's results to the text of one file.
// Same input, same bytes: the clock comes in as `now`, and every list is sorted here.

import type { AcceptedFinding } from '../src/accept.js';
import type { Drift } from '../src/drift.js';
import type { Evaluation } from '../src/evaluate/types.js';
import type { Snapshot } from '../src/model.js';
import type { Person } from '../src/register/schema.js';
import type { Finding, RuleMeta, Severity } from '../src/rules/types.js';
import { renderAccessCsv } from './csv.js';
import { renderFindingsDocument } from './document.js';
import { renderHtml } from './html.js';
import { renderInventory } from './inventory.js';
import { renderMarkdown } from './markdown.js';

export interface ReportInput {
  organization: string;
  /** The scan's clock; also the "generated at" time, so output is byte-for-byte deterministic. */
  now: Date;
  snapshot: Snapshot;
  /** Findings (sorted), summary, people × lanes matrix, unlinked accounts, warnings. */
  evaluation: Evaluation;
  /** Titles and "why" of every rule, for the report's legend. */
  rules: readonly RuleMeta[];
  /** Register problems shown in the report. */
  register?: { path: string; problems: string[] };
  /** Findings the register accepts as risks: out of the counts and the gate, listed in their own section. */
  accepted?: AcceptedFinding[];
  /** Acceptances whose end has passed while their finding is still there. */
  lapsedAcceptances?: { finding: Finding; reason: string; acceptedBy: string; end: string }[];
  /** What the history store knows; absent when the scan keeps no history. */
  history?: ReportHistory;
  /** The register's people with their grants and engagement dates, for the per-person timelines. */
  registerPeople?: readonly Person[];
}

export interface ReportHistory {
  /** Changes since the previous complete scan; absent on a first scan ("nothing to compare with"). */
  drift?: Drift;
  /** Counts of open findings by severity of the recent scans, oldest first, this scan last. */
  trend: { scannedAt: string; counts: Record<Severity, number> }[];
  /** When each current finding was first seen (fingerprint → ISO instant); this scan's clock for new ones. */
  firstSeen: Record<string, string>;
}

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
export { terminalSafe } from './escape.js';
export { canonicalSnapshot } from './inventory.js';
