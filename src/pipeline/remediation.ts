// How each system takes access away: every connector carries a remediation module that turns
// the normalised records into steps and exact commands, and addRemediation() puts them on
// findings. The pipeline never names a system: modules are found through the registry.
import { connectorById } from '../../connectors/index.js';
import type { AnyConnector } from '../core/connector.js';
import type { Finding, Remediation } from '../core/finding.js';
import type { Account, Credential, Grant, Level } from '../core/model.js';
import { type ConnectorRemediation, emptyRemediation, mergeRemediation } from '../core/remediation.js';
import { credentialCreated } from './drift.js';
import type { EvaluationContext, HeldGrant } from './evaluate/context.js';
import { lowerApprovedLevel } from './evaluate/coverage.js';
import { fingerprint } from './evaluate/fingerprint.js';

/** The connector of a system, for its remediation and offboarding modules; the registry's by default. */
export type ConnectorLookup = (system: string) => Pick<AnyConnector, 'remediation' | 'offboarding'> | undefined;

export const registryLookup: ConnectorLookup = connectorById;

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
  lookup: ConnectorLookup = registryLookup,
): Finding[] {
  return findings.map((finding) => {
    const module = lookup(finding.system)?.remediation;
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
    case 'drift': {
      // A new key is undone by turning it off until confirmed; a new grant by removing it
      // (below); a new account by unknown-account's fix when nobody claims it.
      const created = credentials.find((c) => finding.evidence.some((e) => e.endsWith(`: ${credentialCreated(c)}`)));
      if (created) return (module.disableCredential ?? module.revokeCredential)(created, account);
      return finding.resource === undefined
        ? emptyRemediation()
        : resourcePlan(finding, account, held, credentials, module);
    }
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
      // A level raised past what the register approves is undone by lowering, not by removing.
      const lowerable = LOWERED_BY.has(finding.rule);
      const approved = lowerable ? approvedLevel(h, finding.person) : undefined;
      return approved ? lowerOrRevoke(module, h.grant, approved, account) : module.revokeGrant(h.grant, account);
    }),
  );
}

/** Rules whose finding is undone by lowering to an approved level when there is one. */
const LOWERED_BY: ReadonlySet<string> = new Set(['unapproved-access', 'expired-access-active', 'drift']);

/** The level a person's approvals still allow on a grant they hold above them, if lowering is the fix. */
function approvedLevel(held: HeldGrant, person: string | undefined): Level | undefined {
  const holder = held.holders.find((h) => person === undefined || h.person.id === person);
  return holder ? lowerApprovedLevel(holder.lanes) : undefined;
}
