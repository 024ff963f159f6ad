// What report.html and report.md show, worked out once: sorted, grouped, labelled. The two
// renderers only lay it out, so they cannot disagree on a count or an order. Strings here are
// still raw (from the APIs and the register): each renderer escapes them its own way.

import { createHash } from 'node:crypto';
import { AccountMap } from '../src/core/account-map.js';
import type { TargetGap } from '../src/core/completeness.js';
import { daysBetween, endOfDay, isoDate, startOfDay, withinDays } from '../src/core/dates.js';
import type { DriftChange, DriftKind } from '../src/core/drift.js';
import type { LaneCell, PersonAccess, UnlinkedAccount } from '../src/core/evaluation.js';
import { type Finding, type RuleMeta, SEVERITIES, type Severity, severityRank } from '../src/core/finding.js';
import { type Grant, LANES, type Lane, type Level, resourceAliases } from '../src/core/model.js';
import { byKeys, compareFindings, compareNatural, sorted } from '../src/core/order.js';
import type { Person } from '../src/core/register.js';
import { matchesAny } from '../src/core/scope.js';
import { type Action, groupActions } from './actions.js';
import type { SystemSummary } from './document.js';
import { severityCounts, systemSummaries } from './document.js';
import type { LapsedAcceptance, ReportInput } from './input.js';

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/** Words first, colour second: a cell must read the same in greyscale. */
export const CELL: Record<LaneCell, { label: string; symbol: string; meaning: string }> = {
  none: { label: 'none', symbol: '·', meaning: 'neither approved nor held' },
  approved: { label: 'approved', symbol: '○', meaning: 'approved in the register, not held' },
  held: { label: 'held', symbol: '●', meaning: 'held, and an approval covers it' },
  unapproved: { label: 'held, not approved', symbol: '▲', meaning: 'held, and no approval covers it' },
  expired: { label: 'expired but held', symbol: '✕', meaning: 'still held after every approval ended' },
  unknown: {
    label: 'unknown (not read)',
    symbol: '?',
    meaning: 'nothing held was read, but a system where they may hold it could not be read',
  },
};

export interface FindingView {
  fingerprint: string;
  /** A page anchor made of the fingerprint's hash: an id and link that no data can shape. */
  anchor: string;
  rule: string;
  /** The rule's one line on why this matters, when the rule is known. */
  why?: string;
  severity: Severity;
  severityLabel: string;
  title: string;
  /** Register person id, "" when the finding names nobody (for filtering). */
  personId: string;
  /** "Sam Ortiz (sam)". */
  person?: string;
  owner?: string;
  system: string;
  target: string;
  account: string;
  /** The account's login when it says more than its id (a Slack handle, an IAM user name). */
  login?: string;
  resource?: string;
  evidence: string[];
  steps: string[];
  commands: string[];
  /** Lanes of the live grants the finding is about, for filtering. */
  lanes: Lane[];
  /** "new in this scan", "open for 12 days"; absent without history. */
  age?: string;
  /** Days since first seen; absent without history. */
  openDays?: number;
  /** An acceptance that covered this finding and has lapsed: "accepted by Dana Whitfield (dana) until 2026-10-31: lapsed 29 days ago". */
  lapsed?: string;
  /** First seen by this scan, with an earlier scan to compare with. */
  isNew: boolean;
  /** The action that closes it. */
  actionAnchor?: string;
  /**
   * "github fastfix-agency"; with the target when the login alone names accounts on several
   * targets of the system ("aws 200000000002 root"), so two such findings never read the same.
   */
  where: string;
  /** The target `where` names, when it names one. */
  whereTarget?: string;
  /** Its person still works here under the register: narrowed, not offboarded (actions.ts). */
  engaged?: boolean;
}

export interface PersonView {
  id: string;
  name: string;
  kind: string;
  owner?: string;
  accounts: string[];
  cells: { lane: Lane; state: LaneCell; label: string; symbol: string }[];
}

export interface SystemView extends SystemSummary {
  calls: number;
}

