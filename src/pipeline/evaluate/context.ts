// Everything a rule may look at. Built once per scan by buildContext(); rules only read it.
// The raw inputs stay available; the derived views (live records, links, coverage) are
// computed here once so every rule judges the same facts the same way.
import type { Policy } from '../../core/config.js';
import type { Drift } from '../../core/drift.js';
import type { Account, AccountRef, Credential, Grant, Lane, Snapshot } from '../../core/model.js';
import type { Person, Register, RegisterGrant, RegisterGroup, SharedAccount } from '../../core/register.js';

/** How an account was tied to the register. */
export type AccountLink =
  | { kind: 'person'; person: string; by: 'account-link' | 'email'; detail: string }
  | { kind: 'shared'; shared: SharedAccount }
  | { kind: 'group'; group: RegisterGroup }
  /** One of the company's own domains: everyone with an address there; members are the register's people who have one. */
  | { kind: 'company'; domain: string; members: string[] }
  | { kind: 'conflict'; people: string[]; by: 'account-link' | 'email'; reason: string }
  | { kind: 'none'; reason: string };

/**
 * employee:   approved by employment (an employee whose engagement has not ended)
 * approved:   a register grant in its window covers the lane at the held level or above
 * above:      a register grant in its window covers the lane, at a lower level than held
 * expired:    only register grants that have ended cover the lane
 * unapproved: no register grant covers the lane, whatever its dates
 */
export type CoverageState = 'employee' | 'approved' | 'above' | 'expired' | 'unapproved';

export interface LaneCoverage {
  lane: Lane;
  state: CoverageState;
  /** Register grants of the holder with the same system and lane whose scope matches, in register order. */
  matches: RegisterGrant[];
  /**
   * For approved/above: the approval in effect with the highest access. For expired, when one
   * lower than held is still in effect: that one (lowering to it, not removing, is the fix).
   */
  approval?: RegisterGrant;
  /** For expired: the last day any approval (or the engagement) covered the lane. */
  endedOn?: string;
  /** The holder's engagement has not started (person.start is still to come): nothing is approved yet. */
  engagementStarts?: string;
  /** The holder's engagement ended (person.end passed): whatever the lane's state, the access outlived it. */
  engagementEnded?: string;
}

/** One person holding a grant: the account's person, a group's member, a shared account's user. */
export interface Holder {
  person: Person;
  through: 'account' | 'group' | 'shared';
  lanes: LaneCoverage[];
}

/** A grant that is live access now, with the account, its link and who holds it. */
export interface HeldGrant {
  grant: Grant;
  account: Account;
  link: AccountLink;
  /** Sorted by person id. Empty for accounts linked to nobody, to several people, or to a shared account without users. */
  holders: Holder[];
}

export interface EvaluationContext {
  readonly now: Date;
  /** Classified: every grant carries its lanes and level. */
  readonly snapshot: Snapshot;
  readonly register: Register;
  readonly policy: Policy;
  /** Changes since the previous complete scan; absent on a first scan or without history. */
  readonly drift?: Drift;
  /** Accounts that can hold access (status not deleted), sorted by system, target, id. */
  readonly accounts: readonly Account[];
  /** Live grants (account live, grant not past its own expiresAt), sorted by system, target, account, resource, permission. */
  readonly held: readonly HeldGrant[];
  /** Credentials of live accounts, sorted. */
  readonly credentials: readonly Credential[];
  /** Register people by id. */
  readonly people: ReadonlyMap<string, Person>;
  /** Systems with at least one target that failed: nothing is concluded from absence there. */
  readonly failedSystems: ReadonlySet<string>;
  /** A live account by its reference. */
  accountOf(ref: AccountRef): Account | undefined;
  linkOf(account: AccountRef): AccountLink;
  heldBy(account: AccountRef): readonly HeldGrant[];
  /** Live grants a register person holds, through any account, group or shared account. */
  heldByPerson(person: string): readonly HeldGrant[];
  credentialsOf(account: AccountRef): readonly Credential[];
}
