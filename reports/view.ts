// What report.html and report.md show, worked out once: sorted, grouped, labelled. The two
// renderers only lay it out, so they cannot disagree on a count or an order. Strings here are
// still raw (from the APIs and the register): each renderer escapes them its own way.
import type { LaneCell, PersonAccess, UnlinkedAccount } from '../src/evaluate/types.js';
import { accountKey, grantAccountKey, LANES, type Lane } from '../src/model.js';
import { type Finding, type RuleMeta, SEVERITIES, type Severity, severityRank } from '../src/rules/types.js';
import { severityCounts, systemSummaries } from './document.js';
import type { ReportInput } from './index.js';
import { byKeys, compareFindings, compareNatural, sorted } from './order.js';

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
};

export interface FindingView {
  fingerprint: string;
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
}

export interface SeverityGroup {
  severity: Severity;
  label: string;
  count: number;
  /** "1 finding", "3 findings". */
  countText: string;
  findings: FindingView[];
}

export interface PersonView {
  id: string;
  name: string;
  kind: string;
  owner?: string;
  accounts: string[];
  cells: { lane: Lane; state: LaneCell; label: string; symbol: string }[];
}

export interface SystemView {
  system: string;
  target: string;
  ok: boolean;
  error?: string;
  warnings: string[];
  accounts: number;
  grants: number;
  calls: number;
}

export interface ReportView {
  organization: string;
  generatedAt: string;
  /** "2026-11-29 08:36 UTC". */
  date: string;
  complete: boolean;
  failed: SystemView[];
  counts: { severity: Severity; label: string; count: number }[];
  total: number;
  groups: SeverityGroup[];
  people: PersonView[];
  unlinked: UnlinkedAccount[];
  systems: SystemView[];
  registerPath?: string;
  registerProblems: string[];
  warnings: string[];
  rules: RuleMeta[];
  lanes: readonly Lane[];
  cellLegend: { label: string; symbol: string; meaning: string; state: LaneCell }[];
  filters: { systems: string[]; people: { id: string; label: string }[] };
}

export function buildView(input: ReportInput): ReportView {
  const people = sorted(
    input.evaluation.people,
    byKeys(
      (p) => p.name,
      (p) => p.person,
    ),
  );
  const personLabel = labeller(people);
  const rules = new Map(input.rules.map((r) => [r.id, r]));
  const lanesOf = laneIndex(input);
  const logins = new Map(input.snapshot.accounts.map((a) => [accountKey(a), a.login]));

  const findings = sorted(input.evaluation.findings, compareFindings).map((f): FindingView => {
    const login = logins.get(accountKey({ system: f.system, target: f.target, id: f.account }));
    const owner = f.person ? people.find((p) => p.person === f.person)?.owner : undefined;
    return {
      fingerprint: f.fingerprint,
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
    };
  });

  const systems = systemViews(input);
  const summary = severityCounts(input.evaluation.summary);
  return {
    organization: input.organization,
    generatedAt: input.now.toISOString(),
    date: `${input.now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    complete: systems.every((s) => s.ok),
    failed: systems.filter((s) => !s.ok),
    counts: SEVERITIES.map((severity) => ({ severity, label: SEVERITY_LABEL[severity], count: summary[severity] })),
    total: findings.length,
    groups: SEVERITIES.map((severity) => {
      const list = findings.filter((f) => f.severity === severity);
      const countText = `${list.length} ${list.length === 1 ? 'finding' : 'findings'}`;
      return { severity, label: SEVERITY_LABEL[severity], count: list.length, countText, findings: list };
    }).filter((g) => g.count > 0),
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
    ),
    lanes: LANES,
    cellLegend: (['approved', 'held', 'unapproved', 'expired'] as const).map((state) => ({ state, ...CELL[state] })),
    filters: {
      systems: [...new Set(findings.map((f) => f.system))].sort(),
      people: [...new Set(findings.map((f) => f.personId).filter(Boolean))]
        .sort()
        .map((id) => ({ id, label: personLabel(id) })),
    },
  };
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
  const byAccount = new Map<string, { resource: string; lanes: readonly Lane[] }[]>();
  for (const g of input.snapshot.grants) {
    const key = grantAccountKey(g);
    const list = byAccount.get(key) ?? [];
    list.push({ resource: g.resource, lanes: g.lanes });
    byAccount.set(key, list);
  }
  return (f) => {
    const grants = byAccount.get(accountKey({ system: f.system, target: f.target, id: f.account })) ?? [];
    const relevant = f.resource === undefined ? grants : grants.filter((g) => g.resource === f.resource);
    const held = new Set(relevant.flatMap((g) => g.lanes));
    return LANES.filter((lane) => held.has(lane));
  };
}
