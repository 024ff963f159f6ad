// report.html: one self-contained page for a browser or a mail attachment. Handlebars escapes
// every value (escaping is never turned off, and no triple-stash touches data); values are also
// stripped of control characters and bidi overrides first, which escaping leaves in place.
// A Content-Security-Policy forbids every request and every script but the filter below, by hash:
// should a value ever get past escaping, the browser still runs nothing and fetches nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { mapStrings } from '../src/core/map-strings.js';
import { oneLine } from '../src/core/text.js';
import { PACKAGE_ROOT } from '../src/core/version.js';
import type { ReportInput } from './input.js';
import { buildView, type ReportView, SEVERITY_LABEL, type TimelineView, type TrendScanView } from './view.js';

// The templates ship beside dist/ (reports/templates), found from the package root from src and dist alike.
const templateFile = (name: string) => readFileSync(join(PACKAGE_ROOT, 'reports', 'templates', name), 'utf8');

// The filter script is a constant of ours, inserted as a partial (partials are template text,
// not data). Trailing whitespace is dropped so the hashed text is exactly what lands in <script>.
export const FILTER_SCRIPT = templateFile('partials/report-filter-script.hbs').trimEnd();
const SCRIPT_HASH = createHash('sha256').update(FILTER_SCRIPT, 'utf8').digest('base64');

export const REPORT_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${SCRIPT_HASH}'`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const handlebars = Handlebars.create();
handlebars.registerPartial('report-style', templateFile('partials/report-style.hbs').trimEnd());
handlebars.registerPartial('report-action', templateFile('partials/report-action.hbs'));
handlebars.registerPartial('report-filter-script', FILTER_SCRIPT);
// knownHelpersOnly: the templates may use if/each/unless only, nothing a value could name.
const compile = (name: string) => handlebars.compile(templateFile(name), { knownHelpersOnly: true, strict: false });
const template = compile('report.html.hbs');

/**
 * An identifier in pieces that end at its separators (/ : . @ _ -): the page puts a line-break
 * opportunity after each, so an ARN wraps at a separator on a phone, never inside a word.
 */
export function breakable(value: string): string[] {
  return value.split(/(?<=[/:.@_-])/);
}

// Where the findings go in the page: rendered one at a time (a large scan has tens of thousands),
// not as one string inside the page's. The mark holds NUL, which cleanStrings removes from every
// value, so no data can be mistaken for it.
const FINDINGS_SLOT = '\u0000lanekeeper-findings\u0000';
// The card is a template of its own, compiled as the page is, rendered once per finding.
const findingCard = compile('partials/report-finding.hbs');

/** report.html: the page around the findings, then each finding's card (see reports/index.ts). */
export function* htmlChunks(input: ReportInput): Generator<string> {
  const { findings, ...rest } = buildView(input);
  const view = cleanStrings(rest);
  const action = (a: ReportView['actions'][number]) => ({
    ...a,
    severityLabel: SEVERITY_LABEL[a.severity],
    firstAnchor: a.anchors[0],
  });
  const page = template({
    ...view,
    hasFindings: findings.length > 0,
    findingsSlot: FINDINGS_SLOT,
    startHere: view.startHere.map(action),
    moreActions: view.actions.slice(view.startHere.length).map(action),
    startHereNext: view.startHere.length + 1,
    csp: REPORT_CSP,
    trendChart: trendChart(view.trend),
    timeline: timelineChart(view),
    acceptedText: `${view.accepted.length} accepted as ${view.accepted.length === 1 ? 'a risk' : 'risks'} (not counted)`,
    lapsedText: `${view.lapsed.length} ${view.lapsed.length === 1 ? 'acceptance' : 'acceptances'} lapsed`,
  });
  if (findings.length === 0) {
    yield page;
    return;
  }
  const [before, after, ...more] = page.split(FINDINGS_SLOT);
  if (after === undefined || more.length > 0) throw new Error('report.html: the findings slot must appear once');
  yield before ?? '';
  for (const raw of findings) {
    const f = cleanStrings(raw);
    yield findingCard({
      ...f,
      // Only the parts a finding has: one about the register has no account, often no resource.
      // The target too when the login alone would read the same on several (every AWS root).
      whereParts: breakable([f.system, f.whereTarget, f.login ?? f.account, f.resource].filter(Boolean).join(' · ')),
      accountParts: breakable(f.account),
      ...(f.resource ? { resourceParts: breakable(f.resource) } : {}),
    });
  }
  yield after;
}