/** One finding the register accepts as a risk, or one whose acceptance lapsed. */
export interface AcceptanceView {
  fingerprint: string;
  anchor: string;
  rule: string;
  severity: Severity;
  severityLabel: string;
  title: string;
  person?: string;
  system: string;
  target: string;
  account: string;
  resource?: string;
  reason: string;
  acceptedBy: string;
  /** Last day of the acceptance, YYYY-MM-DD. */
  end: string;
  /** "until 2027-03-31 (122 days left)" or "ended 2026-10-31 (29 days ago)". */
  endText: string;
}

export interface DriftChangeView {
  kind: DriftKind;
  /** An addition, a raise or a gain is worse; a removal is better. */
  direction: 'up' | 'down';
  /** ▲ for worse, ▼ for better: the direction in a shape, not only a colour. */
  arrow: string;
  /** "level raised", "access removed". */
  label: string;
  system: string;
  target: string;
  account: string;
  login?: string;
  resource?: string;
  level?: Level;
  lanes: Lane[];
  detail: string;
}

export interface DriftView {
  /** off: no history kept; first: history kept, nothing earlier to compare with; compared: a drift. */
  state: 'off' | 'first' | 'compared';
  /** "What changed since 2026-11-22" or "What changed since the last scan". */
  heading: string;
  /** Date and time of the scan compared with, "2026-11-22 09:00 UTC". */
  since?: string;
  /** One line a reader can take in at once: "2 accounts added, 1 level raised". */
  headline: string;
  /** Shorter still, for the summary: "7 changes in access since 2026-11-22". */
  glance: string;
  groups: { kind: DriftKind; label: string; count: number; changes: DriftChangeView[] }[];
  total: number;
  notCompared: string[];
}

export interface TrendScanView {
  scannedAt: string;
  /** "11-22" on the chart, the full date in its label. */
  date: string;
  shortDate: string;
  counts: { severity: Severity; label: string; count: number }[];
  total: number;
  /** The scan this report is of. */
  current: boolean;
}

export type TimelineState = 'upcoming' | 'active' | 'open-ended' | 'ended' | 'held-past-end';

export interface TimelineRowView {
  task: string;
  system: string;
  scope: string;
  lane: Lane;
  access: Level;
  ticket?: string;
  start: string;
  /** The effective last day: the grant's end, or the engagement's when that comes first. */
  end?: string;
  state: TimelineState;
  /** "ended 2026-05-08, still held 205 days later", "active, 12 days left"... */
  stateText: string;
  /** Days from the end to today while the access is still held; 0 otherwise. */
  daysPastEnd: number;
}

export interface TimelineView {
  person: string;
  name: string;
  kind: string;
  /** "engagement 2026-05-01 → 2026-05-31" when the register gives one. */
  engagement?: string;
  rows: TimelineRowView[];
  /** Some grant's access is held past its end. */
  overdue: boolean;
}

export interface GapView {
  system: string;
  target: string;
  kind: string;
  detail: string;
  /** "3 records", when the gap has a count. */
  countText?: string;
  reason?: string;
  until?: string;
}

function gapView(g: TargetGap): GapView {
  return {
    system: g.system,
    target: g.target,
    kind: g.kind,
    detail: g.detail,
    ...(g.count !== undefined ? { countText: `${g.count} ${g.count === 1 ? 'record' : 'records'}` } : {}),
    ...(g.accepted ? { reason: g.accepted.reason, until: g.accepted.until } : {}),
  };
}

