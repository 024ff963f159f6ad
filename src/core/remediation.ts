// How a system takes access away: the contract each connector's remediation module fills.
// Nothing here runs anything: lanekeeper only tells.
import type { Remediation } from './finding.js';
import type { Account, Credential, Grant, Level, Secret } from './model.js';

export type { Remediation } from './finding.js';

/** The records that go with an account when it is removed as a whole. */
export interface AccountRecords {
  grants: readonly Grant[];
  credentials: readonly Credential[];
}

/**
 * One system's ways of taking access away. Every answer says what to do in words (`steps`) and,
 * where the system has a command line, the exact commands with the real names filled in and
 * shell-quoted (`commands`). Nothing here runs anything: lanekeeper only tells.
 */
export interface ConnectorRemediation {
  /** Take one grant away from its account (the account is absent for records of a removed account). */
  revokeGrant(grant: Grant, account?: Account): Remediation;
  /** Lower a grant to `level` where the system can; undefined when only removal is possible. */
  lowerGrant?(grant: Grant, level: Level, account?: Account): Remediation | undefined;
  /** Remove the account from its target; its grants and credentials are given so nothing is left behind. */
  removeAccount(account: Account, records: AccountRecords): Remediation;
  /** Cancel a pending invitation (an account with status "invited"). Defaults to removeAccount. */
  cancelInvitation?(account: Account): Remediation;
  /** Deactivate and delete one credential (a key, a token, a password). */
  revokeCredential(credential: Credential, account?: Account): Remediation;
  /** Deactivate one credential, reversibly: undoing a new key until its owner confirms it. Defaults to revokeCredential. */
  disableCredential?(credential: Credential, account?: Account): Remediation;
  /** Replace a credential others depend on (a shared account's key, a service-account key). Defaults to revokeCredential. */
  rotateCredential?(credential: Credential, account?: Account): Remediation;
  /** Give a secret a new value (GitHub Actions secrets). */
  rotateSecret?(secret: Secret): Remediation;
  /** Take a person (by the login or email the system knows them by) out of a group account. */
  removeFromGroup?(group: Account, member: string): Remediation;
}

/** What a person could reach beyond their own grants: offboarding lists these to rotate. */
export interface ConnectorOffboarding {
  /** Whether holding `grant` lets its holder read `secret` (secrets to rotate). */
  readsSecret?(grant: Grant, secret: Secret): boolean;
  /** Whether holding `grant` lets its holder use or mint `credential` (a service-account key in a project they could act in). */
  usesCredential?(grant: Grant, credential: Credential): boolean;
}

export function emptyRemediation(): Remediation {
  return { steps: [], commands: [] };
}

/** Plans one after another, each step and command once, in first-seen order. */
export function mergeRemediation(...plans: readonly (Remediation | undefined)[]): Remediation {
  const steps = new Set<string>();
  const commands = new Set<string>();
  for (const plan of plans) {
    for (const s of plan?.steps ?? []) steps.add(s);
    for (const c of plan?.commands ?? []) commands.add(c);
  }
  return { steps: [...steps], commands: [...commands] };
}
