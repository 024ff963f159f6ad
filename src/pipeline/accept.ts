// Accepted risks: a finding the register says an employee accepted, with a reason and an
// end date, leaves the gate and the headline counts but stays listed. Past its end, or once the
// employee who accepted it has left, the acceptance stops applying, and that lapse is reported
// so nobody relies on it unknowingly.
import { endOfDay } from '../core/dates.js';
import type { AcceptedFinding } from '../core/evaluation.js';
import type { Finding } from '../core/finding.js';
import type { AcceptedRisk, Register } from '../core/register.js';
import { leftOn } from './evaluate/coverage.js';

export interface AcceptanceResult {
  /** Findings that still count. */
  open: Finding[];
  accepted: AcceptedFinding[];
  /** Acceptances that ended (or whose accepter left) while the finding they covered is still there. */
  lapsed: { risk: AcceptedRisk; index: number; finding: Finding; acceptedByLeft?: string }[];
}

export function matchesRisk(risk: AcceptedRisk, f: Finding): boolean {
  if (risk.fingerprint) return risk.fingerprint === f.fingerprint;
  if (!risk.rule || !risk.account) return false;
  if (risk.rule !== f.rule) return false;
  if (risk.system && risk.system !== f.system) return false;
  if (risk.target && !sameName(risk.target, f.target)) return false;
  if (risk.resource && !sameName(risk.resource, f.resource ?? '')) return false;
  return sameName(risk.account, f.account);
}

/** Names as the systems compare them: GitHub logins and orgs, emails and ARNs' account parts, case aside. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function applyAcceptedRisks(findings: readonly Finding[], register: Register, now: Date): AcceptanceResult {
  const open: Finding[] = [];
  const accepted: AcceptedFinding[] = [];
  const lapsed: AcceptanceResult['lapsed'] = [];
  const people = new Map(register.people.map((p) => [p.id, p]));
  // An employee who has left answers for no risk: what they accepted is nobody's now.
  const risks = register.accepted_risks.map((risk, index) => {
    const left = leftOn(people, risk.accepted_by, now);
    return { risk, index, ...(left ? { acceptedByLeft: left } : {}) };
  });
  for (const f of findings) {
    const matching = risks.filter(({ risk }) => matchesRisk(risk, f));
    const live = matching.find(({ risk, acceptedByLeft }) => now < endOfDay(risk.end) && !acceptedByLeft);
    if (live) {
      accepted.push({ finding: f, reason: live.risk.reason, acceptedBy: live.risk.accepted_by, end: live.risk.end });
      continue;
    }
    open.push(f);
    for (const m of matching) lapsed.push({ ...m, finding: f });
  }
  return { open, accepted, lapsed };
}