export interface ReportView {
  organization: string;
  generatedAt: string;
  /** "2026-11-29 08:36 UTC". */
  date: string;
  complete: boolean;
  /** `--only`: the systems (or targets) this scan was narrowed to; the others were not read. */
  narrowedTo: string[];
  failed: SystemView[];
  /** What could not be seen on targets that were read: open gaps make the scan incomplete. */
  gaps: GapView[];
  /** Gaps the config acknowledges, with its reason and end date: listed, not counted. */
  acceptedGaps: GapView[];
  counts: { severity: Severity; label: string; count: number }[];
  total: number;
  people: PersonView[];
  unlinked: UnlinkedAccount[];
  systems: SystemView[];
  registerPath?: string;
  registerProblems: string[];
  warnings: string[];
  /** The rules, with the severities their findings in this report actually have (the default when none). */
  rules: (RuleMeta & { severities: { severity: Severity; label: string }[] })[];
  lanes: readonly Lane[];
  cellLegend: { label: string; symbol: string; meaning: string; state: LaneCell }[];
  filters: { systems: string[]; people: { id: string; label: string }[] };
  drift: DriftView;
  accepted: AcceptanceView[];
  lapsed: AcceptanceView[];
  /** Open findings by severity of the recent scans, oldest first; empty without history. */
  trend: TrendScanView[];
  timelines: TimelineView[];
  /** The report's day, YYYY-MM-DD: "today" on the timelines. */
  today: string;
  /** Findings first seen in this scan; absent when there is nothing to compare with. */
  newCount?: number;
  /** Every finding, new since the last scan first, then by severity. */
  findings: FindingView[];
  /** Findings grouped into what closes them, most urgent first. */
  actions: Action[];
  /** The first few actions, for "start here". */
  startHere: Action[];
  /** register-incomplete findings: "the register loaded without problems" would be false. */
  registerFindings: number;
}

/** How many actions "start here" shows: the rest are in the list below it. */
export const START_HERE = 5;

/** The actions of a scan, for the terminal and the email: the same as report.html's. */
export function reportActions(input: ReportInput): Action[] {
  return buildView(input).actions;
}

// One scan's input is shown by several outputs (report.html, report.md, the terminal's actions,
// the email): each builds the same view, so it is built once per input. Views are read, never
// changed, by their renderers.
const views = new WeakMap<ReportInput, ReportView>();

export function buildView(input: ReportInput): ReportView {
  const known = views.get(input);
  if (known) return known;
  const view = makeView(input);
  views.set(input, view);
  return view;
}

