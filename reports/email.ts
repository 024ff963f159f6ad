// The weekly email: an HTML body built for email clients (tables, inlined CSS, no script,
// no external image) with a plain-text twin. Handlebars escapes every value.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import juice from 'juice';
import type { Drift } from '../src/core/drift.js';
import type { Evaluation, LaneCell } from '../src/core/evaluation.js';
import { type Finding, SEVERITIES, type Severity } from '../src/core/finding.js';
import { LANES } from '../src/core/model.js';
import type { Register } from '../src/core/register.js';
import { oneLine, terminalSafe } from '../src/core/text.js';
import { PACKAGE_ROOT } from '../src/core/version.js';
import type { Action } from './actions.js';
import { DRIFT_LABEL, SEVERITY_LABEL, START_HERE } from './view.js';

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
  /**
   * Open findings of the last scans, oldest first, for the bar chart; with `counts` the bars are
   * split by severity. Absent (with `drift`) means the scan kept no history.
   */
  trend?: { date: string; total: number; counts?: Record<Severity, number> }[];
  /** What to do first, as in report.html; the email shows the first few with their fix. */
  actions?: readonly Action[];
  /** The reports that go with the message, and those too large to. */
  attachments: EmailAttachments;
}

export interface EmailAttachments {
  attached: string[];
  tooLarge: { name: string; bytes: number }[];
  /** Where the scan wrote its reports, as the reader knows it. */
  folder: string;
}

/** "Attached: …", and which reports were too large to send and where they are. */
function attachmentLines({ attached, tooLarge, folder }: EmailAttachments): string[] {
  const list = (names: string[]) =>
    names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const lines = attached.length > 0 ? [`Attached: ${list(attached)}.`] : [];
  if (tooLarge.length > 0)
    lines.push(
      `Too large to send by email: ${list(tooLarge.map((t) => `${t.name} (${sizeText(t.bytes)})`))}; ${tooLarge.length === 1 ? 'it is' : 'they are'} with the scan's reports in ${folder}.`,
    );
  return lines;
}