/** Rounded to 0.1: enough for a chart, and short, stable numbers in the page. */
const r1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Open findings by severity as stacked bars in an inline SVG: worst at the bottom so it is
 * never lost under the others. The viewBox grows with the number of scans, so a few scans stay
 * large on a phone instead of shrinking their labels to nothing.
 */
export function trendChart(trend: readonly TrendScanView[]) {
  if (trend.length === 0) return undefined;
  const slot = 64;
  const left = 40;
  const top = 26;
  const plot = 150;
  const width = left + slot * trend.length + 8;
  const height = top + plot + 44;
  // The scale ends at a round number; ticks every 1, 2 or 5 × 10ⁿ, three to five of them.
  const step = niceStep(Math.max(1, ...trend.map((t) => t.total)) / 4);
  const max = Math.max(step, Math.ceil(Math.max(1, ...trend.map((t) => t.total)) / step) * step);
  const y = (n: number) => r1(top + plot - (n / max) * plot);
  const barWidth = 36;
  const bars = trend.map((t, i) => {
    const x = r1(left + slot * i + (slot - barWidth) / 2);
    let below = 0;
    const segments = t.counts
      .filter((c) => c.count > 0)
      .map((c) => {
        const y0 = y(below + c.count);
        const h = r1(y(below) - y0);
        below += c.count;
        // A count is written inside its segment when it fits; the total above the bar always.
        return {
          severity: c.severity,
          y: y0,
          height: h,
          count: c.count,
          label: c.label,
          textY: r1(y0 + h / 2 + 5),
          showCount: h >= 18,
        };
      });
    const cx = r1(x + barWidth / 2);
    return {
      x,
      cx,
      width: barWidth,
      segments,
      total: t.total,
      totalY: r1(y(t.total) - 6),
      date: t.date,
      shortDate: t.shortDate,
      dateY: top + plot + 18,
      current: t.current,
      nowY: top + plot + 34,
      description: `${t.date}: ${t.total} open (${t.counts.map((c) => `${c.count} ${c.label.toLowerCase()}`).join(', ')})`,
    };
  });
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step).map((n) => ({
    n,
    y: y(n),
    labelY: r1(y(n) + 4),
  }));
  return {
    width,
    height,
    maxWidth: Math.round(width * 1.3),
    left,
    right: width - 8,
    baseline: top + plot,
    bars,
    ticks,
    description: `Open findings by severity over the last ${trend.length === 1 ? 'scan' : `${trend.length} scans`}. ${bars.map((b) => b.description).join('; ')}.`,
  };
}

/** The smallest of 1, 2, 5 × 10ⁿ (n ≥ 0) at least `raw`. */
export function niceStep(raw: number): number {
  const power = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, raw))));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
}

/**
 * Every timeline on one shared scale, from the earliest start to the later of today and the
 * latest end, so people's bars compare at a glance. Positions are percentages of the track.
 */
export function timelineChart(view: Pick<ReportView, 'timelines' | 'today'>) {
  const rows = view.timelines.flatMap((t) => t.rows);
  if (rows.length === 0) return undefined;
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  const today = day(view.today);
  const from = Math.min(today, ...rows.map((r) => day(r.start)));
  const to = Math.max(today + 1, ...rows.map((r) => day(r.end ?? view.today) + 1));
  const pad = Math.max(3, (to - from) * 0.03);
  const start = from - pad;
  const span = to + pad - start;
  const at = (d: number) => r1(((d - start) / span) * 100);
  const todayAt = at(today + 0.5);
  const people = view.timelines.map((t: TimelineView) => ({
    ...t,
    rows: t.rows.map((r) => {
      const s = at(day(r.start));
      const approvedTo = r.end ? at(day(r.end) + 1) : todayAt;
      const e = Math.max(approvedTo, s + 0.6);
      return {
        ...r,
        left: s,
        width: r1(e - s),
        // Held past the end: the red stretch runs from the end to today.
        overdueLeft: approvedTo,
        overdueWidth: r.state === 'held-past-end' ? r1(Math.max(0.6, todayAt - approvedTo)) : 0,
        openEnded: r.end === undefined,
      };
    }),
  }));
  const isoOf = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
  return {
    people,
    overdue: people.reduce((n, p) => n + p.rows.filter((r) => r.overdueWidth > 0).length, 0),
    todayAt,
    // The today label sits left of the line near the right edge, so it never leaves the track.
    todayLabelRight: todayAt > 80,
    from: isoOf(from),
    to: isoOf(to - 1),
  };
}

/** Every string in the view made one safe line; numbers, booleans and structure unchanged. */
function cleanStrings<T>(value: T): T {
  return mapStrings(value, oneLine);
}