function makeView(input: ReportInput): ReportView {
  const people = sorted(
    input.evaluation.people,
    byKeys(
      (p) => p.name,
      (p) => p.person,
    ),
  );
  const personLabel = labeller(people);
  const owners = new Map(people.map((p) => [p.person, p.owner]));
  const rules = new Map(input.rules.map((r) => [r.id, r]));
  const lanesOf = laneIndex(input);
  const logins = AccountMap.of(input.snapshot.accounts, (a) => [a.system, a.target, a.id, a.login]);

  const ageOf = ageLabeller(input);
  const lapsedOf = new Map(
    (input.lapsedAcceptances ?? []).map((l) => [
      l.finding.fingerprint,
      `${personLabel(l.acceptedBy)} accepted it ("${l.reason}"); that acceptance ${lapseText(l, input.now)}, so it counts again.`,
    ]),
  );
  const compared = Boolean(input.history?.drift);
  const engaged = engagedPeople(input.registerPeople ?? [], input.now);
  const ambiguous = ambiguousLabels(input, logins);
  const all = sorted(input.evaluation.findings, compareFindings).map((f): FindingView => {
    const login = logins.get(f.system, f.target, f.account);
    const label = login ?? f.account;
    const whereTarget = label && ambiguous(f.system, label) ? f.target : undefined;
    const age = ageOf(f.fingerprint);
    const lapsed = lapsedOf.get(f.fingerprint);
    const owner = f.person ? owners.get(f.person) : undefined;
    return {
      fingerprint: f.fingerprint,
      anchor: anchorOf(f.fingerprint),
      rule: f.rule,
      ...(rules.get(f.rule) ? { why: rules.get(f.rule)!.why } : {}),
      severity: f.severity,
      severityLabel: SEVERITY_LABEL[f.severity],
      title: f.title,
      personId: f.person ?? '',
      ...(f.person ? { person: personLabel(f.person) } : {}),
      ...(owner ? { owner: personLabel(owner) } : {}),
      system: f.system,
      target: f.target,
      account: f.account,
      ...(login && login !== f.account ? { login } : {}),
      ...(f.resource !== undefined ? { resource: f.resource } : {}),
      evidence: f.evidence,
      steps: f.remediation.steps,
      commands: f.remediation.commands,
      lanes: lanesOf(f),
      ...(age ? { age: age.text, openDays: age.days } : {}),
      ...(lapsed ? { lapsed } : {}),
      isNew: compared && age?.text === 'new in this scan',
      where: [f.system, whereTarget, label].filter(Boolean).join(' '),
      ...(whereTarget ? { whereTarget } : {}),
      ...(f.person && engaged.has(f.person) ? { engaged: true } : {}),
    };
  });
  // New since the last scan first, everywhere; the order within each part is the report order.
  const findings = [...all.filter((f) => f.isNew), ...all.filter((f) => !f.isNew)];
  const actions = groupActions(findings, input.offboardArgs ? { offboardArgs: input.offboardArgs } : {});
  const byAnchor = new Map(findings.map((f) => [f.anchor, f]));
  for (const action of actions) {
    for (const anchor of action.anchors) {
      const f = byAnchor.get(anchor);
      if (f) f.actionAnchor = action.anchor;
    }
  }

  const severitiesByRule = new Map<string, Set<Severity>>();
  for (const f of findings) severitiesByRule.set(f.rule, (severitiesByRule.get(f.rule) ?? new Set()).add(f.severity));

  const systems = systemViews(input);
  const summary = severityCounts(input.evaluation.summary);
  return {
    organization: input.organization,
    generatedAt: input.now.toISOString(),
    date: `${input.now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    complete: input.completeness.complete,
    narrowedTo: input.completeness.narrowedTo ?? [],
    failed: systems.filter((s) => !s.ok),
    gaps: input.completeness.gaps.filter((g) => !g.accepted).map(gapView),
    acceptedGaps: input.completeness.gaps.filter((g) => g.accepted).map(gapView),
    counts: SEVERITIES.map((severity) => ({ severity, label: SEVERITY_LABEL[severity], count: summary[severity] })),
    total: findings.length,
    people: people.map((p) => personView(p, personLabel)),
    unlinked: sorted(
      input.evaluation.unlinked,
      byKeys(
        (u) => u.system,
        (u) => u.target,
        (u) => u.account,
      ),
    ),
    systems,
    ...(input.register ? { registerPath: input.register.path } : {}),
    registerProblems: sorted(input.register?.problems ?? [], compareNatural),
    warnings: sorted(input.evaluation.warnings, compareNatural),
    rules: sorted(
      input.rules,
      byKeys(
        (r) => severityRank(r.severity),
        (r) => r.id,
      ),
    ).map((r) => {
      const used = severitiesByRule.get(r.id);
      const severities = (used ? SEVERITIES.filter((x) => used.has(x)) : [r.severity]).map((x) => ({
        severity: x,
        label: x,
      }));
      return { ...r, severities };
    }),
    lanes: LANES,
    // "unknown" only when a cell says it: a complete scan's legend stays as it was.
    cellLegend: (['approved', 'held', 'unapproved', 'expired', 'unknown'] as const)
      .filter((state) => state !== 'unknown' || people.some((p) => LANES.some((l) => p.lanes[l] === 'unknown')))
      .map((state) => ({ state, ...CELL[state] })),
    filters: {
      systems: [...new Set(findings.map((f) => f.system))].sort(),
      people: [...new Set(findings.map((f) => f.personId).filter(Boolean))]
        .sort()
        .map((id) => ({ id, label: personLabel(id) })),
    },
    drift: driftView(input, logins),
    accepted: sorted(
      (input.accepted ?? []).map((a) => acceptanceView(a, input.now, personLabel)),
      compareAcceptances,
    ),
    lapsed: sorted(
      (input.lapsedAcceptances ?? []).map((a) => acceptanceView(a, input.now, personLabel)),
      compareAcceptances,
    ),
    trend: trendView(input),
    timelines: timelineViews(input),
    today: isoDate(input.now),
    ...(compared ? { newCount: findings.filter((f) => f.isNew).length } : {}),
    findings,
    actions,
    startHere: actions.slice(0, START_HERE),
    registerFindings: findings.filter((f) => f.rule === 'register-incomplete').length,
  };
}

/**
 * Whether a system's account label (its login, else its id) names accounts on more than one of
 * its targets: every AWS account's root is "root", and the same GitHub login can be a member of
 * several organisations. Accounts the findings name but the snapshot lacks count too.
 */
function ambiguousLabels(input: ReportInput, logins: AccountMap<string>): (system: string, label: string) => boolean {
  const firstTarget = new Map<string, Map<string, string>>();
  const several = new Map<string, Set<string>>();
  const see = (system: string, target: string, label: string) => {
    const bySystem = firstTarget.get(system) ?? new Map<string, string>();
    firstTarget.set(system, bySystem);
    const first = bySystem.get(label);
    if (first === undefined) bySystem.set(label, target);
    else if (first !== target) several.set(system, (several.get(system) ?? new Set()).add(label));
  };
  for (const a of input.snapshot.accounts) see(a.system, a.target, a.login);
  for (const f of input.evaluation.findings)
    if (f.account) see(f.system, f.target, logins.get(f.system, f.target, f.account) ?? f.account);
  return (system, label) => several.get(system)?.has(label) ?? false;
}

const DAY_MS = 86_400_000;

function anchorOf(fingerprint: string): string {
  return `f-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 12)}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "new in this scan" or "open for N days", from history's first sighting of each fingerprint. */
