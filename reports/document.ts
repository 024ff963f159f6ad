// findings.json: the machine-readable verdict. Its shape is a contract (schemaVersion 1) for
// the CLI's --json, CI scripts and the history store, so keys are written in a fixed order.

import type { TargetGap } from '../src/core/completeness.js';
import type { Finding, Severity } from '../src/core/finding.js';
import type { Snapshot } from '../src/core/model.js';
import { byKeys, compareFindings, sorted } from '../src/core/order.js';
import type { ReportInput } from './input.js';
import { jsonEndingInList } from './json-list.js';

export const FINDINGS_SCHEMA_VERSION = 1;

export interface SystemSummary {
  system: string;
  target: string;
  ok: boolean;
  error?: string;
  warnings: string[];
  /** Records read from that target. */
  accounts: number;
  grants: number;
}

export interface FindingsDocument {
  schemaVersion: typeof FINDINGS_SCHEMA_VERSION;
  generatedAt: string;
  now: string;
  /** Every target was read and every gap acknowledged; false means an absence of findings proves nothing. */
  complete: boolean;
  /** What could not be seen on targets that were read, open ones first; accepted ones carry why and until when. */
  gaps: TargetGap[];
  systems: SystemSummary[];
  summary: Record<Severity, number>;
  findings: Finding[];
}

/** Everything but the findings, in the document's key order (findings is the last key). */
function documentHead(input: ReportInput): Omit<FindingsDocument, 'findings'> {
  const now = input.now.toISOString();
  return {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    generatedAt: now,
    now,
    complete: input.completeness.complete,
    gaps: [
      ...input.completeness.gaps.filter((g) => !g.accepted),
      ...input.completeness.gaps.filter((g) => g.accepted),
    ].map(gapRecord),
    systems: systemSummaries(input.snapshot),
    // The evaluation's headline (it may leave accepted risks out), in severity order.
    summary: severityCounts(input.evaluation.summary),
  };
}

/** A gap with its keys in a fixed order. */
function gapRecord(g: TargetGap): TargetGap {
  return {
    system: g.system,
    target: g.target,
    kind: g.kind,
    detail: g.detail,
    ...(g.count !== undefined ? { count: g.count } : {}),
    ...(g.accepted ? { accepted: { reason: g.accepted.reason, until: g.accepted.until } } : {}),
  };
}

/**
 * findings.json in pieces, one finding each, byte for byte `JSON.stringify(document, null, 2)`
 * and a newline: at scale the document is tens of MB, and one string of it, with a copy of every
 * finding, was the largest thing a scan held while writing its reports.
 */
export function findingsDocumentChunks(input: ReportInput): Iterable<string> {
  const findings = sorted(input.evaluation.findings, compareFindings);
  return jsonEndingInList({ ...documentHead(input), findings: [] }, findings, findingRecord);
}

/** The counts with their keys in severity order, whatever order they were built in. */
export function severityCounts(summary: Record<Severity, number>): Record<Severity, number> {
  const { critical, high, medium, low, info } = summary;
  return { critical, high, medium, low, info };
}

/** Systems by system then target, each with how many accounts and grants it gave. */
export function systemSummaries(snapshot: Snapshot): SystemSummary[] {
  const accounts = countByTarget(snapshot.accounts);
  const grants = countByTarget(grantsAsRead(snapshot, accounts));
  return sorted(
    snapshot.systems,
    byKeys(
      (s) => s.system,
      (s) => s.target,
    ),
  ).map((s) => ({
    system: s.system,
    target: s.target,
    ok: s.ok,
    ...(s.error !== undefined ? { error: s.error } : {}),
    warnings: [...s.warnings].sort(),
    accounts: accounts(s),
    grants: grants(s),
  }));
}

type TargetRef = { system: string; target: string };

/**
 * Each grant with the target it was read from, as the scan's progress counts it. A grant
 * carries the target of its account, which is where it was read, except on a target that keeps
 * no accounts of its own: a GCP project in an organisation, whose members are the
 * organisation's. Its bindings are read with the project (their resource is the project or lies
 * in it: "projects/p/buckets/b") and counted there, not on the organisation. An AWS role another
 * account can assume stays with the account it was read from: every AWS account has accounts.
 */
function* grantsAsRead(snapshot: Snapshot, accounts: (at: TargetRef) => number): Iterable<TargetRef> {
  const withoutAccounts = new Map<string, Set<string>>();
  for (const s of snapshot.systems)
    if (s.ok && accounts(s) === 0)
      withoutAccounts.set(s.system, (withoutAccounts.get(s.system) ?? new Set()).add(s.target));
  for (const g of snapshot.grants) {
    const targets = withoutAccounts.get(g.system);
    const readFrom = targets ? targetOf(g.resource, targets) : undefined;
    yield readFrom === undefined ? g : { system: g.system, target: readFrom };
  }
}

/** The longest of `targets` the resource is or lies under (at a "/"). */
function targetOf(resource: string, targets: ReadonlySet<string>): string | undefined {
  for (let end = resource.length; end > 0; end = resource.lastIndexOf('/', end - 1)) {
    const prefix = end === resource.length ? resource : resource.slice(0, end);
    if (targets.has(prefix)) return prefix;
  }
  return undefined;
}

/**
 * How many records each target gave, by system then target: a Map per system keyed by the
 * records' own strings, since a key joined from them would be built and hashed per record.
 */
function countByTarget(records: Iterable<TargetRef>): (at: TargetRef) => number {
  const counts = new Map<string, Map<string, number>>();
  for (const r of records) {
    const bySystem = counts.get(r.system) ?? new Map<string, number>();
    counts.set(r.system, bySystem.set(r.target, (bySystem.get(r.target) ?? 0) + 1));
  }
  return (at) => counts.get(at.system)?.get(at.target) ?? 0;
}

/** A finding with its keys in the documented order and nothing else (no stray fields from a rule). */
function findingRecord(f: Finding): Finding {
  return {
    fingerprint: f.fingerprint,
    rule: f.rule,
    severity: f.severity,
    title: f.title,
    ...(f.person !== undefined ? { person: f.person } : {}),
    system: f.system,
    target: f.target,
    account: f.account,
    ...(f.resource !== undefined ? { resource: f.resource } : {}),
    evidence: [...f.evidence],
    remediation: { steps: [...f.remediation.steps], commands: [...f.remediation.commands] },
  };
}
