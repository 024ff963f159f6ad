// What evaluation hands to the reports: findings plus the views a person needs
// to judge them (who holds which lane, which accounts could not be linked).

import type { Finding, Severity } from './finding.js';
import type { Lane, Via } from './model.js';

/** One cell of the people × lanes matrix. */
export type LaneCell =
  | 'none' // neither approved nor held
  | 'approved' // approved, not held
  | 'held' // held and approved
  | 'unapproved' // held, no grant approves it
  | 'expired' // held, but every approval has ended
  | 'unknown'; // nothing held was read, but a system where they may hold it could not be read

export interface PersonAccess {
  person: string;
  name: string;
  kind: 'employee' | 'contractor';
  owner?: string;
  lanes: Record<Lane, LaneCell>;
  /** Accounts linked to this person, as "system:login". */
  accounts: string[];
}

export interface UnlinkedAccount {
  system: string;
  target: string;
  account: string;
  login: string;
  /** Why no person could be found: "no email, no register link", "claimed by sam and lee"... */
  reason: string;
}

export interface Evaluation {
  /** Sorted: severity, rule, system, target, account, resource, fingerprint. */
  findings: Finding[];
  summary: Record<Severity, number>;
  people: PersonAccess[];
  unlinked: UnlinkedAccount[];
  /** Register scopes that matched nothing in the inventory, and similar non-fatal notes. */
  warnings: string[];
  /**
   * Optional: every live grant with the people holding it and the end of its approval, for the
   * access-review sheet (access.csv). Without it the sheet links accounts from findings and
   * `people[].accounts`, and leaves "approved until" empty.
   */
  access?: HeldAccess[];
}

/** One live grant as an auditor reviews it. */
export interface HeldAccess {
  system: string;
  target: string;
  account: string;
  resource: string;
  permission: string;
  via: Via;
  /** Register person ids holding it (the account's person, a group's members, a shared account's users), sorted. */
  people: string[];
  /** The account's entry in the register's shared_accounts, when it is declared there: its kind and owner. */
  declared?: { kind: string; owner: string };
  /**
   * Inclusive last day (YYYY-MM-DD) of the approval in effect, or "no end date" when it has none;
   * absent when any lane of the grant is not approved.
   */
  approvedUntil?: string;
}

/** A finding the register says an employee accepted as a risk, until `end`. */
export interface AcceptedFinding {
  finding: Finding;
  reason: string;
  acceptedBy: string;
  end: string;
}