function ageLabeller(input: ReportInput): (fingerprint: string) => { text: string; days: number } | undefined {
  const firstSeen = input.history?.firstSeen;
  if (!firstSeen) return () => undefined;
  return (fingerprint) => {
    const at = firstSeen[fingerprint];
    if (at === undefined) return undefined;
    const ms = input.now.getTime() - Date.parse(at);
    if (!Number.isFinite(ms)) return undefined;
    const days = Math.max(0, Math.floor(ms / DAY_MS));
    // Seen first by this very scan: "open for 0 days" would read as a glitch.
    if (ms <= 0) return { text: 'new in this scan', days: 0 };
    if (days === 0) return { text: 'open for less than a day', days };
    return { text: `open for ${plural(days, 'day')}`, days };
  };
}

/**
 * Calendar days in UTC from today to `date` (negative once it is past), counted as the
 * expiring-soon rule counts them, so the report and the finding never disagree by the scan's hour.
 */
function daysUntil(date: string, now: Date): number {
  return daysBetween(startOfDay(isoDate(now)), startOfDay(date));
}

/** "122 days left", "1 day left", "ends today": the days an end date still allows, today included. */
function daysLeftText(end: string, now: Date): string {
  const days = daysUntil(end, now);
  return days === 0 ? 'ends today' : `${plural(days, 'day')} left`;
}

/** "until 2027-03-31 (122 days left)" while it applies, "ended 2026-10-31 (29 days ago)" after. */
function endText(end: string, now: Date): string {
  if (now < endOfDay(end)) return `until ${end} (${daysLeftText(end, now)})`;
  return `ended ${end} (${plural(-daysUntil(end, now), 'day')} ago)`;
}

/** Why an acceptance no longer applies: its end passed, the employee who accepted it left, or they are not one. */
function lapseText(a: Omit<LapsedAcceptance, 'finding' | 'reason' | 'acceptedBy'>, now: Date): string {
  if (a.acceptedByKind) return `does not count: a ${a.acceptedByKind} cannot accept a risk, only an employee`;
  return a.acceptedByLeft ? `ended when they left on ${a.acceptedByLeft}` : endText(a.end, now);
}

function acceptanceView(a: LapsedAcceptance, now: Date, personLabel: (id: string) => string): AcceptanceView {
  const f = a.finding;
  return {
    fingerprint: f.fingerprint,
    anchor: anchorOf(f.fingerprint),
    rule: f.rule,
    severity: f.severity,
    severityLabel: SEVERITY_LABEL[f.severity],
    title: f.title,
    ...(f.person ? { person: personLabel(f.person) } : {}),
    system: f.system,
    target: f.target,
    account: f.account,
    ...(f.resource !== undefined ? { resource: f.resource } : {}),
    reason: a.reason,
    acceptedBy: personLabel(a.acceptedBy),
    end: a.end,
    endText: lapseText(a, now),
  };
}

