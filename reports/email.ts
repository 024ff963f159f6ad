// The weekly email: an HTML body built for email clients (tables, inlined CSS, no script,
// no external image) with a plain-text twin. Handlebars escapes every value.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import juice from 'juice';
import type { Drift } from '../src/drift.js';
import type { Evaluation, LaneCell } from '../src/evaluate/types.js';
import { LANES } from '../src/model.js';
import type { Register } from '../src/register/schema.js';
import { type Finding, SEVERITIES } from '../src/rules/types.js';

export interface EmailInput {
  organization: string;
  now: Date;
  complete: boolean;
  /** "system target: reason" of every target that failed. */
  failed: string[];
  evaluation: Evaluation;
  register: Register;
  drift?: Drift;
  /** Fingerprints first seen in this scan (empty on a first scan). */
  newFingerprints: ReadonlySet<string>;
  /** Days each finding has been open, by fingerprint. */
  openDays?: ReadonlyMap<string, number>;
  /** Open findings of the last scans, oldest first, for the bar chart. */
  trend?: { date: string; total: number }[];
}

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

const CELL_LABEL: Record<LaneCell, string> = {
  none: '–',
  approved: 'approved',
  held: 'held',
  unapproved: 'held, not approved',
  expired: 'expired, still held',
};

const handlebars = Handlebars.create();
const template = handlebars.compile(readFileSync(new URL('./templates/email.hbs', import.meta.url), 'utf8'), {
  strict: false,
});

export function renderEmail(input: EmailInput): EmailContent {
  const subject = emailSubject(input);
  const ownerOf = ownerLookup(input.register);
  const top = input.evaluation.findings
    .filter((f) => f.severity === 'critical' || f.severity === 'high')
    .map((f) => ({ ...f, owner: ownerOf(f), openDays: input.openDays?.get(f.fingerprint) }));
  const maxTrend = Math.max(1, ...(input.trend ?? []).map((t) => t.total));
  const view = {
    subject,
    organization: input.organization,
    date: input.now.toISOString().slice(0, 10),
    complete: input.complete,
    failed: input.failed,
    counts: SEVERITIES.map((s) => ({ severity: s, count: input.evaluation.summary[s] })),
    drift: input.drift,
    trend: (input.trend ?? []).map((t) => ({ ...t, width: Math.max(1, Math.round((t.total / maxTrend) * 100)) })),
    top,
    people: input.evaluation.people.map((p) => ({
      ...p,
      cells: LANES.map((lane) => ({ state: p.lanes[lane], label: CELL_LABEL[p.lanes[lane]] })),
    })),
  };
  // juice moves the <style> rules onto each element: most email clients drop <style>.
  const html = juice(template(view));
  return { subject, html, text: renderText(input, top) };
}

export function emailSubject(
  input: Pick<EmailInput, 'organization' | 'evaluation' | 'drift' | 'newFingerprints' | 'complete'>,
): string {
  const { critical, high } = input.evaluation.summary;
  const parts = [`${critical} critical`, `${high} high`];
  if (input.drift) parts.push(`${input.newFingerprints.size} new since last week`);
  const incomplete = input.complete ? '' : ' (INCOMPLETE)';
  // A subject line is a header: no line breaks may come from the data.
  return `${input.organization.replace(/[\r\n]+/g, ' ')} access review${incomplete}: ${parts.join(', ')}`;
}

function renderText(input: EmailInput, top: (Finding & { owner?: string })[]): string {
  const lines = [`${input.organization} access review, ${input.now.toISOString().slice(0, 10)}`, ''];
  if (!input.complete) lines.push(`INCOMPLETE: could not read ${input.failed.join('; ')}`, '');
  lines.push(SEVERITIES.map((s) => `${input.evaluation.summary[s]} ${s}`).join(', '), '');
  lines.push(`What changed since ${input.drift?.since ?? 'the last scan'}:`);
  if (!input.drift) lines.push('  first scan: nothing to compare with yet');
  else if (input.drift.changes.length === 0) lines.push('  nothing');
  else
    for (const c of input.drift.changes)
      lines.push(`  ${c.kind}: ${c.system} ${c.login}${c.resource ? ` on ${c.resource}` : ''}: ${c.detail}`);
  lines.push('', 'Critical and high findings:');
  if (top.length === 0) lines.push('  none');
  for (const f of top) {
    const who = f.person ? ` — ${f.person}${f.owner ? ` (owner ${f.owner})` : ''}` : '';
    lines.push(`  [${f.severity}] ${f.title}: ${f.system} ${f.account}${f.resource ? ` ${f.resource}` : ''}${who}`);
  }
  lines.push('', 'The full report is attached (report.html).');
  return `${lines.map(stripControls).join('\n')}\n`;
}

function ownerLookup(register: Register): (f: Finding) => string | undefined {
  const byId = new Map(register.people.map((p) => [p.id, p]));
  return (f) => {
    const owner = f.person ? byId.get(f.person)?.owner : undefined;
    return owner ? (byId.get(owner)?.name ?? owner) : undefined;
  };
}

/** Plain text mail goes to terminals too: no escape sequences or bidi overrides from the data. */
function stripControls(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
}
