// What every renderer reads: one scan's results, already judged and sorted.
import type { Completeness } from '../src/core/completeness.js';
import type { Drift } from '../src/core/drift.js';
import type { AcceptedFinding, Evaluation } from '../src/core/evaluation.js';
import type { Finding, RuleMeta, Severity } from '../src/core/finding.js';
import type { Snapshot } from '../src/core/model.js';
import type { Person } from '../src/core/register.js';

/** An acceptance as the reports show it; one that lapsed says why (see ReportInput.lapsedAcceptances). */
export interface LapsedAcceptance {
  finding: Finding;
  reason: string;
  acceptedBy: string;
  end: string;
  acceptedByLeft?: string;
  acceptedByKind?: string;
}

export interface ReportInput {
  organization: string;
  /** The scan's clock; also the "generated at" time, so output is byte-for-byte deterministic. */
  now: Date;
  snapshot: Snapshot;
  /** Whether everything was read: failed targets and gaps, open and acknowledged. */
  completeness: Completeness;
  /** Findings (sorted), summary, people × lanes matrix, unlinked accounts, warnings. */
  evaluation: Evaluation;
  /** Titles and "why" of every rule, for the report's legend. */
  rules: readonly RuleMeta[];
  /** Register problems shown in the report. */
  register?: { path: string; problems: string[] };
  /** Findings the register accepts as risks: out of the counts and the gate, listed in their own section. */
  accepted?: AcceptedFinding[];
  /**
   * Acceptances that no longer apply while their finding is still there. acceptedByLeft: the day
   * the employee who accepted it left, when that is why; acceptedByKind: what they are (a
   * contractor), when they are not an employee.
   */
  lapsedAcceptances?: LapsedAcceptance[];
  /** What `offboard` reads to see what this scan saw, after the person (see reports/actions.ts). */
  offboardArgs?: readonly string[];
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