const compareAcceptances = byKeys<AcceptanceView>(
  (a) => severityRank(a.severity),
  (a) => a.rule,
  (a) => a.system,
  (a) => a.target,
  (a) => a.account,
  (a) => a.resource,
  (a) => a.fingerprint,
);

export const DRIFT_LABEL: Record<DriftKind, { label: string; one: string; many: string; direction: 'up' | 'down' }> = {
  'account-added': { label: 'Accounts added', one: 'account added', many: 'accounts added', direction: 'up' },
  'grant-added': { label: 'Access added', one: 'grant added', many: 'grants added', direction: 'up' },
  'level-raised': { label: 'Levels raised', one: 'level raised', many: 'levels raised', direction: 'up' },
  'lane-gained': { label: 'Lanes gained', one: 'lane gained', many: 'lanes gained', direction: 'up' },
  'credential-created': {
    label: 'Credentials created',
    one: 'credential created',
    many: 'credentials created',
    direction: 'up',
  },
  'credential-rotated': {
    label: 'Credentials rotated',
    one: 'credential rotated',
    many: 'credentials rotated',
    direction: 'down',
  },
  'account-removed': { label: 'Accounts removed', one: 'account removed', many: 'accounts removed', direction: 'down' },
  'account-renamed': { label: 'Accounts renamed', one: 'account renamed', many: 'accounts renamed', direction: 'down' },
  'grant-removed': { label: 'Access removed', one: 'grant removed', many: 'grants removed', direction: 'down' },
  'level-lowered': { label: 'Levels lowered', one: 'level lowered', many: 'levels lowered', direction: 'down' },
  'lane-lost': { label: 'Lanes lost', one: 'lane lost', many: 'lanes lost', direction: 'down' },
};
const DRIFT_ORDER = Object.keys(DRIFT_LABEL) as DriftKind[];

function minuteOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function driftView(input: ReportInput, logins: AccountMap<string>): DriftView {
  const history = input.history;
  const empty = { groups: [], total: 0, notCompared: [] };
  if (!history)
    return {
      ...empty,
      state: 'off',
      heading: 'What changed since the last scan',
      glance: 'History is off',
      headline:
        'History is off for this scan, so there is nothing to compare with. Keep a history database to see what changed from one scan to the next.',
    };
  const drift = history.drift;
  if (!drift)
    return {
      ...empty,
      state: 'first',
      heading: 'What changed since the last scan',
      glance: 'First scan in the history: nothing to compare with yet',
      headline:
        'This is the first scan in the history: there is nothing to compare with yet. The next scan will list what changed since this one.',
    };
  const view = (c: DriftChange): DriftChangeView => {
    const login = c.login || logins.get(c.system, c.target, c.account);
    return {
      kind: c.kind,
      direction: DRIFT_LABEL[c.kind].direction,
      arrow: DRIFT_LABEL[c.kind].direction === 'up' ? '▲' : '▼',
      label: DRIFT_LABEL[c.kind].one,
      system: c.system,
      target: c.target,
      account: c.account,
      ...(login && login !== c.account ? { login } : {}),
      ...(c.resource !== undefined ? { resource: c.resource } : {}),
      ...(c.level ? { level: c.level } : {}),
      lanes: LANES.filter((l) => c.lanes?.includes(l)),
      detail: c.detail,
    };
  };
  const groups = DRIFT_ORDER.map((kind) => {
    const changes = sorted(
      drift.changes.filter((c) => c.kind === kind).map(view),
      byKeys(
        (c) => c.system,
        (c) => c.target,
        (c) => c.account,
        (c) => c.resource,
        (c) => c.detail,
      ),
    );
    return { kind, label: DRIFT_LABEL[kind].label, count: changes.length, changes };
  }).filter((g) => g.count > 0);
  const total = groups.reduce((n, g) => n + g.count, 0);
  const parts = groups.map((g) => plural(g.count, DRIFT_LABEL[g.kind].one, DRIFT_LABEL[g.kind].many));
  return {
    state: 'compared',
    heading: `What changed since ${minuteOf(drift.since).slice(0, 10)}`,
    since: minuteOf(drift.since),
    headline: total === 0 ? 'Nothing was added, raised or removed.' : `${parts.join(', ')}.`,
    glance: `${total === 0 ? 'No change' : plural(total, 'change')} in access since ${minuteOf(drift.since).slice(0, 10)}`,
    groups,
    total,
    notCompared: sorted(drift.notCompared, compareNatural),
  };
}

