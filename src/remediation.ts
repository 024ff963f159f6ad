// How each system takes access away: every connector has a remediation module that turns the
// normalised records into steps and exact commands, and addRemediation() puts them on findings.
// The core never names a system: modules are looked up by connector id in connectors/remediation.ts.
import { remediations } from '../connectors/remediation.js';
import type { EvaluationContext, HeldGrant } from './evaluate/context.js';
import { fingerprint } from './evaluate/fingerprint.js';
import { type Account, type Credential, type Grant, type Level, levelRank, type Secret } from './model.js';
import type { Finding, Remediation } from './rules/types.js';

export type { Remediation } from './rules/types.js';

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
  /** Replace a credential others depend on (a shared account's key, a service-account key). Defaults to revokeCredential. */
  rotateCredential?(credential: Credential, account?: Account): Remediation;
  /** Give a secret a new value (GitHub Actions secrets). */
  rotateSecret?(secret: Secret): Remediation;
  /** Take a person (by the login or email the system knows them by) out of a group account. */
  removeFromGroup?(group: Account, member: string): Remediation;
  /** Whether holding `grant` lets its holder read `secret` (offboarding: secrets to rotate). */
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

export function remediationFor(
  system: string,
  modules: Readonly<Record<string, ConnectorRemediation>> = remediations,
): ConnectorRemediation | undefined {
  return Object.hasOwn(modules, system) ? modules[system] : undefined;
}

/** Lowers the grant when the system can, otherwise removes it. */
export function lowerOrRevoke(
  module: ConnectorRemediation,
  grant: Grant,
  level: Level,
  account?: Account,
): Remediation {
  return module.lowerGrant?.(grant, level, account) ?? module.revokeGrant(grant, account);
}

export function rotate(module: ConnectorRemediation, credential: Credential, account?: Account): Remediation {
  return (module.rotateCredential ?? module.revokeCredential)(credential, account);
}

/**
 * Fills each finding's remediation with the commands of its system's module, from the records of
 * the finding's account (and resource) in the snapshot. Findings about the register, findings of
 * systems without a module and findings whose account is gone keep what their rule wrote.
 * Applied after evaluate(); pure.
 */
export function addRemediation(
  findings: readonly Finding[],
  context: EvaluationContext,
  modules: Readonly<Record<string, ConnectorRemediation>> = remediations,
): Finding[] {
  return findings.map((finding) => {
    const module = remediationFor(finding.system, modules);
    if (!module || finding.account === '') return finding;
    const account = context.accountOf({ system: finding.system, target: finding.target, id: finding.account });
    if (!account) return finding;
    const plan = planFor(finding, account, module, context);
    if (plan.steps.length === 0 && plan.commands.length === 0) return finding;
    return { ...finding, remediation: mergeRemediation(finding.remediation, plan) };
  });
}

function planFor(
  finding: Finding,
  account: Account,
  module: ConnectorRemediation,
  context: EvaluationContext,
): Remediation {
  const held = context.heldBy(account);
  const credentials = context.credentialsOf(account);
  switch (finding.rule) {
    case 'stale-credential': {
      // The rule tells its credentials apart by "kind:id" in the fingerprint: find the one it meant.
      const credential = credentials.find(
        (c) =>
          fingerprint(finding.rule, {
            system: finding.system,
            target: finding.target,
            account: finding.account,
            resource: c.resource,
            discriminator: `${c.kind}:${c.id}`,
          }) === finding.fingerprint,
      );
      return credential ? module.revokeCredential(credential, account) : emptyRemediation();
    }
    case 'unknown-account':
      return account.status === 'invited'
        ? (module.cancelInvitation ?? ((a) => module.removeAccount(a, { grants: [], credentials: [] })))(account)
        : module.removeAccount(account, { grants: held.map((h) => h.grant), credentials });
    case 'shared-admin-account': {
      if (account.kind === 'root' || account.kind === 'service') {
        return mergeRemediation(...credentials.filter((c) => c.active).map((c) => module.revokeCredential(c, account)));
      }
      return mergeRemediation(
        ...held.filter((h) => h.grant.level === 'admin').map((h) => lowerOrRevoke(module, h.grant, 'write', account)),
      );
    }
    case 'mfa-missing':
      // Turning MFA on is the account holder's act; there is nothing to remove.
      return emptyRemediation();
    default:
      return finding.resource === undefined
        ? emptyRemediation()
        : resourcePlan(finding, account, held, credentials, module);
  }
}

/** Findings about an account's access to one resource: lower what exceeds an approval, remove the rest. */
function resourcePlan(
  finding: Finding,
  account: Account,
  held: readonly HeldGrant[],
  credentials: readonly Credential[],
  module: ConnectorRemediation,
): Remediation {
  const onResource = held.filter((h) => h.grant.resource === finding.resource);
  // Through a shared account the person is one of several users: the others keep using it, so
  // the fix is new credentials they do not have (and the register edit the rule's step names).
  if (finding.person !== undefined && onResource.some((h) => h.link.kind === 'shared')) {
    return mergeRemediation(...credentials.filter((c) => c.active).map((c) => rotate(module, c, account)));
  }
  return mergeRemediation(
    ...onResource.map((h) => {
      const approved = finding.rule === 'unapproved-access' ? approvedLevel(h, finding.person) : undefined;
      return approved ? lowerOrRevoke(module, h.grant, approved, account) : module.revokeGrant(h.grant, account);
    }),
  );
}

/**
 * The level an approval allows when every lane of the grant is approved, only at a lower level
 * than held ("above"): then lowering, not removing, is the fix.
 */
function approvedLevel(held: HeldGrant, person: string | undefined): Level | undefined {
  const holder = held.holders.find((h) => person === undefined || h.person.id === person);
  if (!holder || holder.lanes.length === 0) return undefined;
  if (!holder.lanes.every((c) => c.state === 'above' && c.approval)) return undefined;
  const levels = holder.lanes.map((c) => c.approval!.access);
  return levels.sort((a, b) => levelRank(a) - levelRank(b))[0];
}
