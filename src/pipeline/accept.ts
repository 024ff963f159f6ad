// Accepted risks: a finding the register says an employee accepted, with a reason and an
// end date, leaves the gate and the headline counts but stays listed. Past its end, once the
// employee who accepted it has left, or when who accepted it is not an employee, the acceptance stops applying, and that lapse is reported
// so nobody relies on it unknowingly.
import { endOfDay } from '../core/dates.js';
import type { AcceptedFinding } from '../core/evaluation.js';
import type { Finding } from '../core/finding.js';
import type { AcceptedRisk, Register } from '../core/register.js';
import { leftOn } from './evaluate/coverage.js';
import { notEmployee } from './register/completeness.js';
import type { RegisterIssue } from './register/validate.js';

export interface AcceptanceResult {
  /** Findings that still count. */
  open: Finding[];
  accepted: AcceptedFinding[];
  /** Acceptances that ended (or whose accepter left) while the finding they covered is still there. */
  lapsed: { risk: AcceptedRisk; index: number; finding: Finding; acceptedByLeft?: string; acceptedByKind?: string }[];
  /** Indexes of acceptances still in their dates that matched no finding: fixed, or misnamed. */
  unmatched: number[];
}

/** The login of a finding's account, when the scan holds it. */
export type LoginOf = (f: Finding) => string | undefined;

/**
 * `login`: the finding's account as the reports show it (an IAM user's name, a Slack member's
 * name), which the register may name it by as well as by its id (an ARN, a member id).
 */
export function matchesRisk(risk: AcceptedRisk, f: Finding, login?: string): boolean {
  if (risk.fingerprint) return risk.fingerprint === f.fingerprint;
  if (!risk.rule || !risk.account) return false;
  if (risk.rule !== f.rule) return false;
  if (risk.system && risk.system !== f.system) return false;
  if (risk.target && !sameName(risk.target, f.target)) return false;
  if (risk.resource && !sameName(risk.resource, f.resource ?? '')) return false;
  return sameName(risk.account, f.account) || (login !== undefined && sameName(risk.account, login));
}

/** Names as the systems compare them: GitHub logins and orgs, emails and ARNs' account parts, case aside. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function applyAcceptedRisks(
  findings: readonly Finding[],
  register: Register,
  now: Date,
  loginOf: LoginOf = () => undefined,
): AcceptanceResult {
  const open: Finding[] = [];
  const accepted: AcceptedFinding[] = [];
  const lapsed: AcceptanceResult['lapsed'] = [];
  const people = new Map(register.people.map((p) => [p.id, p]));
  // An employee who has left answers for no risk: what they accepted is nobody's now. Nor does a
  // contractor (an employee who became one, say): only an employee accepts a risk.
  const risks = register.accepted_risks.map((risk, index) => {
    const left = leftOn(people, risk.accepted_by, now);
    const kind = notEmployee(people, risk.accepted_by);
    return { risk, index, ...(left ? { acceptedByLeft: left } : {}), ...(kind ? { acceptedByKind: kind } : {}) };
  });
  const used = new Set<number>();
  for (const f of findings) {
    const login = loginOf(f);
    const matching = risks.filter(({ risk }) => matchesRisk(risk, f, login));
    for (const m of matching) used.add(m.index);
    const live = matching.find(
      ({ risk, acceptedByLeft, acceptedByKind }) => now < endOfDay(risk.end) && !acceptedByLeft && !acceptedByKind,
    );
    if (live) {
      accepted.push({ finding: f, reason: live.risk.reason, acceptedBy: live.risk.accepted_by, end: live.risk.end });
      continue;
    }
    open.push(f);
    for (const m of matching) lapsed.push({ ...m, finding: f });
  }
  const unmatched = risks
    .filter(({ risk, index }) => !used.has(index) && now < endOfDay(risk.end))
    .map(({ index }) => index);
  return { open, accepted, lapsed, unmatched };
}

/**
 * The register's warning for each acceptance that matched nothing: for a complete scan only, where
 * a finding it could match would have been found. A typo in its account or rule otherwise leaves
 * the finding open and nobody told why.
 */
export function unmatchedRiskIssues(register: Register, unmatched: readonly number[]): RegisterIssue[] {
  return unmatched.map((index) => {
    const risk = register.accepted_risks[index];
    const names = risk?.fingerprint
      ? `fingerprint ${risk.fingerprint}`
      : [risk?.rule, risk?.system, risk?.target, risk?.account, risk?.resource].filter(Boolean).join(' ');
    return {
      code: 'LK_REGISTER_RISK_UNMATCHED',
      message: `accepts no finding of this scan (${names})`,
      path: ['accepted_risks', index],
      severity: 'warning',
    };
  });
}