function trendView(input: ReportInput): TrendScanView[] {
  const trend = input.history?.trend ?? [];
  return trend.map((t, i) => {
    const counts = SEVERITIES.map((severity) => ({
      severity,
      label: SEVERITY_LABEL[severity],
      count: t.counts[severity] ?? 0,
    }));
    const date = t.scannedAt.slice(0, 10);
    return {
      scannedAt: t.scannedAt,
      date,
      shortDate: date.slice(5),
      counts,
      total: counts.reduce((n, c) => n + c.count, 0),
      current: i === trend.length - 1,
    };
  });
}

/**
 * Each register grant from start to end, against today. Access still held after the end is what
 * the reader must see: an expired-access-active finding (open or accepted) for the same person
 * and system whose resource, or one of its aliases, the grant's scope covers.
 */
function timelineViews(input: ReportInput): TimelineView[] {
  const people = input.registerPeople ?? [];
  const expired = [...input.evaluation.findings, ...(input.accepted ?? []).map((a) => a.finding)].filter(
    (f) => f.rule === 'expired-access-active',
  );
  // A resource's other names (an AWS account's alias), kept only for grants that have some.
  const aliases = new AccountMap<Map<string, string[]>>();
  for (const g of input.snapshot.grants) {
    const names = resourceAliases(g);
    if (names.length === 0) continue;
    const byResource = aliases.upsert(g.system, g.target, g.account, () => new Map<string, string[]>());
    const list = byResource.get(g.resource);
    if (list) list.push(...names);
    else byResource.set(g.resource, [...names]);
  }
  const namesOf = (f: Finding): string[] =>
    f.resource === undefined
      ? []
      : [f.resource, ...(aliases.get(f.system, f.target, f.account)?.get(f.resource) ?? [])];
  // Systems with a target that failed: "nothing held past it" is not known there.
  const unread = new Map<string, string[]>();
  for (const s of input.snapshot.systems)
    if (!s.ok)
      unread.set(s.system.toLowerCase(), [
        ...(unread.get(s.system.toLowerCase()) ?? []),
        // A failure outside any target ("*") is the whole system's.
        s.target === '*' ? s.system : `${s.system} ${s.target}`,
      ]);
  const expiredOf = new Map<string | undefined, Finding[]>();
  for (const f of expired) {
    const list = expiredOf.get(f.person);
    if (list) list.push(f);
    else expiredOf.set(f.person, [f]);
  }

  return sorted(
    people.filter((p) => p.grants.length > 0),
    byKeys(
      (p) => p.name,
      (p) => p.id,
    ),
  ).map((p) => {
    const held = expiredOf.get(p.id) ?? [];
    const rows = sorted(
      p.grants.map((g) => {
        const scopes = Array.isArray(g.scope) ? g.scope : [g.scope];
        const stillHeld = held.some(
          (f) => f.system === g.system && (f.resource === undefined || namesOf(f).some((n) => matchesAny(scopes, n))),
        );
        return timelineRow(p, g, scopes, stillHeld, unread.get(g.system.toLowerCase()), input.now);
      }),
      byKeys(
        (r) => r.start,
        (r) => r.end ?? '9999',
        (r) => r.system,
        (r) => r.scope,
        (r) => r.task,
      ),
    );
    const engagement = p.start || p.end ? `engagement ${p.start ?? 'no start'} → ${p.end ?? 'no end'}` : undefined;
    return {
      person: p.id,
      name: p.name,
      kind: p.kind,
      ...(engagement ? { engagement } : {}),
      rows,
      overdue: rows.some((r) => r.state === 'held-past-end'),
    };
  });
}