function sizeText(bytes: number): string {
  return bytes < 1_000_000 ? `${Math.ceil(bytes / 1000)} KB` : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

/** Same colours as report.html (Okabe–Ito based); every bar and cell also says its value in words. */
const SEVERITY_COLOUR: Record<Severity, string> = {
  critical: '#6d0f1f',
  high: '#e69f00',
  medium: '#f0e442',
  low: '#56b4e9',
  info: '#c8c8c8',
};

const CELL_LABEL: Record<LaneCell, string> = {
  none: '–',
  approved: 'approved',
  held: 'held',
  unapproved: 'held, not approved',
  expired: 'expired, still held',
  unknown: 'unknown: not read',
};

const handlebars = Handlebars.create();
const template = handlebars.compile(readFileSync(join(PACKAGE_ROOT, 'reports', 'templates', 'email.hbs'), 'utf8'), {
  strict: false,
});

export function renderEmail(input: EmailInput): EmailContent {
  const subject = emailSubject(input);
  const ownerOf = ownerLookup(input.register);
  const isNew = (f: Finding) => input.drift !== undefined && input.newFingerprints.has(f.fingerprint);
  const serious = input.evaluation.findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  // New since the last scan first, and marked as new.
  const top = [...serious.filter(isNew), ...serious.filter((f) => !isNew(f))].map((f) => ({
    isNew: isNew(f),
    ...f,
    severityLabel: SEVERITY_LABEL[f.severity],
    owner: ownerOf(f),
    personName: personName(input.register, f.person),
    openText: openText(input, f.fingerprint),
  }));
  const view = {
    subject,
    organization: input.organization,
    date: input.now.toISOString().slice(0, 10),
    complete: input.complete,
    failed: input.failed,
    counts: SEVERITIES.map((s) => ({ severity: s, label: SEVERITY_LABEL[s], count: input.evaluation.summary[s] })),
    drift: input.drift,
    since: input.drift?.since.slice(0, 10),
    // Without a drift, a trend still means history is kept: this is its first scan.
    historyOff: !input.drift && input.trend === undefined,
    changes: (input.drift?.changes ?? []).map((c) => ({
      ...c,
      label: DRIFT_LABEL[c.kind].one,
      direction: DRIFT_LABEL[c.kind].direction,
      arrow: DRIFT_LABEL[c.kind].direction === 'up' ? '▲' : '▼',
    })),
    newCount: input.drift ? input.newFingerprints.size : undefined,
    trend: trendBars(input.trend ?? []),
    legend: SEVERITIES.map((s) => ({ label: SEVERITY_LABEL[s], colour: SEVERITY_COLOUR[s] })),
    top,
    startHere: (input.actions ?? [])
      .slice(0, START_HERE)
      .map((a) => ({ ...a, severityLabel: SEVERITY_LABEL[a.severity] })),
    moreActions: Math.max(0, (input.actions?.length ?? 0) - START_HERE),
    attachmentLines: attachmentLines(input.attachments),
    people: input.evaluation.people.map((p) => ({
      ...p,
      cells: LANES.map((lane) => ({ state: p.lanes[lane], label: CELL_LABEL[p.lanes[lane]] })),
    })),
  };
  // juice moves the <style> rules onto each element: most email clients drop <style>.
  // Escaping leaves controls and bidi overrides in place; a mail client would act on those.
  const html = juice(template(withoutControls(view)));
  return { subject, html, text: renderText(input, top) };
}

/** Bars as table cells, widths in whole percent of the longest bar; one cell per severity when known. */
function trendBars(trend: NonNullable<EmailInput['trend']>) {
  const max = Math.max(1, ...trend.map((t) => t.total));
  return trend.map((t, i) => {
    const width = Math.max(1, Math.round((t.total / max) * 100));
    const segments = t.counts
      ? SEVERITIES.filter((s) => (t.counts?.[s] ?? 0) > 0).map((s) => ({
          colour: SEVERITY_COLOUR[s],
          // Of the bar's own width: the bar table is already `width` wide.
          width: Math.max(1, Math.round(((t.counts?.[s] ?? 0) / Math.max(1, t.total)) * 100)),
          title: `${t.counts?.[s]} ${s}`,
        }))
      : [{ colour: '#0072b2', width: 100, title: `${t.total} open` }];
    return { ...t, width, empty: t.total === 0, segments, current: i === trend.length - 1 };
  });
}

function openText(input: EmailInput, fingerprint: string): string | undefined {
  const days = input.openDays?.get(fingerprint);
  if (days === undefined) return undefined;
  if (input.newFingerprints.has(fingerprint)) return 'new since the last scan';
  if (days < 1) return 'open for less than a day';
  return `open for ${days} ${days === 1 ? 'day' : 'days'}`;
}

function personName(register: Register, id: string | undefined): string | undefined {
  if (!id) return undefined;
  const name = register.people.find((p) => p.id === id)?.name;
  return name && name !== id ? `${name} (${id})` : id;
}

export function emailSubject(
  input: Pick<EmailInput, 'organization' | 'evaluation' | 'drift' | 'newFingerprints' | 'complete'>,
): string {
  const { critical, high } = input.evaluation.summary;
  const parts = [`${critical} critical`, `${high} high`];
  // The scan compared against may be a day or a month old: name it, as the body does.
  if (input.drift) parts.push(`${input.newFingerprints.size} new since ${input.drift.since.slice(0, 10)}`);
  const incomplete = input.complete ? '' : ' (INCOMPLETE)';
  // A subject line is a header: no line break, control or escape may come from the data.
  return `${oneLine(input.organization)} access review${incomplete}: ${parts.join(', ')}`;
}

function renderText(
  input: EmailInput,
  top: (Finding & { owner?: string; openText?: string; isNew: boolean })[],
): string {
  // Every value from an API, the register or the config is one tidy line before it is placed:
  // a line break inside a value would start a line of its own (a forged section, a step, a
  // workflow command), and a line cleaned after the join no longer knows what was a value.
  const v = oneLine;
  const lines = [`${v(input.organization)} access review, ${input.now.toISOString().slice(0, 10)}`, ''];
  if (!input.complete) lines.push(`INCOMPLETE: could not read ${input.failed.map(v).join('; ')}`, '');
  lines.push(SEVERITIES.map((s) => `${input.evaluation.summary[s]} ${s}`).join(', '), '');
  lines.push(`What changed since ${input.drift?.since.slice(0, 10) ?? 'the last scan'}:`);
  if (!input.drift && input.trend === undefined) lines.push('  history is off: nothing to compare with');
  else if (!input.drift) lines.push('  first scan: nothing to compare with yet');
  else if (input.drift.changes.length === 0) lines.push('  nothing');
  else
    for (const c of input.drift.changes)
      lines.push(
        `  ${DRIFT_LABEL[c.kind].one}: ${v(c.system)} ${v(c.login)}${c.resource ? ` on ${v(c.resource)}` : ''}: ${v(c.detail)}`,
      );
  const actions = input.actions ?? [];
  if (actions.length > 0) {
    lines.push('', 'Start here:');
    for (const a of actions.slice(0, START_HERE)) {
      lines.push(
        `  [${a.severity}]${a.newCount > 0 ? ' NEW' : ''} ${v(a.title)} (${v(a.countText)})`,
        `    ${v(a.fix)}`,
      );
      if (a.command) lines.push(`    $ ${v(a.command)}`);
    }
    if (actions.length > START_HERE) lines.push(`  … and ${actions.length - START_HERE} more in report.html`);
  }
  lines.push('', 'Critical and high findings:');
  if (top.length === 0) lines.push('  none');
  for (const f of top) {
    const who = f.person ? ` — ${v(f.person)}${f.owner ? ` (owner ${v(f.owner)})` : ''}` : '';
    const open = f.openText ? ` (${f.openText})` : '';
    const where = [f.system, f.account, f.resource]
      .filter(Boolean)
      .map((part) => v(part ?? ''))
      .join(' ');
    lines.push(`  [${f.severity}]${f.isNew ? ' NEW' : ''} ${v(f.title)}: ${where}${who}${open}`);
  }
  lines.push('', ...attachmentLines(input.attachments).map(v));
  // Plain text mail goes to terminals and CI logs too: each line as the terminal would get it.
  return `${lines.map(terminalSafe).join('\n')}\n`;
}

function ownerLookup(register: Register): (f: Finding) => string | undefined {
  const byId = new Map(register.people.map((p) => [p.id, p]));
  return (f) => {
    const owner = f.person ? byId.get(f.person)?.owner : undefined;
    return owner ? (byId.get(owner)?.name ?? owner) : undefined;
  };
}

/**
 * Every string in the view as one terminal-safe line (no controls, escapes, bidi overrides or
 * line breaks: commands are shown with `pre-wrap`); numbers, booleans, sets and structure unchanged.
 */
function withoutControls<T>(value: T): T {
  if (typeof value === 'string') return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map(withoutControls) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutControls(v)])) as T;
  }
  return value;
}
