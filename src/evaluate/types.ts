// What evaluation hands to the reports: findings plus the views a person needs
// to judge them (who holds which lane, which accounts could not be linked).
import type { Lane } from '../model.js';
import type { Finding, Severity } from '../rules/types.js';

/** One cell of the people × lanes matrix. */
export type LaneCell =
  | 'none' // neither approved nor held
  | 'approved' // approved, not held
  | 'held' // held and approved
  | 'unapproved' // held, no grant approves it
  | 'expired'; // held, but every approval has ended

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
}