function timelineRow(
  p: Person,
  g: Person['grants'][number],
  scopes: string[],
  stillHeld: boolean,
  /** The system's targets that could not be read, when any. */
  unread: readonly string[] | undefined,
  now: Date,
): TimelineRowView {
  // The engagement bounds every grant: after it ends nothing is approved.
  const end = [g.end, p.end].filter((d): d is string => d !== undefined).sort()[0];
  const base = {
    task: g.task,
    system: g.system,
    scope: scopes.join(', '),
    lane: g.lane,
    access: g.access,
    ...(g.ticket ? { ticket: g.ticket } : {}),
    start: g.start,
    ...(end ? { end } : {}),
  };
  if (now < startOfDay(g.start))
    return {
      ...base,
      state: 'upcoming',
      stateText: `starts in ${plural(daysUntil(g.start, now), 'day')}`,
      daysPastEnd: 0,
    };
  if (!end) return { ...base, state: 'open-ended', stateText: 'active, no end date', daysPastEnd: 0 };
  const after = endOfDay(end);
  if (now < after)
    return {
      ...base,
      state: 'active',
      stateText: `active, ${daysLeftText(end, now)}`,
      daysPastEnd: 0,
    };
  const past = -daysUntil(end, now);
  if (stillHeld)
    return {
      ...base,
      state: 'held-past-end',
      stateText: `ended ${end}, still held ${plural(past, 'day')} later`,
      daysPastEnd: past,
    };
  const heldAfter = unread
    ? `not known whether still held: ${unread.join(', ')} could not be read`
    : 'nothing held past it';
  return { ...base, state: 'ended', stateText: `ended ${end}, ${heldAfter}`, daysPastEnd: 0 };
}

/**
 * The register's people still at work on the day: an employee whose employment has not ended, a
 * contractor within their engagement with an approval in effect (end dates are last days).
 */
function engagedPeople(people: readonly Person[], now: Date): Set<string> {
  const within = (s: { start?: string | undefined; end?: string | undefined }) => withinDays(s.start, s.end, now);
  return new Set(people.filter((p) => within(p) && (p.kind === 'employee' || p.grants.some(within))).map((p) => p.id));
}

/** "Sam Ortiz (sam)" for a register id, or the id itself when the matrix does not know it. */
function labeller(people: readonly PersonAccess[]): (id: string) => string {
  const names = new Map(people.map((p) => [p.person, p.name]));
  return (id) => {
    const name = names.get(id);
    return name && name !== id ? `${name} (${id})` : id;
  };
}

function personView(p: PersonAccess, personLabel: (id: string) => string): PersonView {
  return {
    id: p.person,
    name: p.name,
    kind: p.kind,
    ...(p.owner ? { owner: personLabel(p.owner) } : {}),
    accounts: [...p.accounts].sort(),
    cells: LANES.map((lane) => {
      const state = p.lanes[lane] ?? 'none';
      return { lane, state, label: CELL[state].label, symbol: CELL[state].symbol };
    }),
  };
}

function systemViews(input: ReportInput): SystemView[] {
  const statuses = new Map(input.snapshot.systems.map((s) => [JSON.stringify([s.system, s.target]), s]));
  return systemSummaries(input.snapshot).map((s) => {
    const status = statuses.get(JSON.stringify([s.system, s.target]));
    return {
      ...s,
      calls: status?.calls ?? 0,
    };
  });
}

/** The lanes a finding touches: those of the live grants on its account (and resource, when it names one). */
function laneIndex(input: ReportInput): (f: Finding) => Lane[] {
  const byAccount = new AccountMap<Grant[]>();
  for (const g of input.snapshot.grants) byAccount.upsert(g.system, g.target, g.account, () => []).push(g);
  return (f) => {
    const grants = byAccount.get(f.system, f.target, f.account) ?? [];
    const relevant = f.resource === undefined ? grants : grants.filter((g) => g.resource === f.resource);
    const held = new Set(relevant.flatMap((g) => g.lanes));
    return LANES.filter((lane) => held.has(lane));
  };
}
