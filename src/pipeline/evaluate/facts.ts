// Small questions rules ask of the context, and the wording of the evidence lines they share,
// so two rules describe the same grant or approval in the same words.

import type { FindingDraft } from '../../core/finding.js';
import type { Account, Credential, Grant } from '../../core/model.js';
import type { RegisterGrant } from '../../core/register.js';
import type { EvaluationContext, HeldGrant, Holder } from './context.js';
import { scopes } from './coverage.js';
import { describeLink } from './link.js';

/** Whole-target roles that amount to admin: GitHub org owner, Slack owner/admin, "primary_owner"... */
export function isAdminRole(role: string | undefined): boolean {
  return role !== undefined && /(^|[-_ ])(owner|admin|administrator)$/i.test(role.trim());
}

/** A root account, an admin role over the whole target, or any live grant at admin level. */
export function isAdminAccount(context: EvaluationContext, account: Account): boolean {
  return (
    account.kind === 'root' ||
    isAdminRole(account.role) ||
    context.heldBy(account).some((h) => h.grant.level === 'admin')
  );
}

/**
 * A service identity with no credential of its own (an IAM role, a GCP service account without
 * user-managed keys) is reached only through other principals (who may assume or impersonate
 * it), and those are accounts judged in their own right. Flagging the identity itself as linked
 * to nobody would repeat every such finding for every role a cloud account has.
 */
export function reachableOnlyThroughOthers(context: EvaluationContext, account: Account): boolean {
  return account.kind === 'service' && !context.credentialsOf(account).some((c) => c.active);
}

/** Write or admin anywhere, or any production or data lane. */
export function isPrivileged(held: readonly HeldGrant[]): boolean {
  return held.some(
    (h) => h.grant.level !== 'read' || h.grant.lanes.includes('production') || h.grant.lanes.includes('data'),
  );
}

const GENERIC_NAMES = new Set(['admin', 'administrator', 'root', 'it', 'ops', 'team', 'info', 'devops']);

/** A login or email local part that names a function, not a person: admin, ops@, northwind-admin. */
export function genericName(account: Account): string | undefined {
  const candidates = [account.login, ...account.emails.map((e) => e.split('@')[0] ?? '')].map((n) =>
    n.trim().toLowerCase(),
  );
  return candidates.find((n) => GENERIC_NAMES.has(n) || n.endsWith('-admin'));
}

/** "github northwind samortiz": where an account lives, as a reader would look it up. */
export function accountLabel(account: Pick<Account, 'system' | 'target' | 'login'>): string {
  return `${account.system} ${account.target} account ${account.login}`;
}

/** "admin (admin) on northwind/infra via direct; lanes production": one fact a reader can check. */
export function describeGrant(grant: Grant): string {
  const via = grant.viaName ? `${grant.via} ${grant.viaName}` : grant.via;
  const lanes = grant.lanes.length > 0 ? grant.lanes.join(' + ') : 'no lane';
  const expires = grant.expiresAt ? `, expires ${grant.expiresAt.slice(0, 10)}` : '';
  return `holds ${grant.level} (${grant.permission}) on ${grant.resource} via ${via}; lane ${lanes}${expires}`;
}

/**
 * When the system says this access ends: its own limit on the grant (enforced), else the removal
 * of the account it promised (a Slack guest's expiry).
 */
export function systemEnd(held: Pick<HeldGrant, 'grant' | 'account'>): string | undefined {
  return held.grant.expiresAt ?? held.account.endsAt;
}

/** A removal the system promised and missed: the date has passed and the account still works. */
export function missedRemoval(account: Account, now: Date): string[] {
  if (account.endsAt === undefined || Date.parse(account.endsAt) > now.getTime()) return [];
  return [
    `${account.system} was to remove ${account.login} on ${dateOf(account.endsAt)}; the account is still ${account.status}`,
  ];
}

/** The grant's line and the connector's own explanation of it. */
export function grantEvidence(grant: Grant): string[] {
  return [describeGrant(grant), ...(grant.evidence ?? [])];
}

/** "approval SHOP-142 "Fix the payment step…": write on northwind/shop, code lane, 2026-05-04 to 2026-05-08". */
export function describeApproval(rg: RegisterGrant): string {
  const ticket = rg.ticket ? ` ${rg.ticket}` : '';
  const window = rg.end ? `${rg.start} to ${rg.end}` : `from ${rg.start}, no end date`;
  return `approval${ticket} "${rg.task}": ${rg.access} on ${scopes(rg).join(', ')}, ${rg.lane} lane, ${window}`;
}

/** Connectors shorten key ids already; a full AWS key id that slipped through is shortened here (AKIA…WXYZ). */
export function shortId(id: string): string {
  return /^A[KS]IA[A-Z0-9]{12,}$/.test(id) ? `${id.slice(0, 4)}…${id.slice(-4)}` : id;
}

const CREDENTIAL_NOUN: Record<Credential['kind'], string> = {
  'access-key': 'key',
  'deploy-key': 'deploy key',
  pat: 'token',
  'sa-key': 'service account key',
  app: 'app installation',
  password: 'password',
};

/** "key AKIA…WXYZ", "service account key 3f2a…91bc", "password": how a reader finds it in the system. */
export function credentialLabel(c: Pick<Credential, 'kind' | 'id'>): string {
  return c.kind === 'password' ? 'password' : `${CREDENTIAL_NOUN[c.kind]} ${shortId(c.id)}`;
}

export function dateOf(instant: string): string {
  return instant.slice(0, 10);
}

/** Groups items under a key, keeping first-seen order of keys and items. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** One holder of one live grant, with what a rule found about it. */
export interface HolderItem {
  held: HeldGrant;
  holder: Holder;
}

/**
 * Groups a rule's items so each (account, resource, person) gives one finding, and starts that
 * finding: who, where, how the account is linked, and the grants behind it. Rules add their
 * own evidence lines after these.
 */
export function findingsPerHolder<T extends HolderItem>(
  items: readonly T[],
): { group: T[]; base: Omit<FindingDraft, 'evidence'>; evidence: string[] }[] {
  const groups = groupBy(items, ({ held, holder }) =>
    JSON.stringify([held.grant.system, held.grant.target, held.grant.account, held.grant.resource, holder.person.id]),
  );
  return [...groups.values()].map((group) => {
    const { held, holder } = group[0]!;
    return {
      group,
      base: {
        person: holder.person.id,
        system: held.grant.system,
        target: held.grant.target,
        account: held.grant.account,
        resource: held.grant.resource,
        // Through a shared account or a group, several people hold one grant: one finding each.
        ...(holder.through !== 'account' ? { discriminator: holder.person.id } : {}),
      },
      evidence: [
        `${accountLabel(held.account)}: ${describeLink(held.link)}`,
        ...new Set(group.flatMap((g) => grantEvidence(g.held.grant))),
      ],
    };
  });
}

/**
 * Connectors may put the exact command that removes a grant in `attributes.revokeCommand`
 * (string or list); rules never spell system-specific commands themselves.
 */
export function revokeCommands(grant: Grant): string[] {
  const value = grant.attributes?.revokeCommand;
  return typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
}
