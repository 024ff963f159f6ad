// An admin nobody can be held to account for: linked to nobody or to several people, shared
// on purpose, a generic name, a root account with live credentials, or a service account
// whose key file makes whoever holds it an admin.

import { dayCount, daysBetween } from '../core/dates.js';
import type { FindingDraft } from '../core/finding.js';
import type { Account } from '../core/model.js';
import type { EvaluationContext } from '../pipeline/evaluate/context.js';
import { leftOn } from '../pipeline/evaluate/coverage.js';
import {
  accountLabel,
  credentialLabel,
  dateOf,
  genericName,
  isAdminAccount,
  reachableOnlyThroughOthers,
  shortId,
} from '../pipeline/evaluate/facts.js';
import type { Rule } from './types.js';

const RECENT_PASSWORD_DAYS = 90;

type Link = ReturnType<EvaluationContext['linkOf']>;

function adminEvidence(context: EvaluationContext, account: Account): string[] {
  const lines: string[] = [];
  if (account.role) lines.push(`${accountLabel(account)} has the role ${account.role}`);
  for (const h of context.heldBy(account)) {
    if (h.grant.level === 'admin') lines.push(`holds admin (${h.grant.permission}) on ${h.grant.resource}`);
  }
  return lines.slice(0, 6);
}

/** The ways in that someone holding the account's secrets can use: passwords and keys. */
function credentialEvidence(context: EvaluationContext, account: Account): string[] {
  return context
    .credentialsOf(account)
    .filter((c) => c.active && c.kind !== 'sa-key')
    .map((c) => {
      const used = c.lastUsedAt ? `last used ${dateOf(c.lastUsedAt)}` : 'no use recorded';
      return `${c.kind === 'password' ? 'console password' : credentialLabel(c)} is active, ${used}`;
    });
}

/** Why a root account is a risk: live keys, a password in use, no MFA. */
function rootReasons(context: EvaluationContext, account: Account): string[] {
  const reasons: string[] = [];
  for (const c of context.credentialsOf(account)) {
    if (c.kind === 'access-key' && c.active) {
      const used = c.lastUsedAt ? `, last used ${dateOf(c.lastUsedAt)}` : ', never used';
      reasons.push(`root has an active access key ${shortId(c.id)}${used}`);
    }
    if (c.kind === 'password' && c.active && c.lastUsedAt) {
      const age = daysBetween(new Date(c.lastUsedAt), context.now);
      if (age <= RECENT_PASSWORD_DAYS)
        reasons.push(`root's password was used ${dateOf(c.lastUsedAt)}, ${dayCount(age)} ago`);
    }
  }
  // No MFA is a way in only beside a password or a key: a root with neither (as AWS
  // Organizations member accounts often are) is mfa-missing's to report, not a live credential.
  const password = context.credentialsOf(account).find((c) => c.kind === 'password' && c.active);
  if (account.mfa === false && (reasons.length > 0 || password)) {
    if (reasons.length === 0 && password) {
      const used = password.lastUsedAt ? `last used ${dateOf(password.lastUsedAt)}` : 'never used';
      reasons.push(`root's password is active, ${used}`);
    }
    reasons.push('root has no MFA');
  }
  return reasons;
}

function reasonsFor(context: EvaluationContext, account: Account, link: Link, ownerLeft: string | undefined): string[] {
  if (account.kind === 'root') return rootReasons(context, account);
  const reasons: string[] = [];
  if (link.kind === 'none' && account.kind !== 'external' && !reachableOnlyThroughOthers(context, account)) {
    reasons.push(`linked to nobody: ${link.reason}`);
  }
  if (link.kind === 'conflict') reasons.push(`linked to several people: ${link.reason}`);
  // A declared account is accounted for by its owner: one who has left accounts for nothing.
  if (link.kind === 'shared' && ownerLeft)
    reasons.push(`declared ${link.shared.kind} account whose owner ${link.shared.owner} left on ${ownerLeft}`);
  if (link.kind === 'shared' && link.shared.kind === 'shared') {
    const users = link.shared.users.length > 0 ? `, used by ${link.shared.users.join(', ')}` : '';
    reasons.push(`declared shared in the register (owner ${link.shared.owner}, ${link.shared.purpose})${users}`);
    for (const id of link.shared.users) {
      const ended = leftOn(context.people, id, context.now);
      if (ended) reasons.push(`user ${id}'s engagement ended ${ended} and the account is still live`);
    }
  }
  // Roles are named for their function by design; the name says nothing about who uses them.
  const generic = reachableOnlyThroughOthers(context, account) ? undefined : genericName(account);
  if (generic) reasons.push(`the name "${generic}" names a function, not a person`);
  if (account.kind === 'service') {
    for (const c of context.credentialsOf(account)) {
      if (c.kind === 'sa-key' && c.active) {
        const created = c.createdAt ? ` created ${dateOf(c.createdAt)}` : '';
        reasons.push(`user-managed key ${shortId(c.id)}${created} is active: anyone with the key file is admin`);
      }
    }
  }
  return reasons;
}

/**
 * The title says what the evidence shows: a declared shared account has an owner (so somebody
 * is accountable for it, just not for each use of it); root and key files are their own cases.
 */
function titleFor(account: Account, link: Link, ownerLeft: string | undefined): { title?: string } {
  if (account.kind === 'root') return { title: 'Root account with live credentials' };
  if (ownerLeft) return { title: 'Admin account whose owner has left' };
  if (link.kind === 'shared' && link.shared.kind === 'shared')
    return { title: 'Shared admin account: no use of it traces to one person' };
  if (link.kind === 'conflict') return { title: 'Admin account claimed by several people' };
  if (account.kind === 'service' && link.kind !== 'none') return { title: 'Admin key file: whoever holds it is admin' };
  return {};
}

/**
 * What makes an admin account accountable: a named account per admin, or an owner who is here.
 * A user who has left needs no account, only to come off the account's users.
 */
function accountSteps(
  context: EvaluationContext,
  account: Account,
  link: Link,
  ownerLeft: string | undefined,
): string[] {
  if (link.kind !== 'shared')
    return [`Name an owner for ${account.login} in the register, or remove its admin rights.`];
  if (ownerLeft) return [`Make an employee who is still here the owner of ${account.login}, or retire it.`];
  const left = link.shared.users.flatMap((id) => {
    const on = leftOn(context.people, id, context.now);
    return on ? [{ id, on }] : [];
  });
  const here = link.shared.users.filter((id) => !left.some((l) => l.id === id));
  const users = here.length > 0 ? here.join(', ') : 'each person who uses it';
  return [
    `Give ${users} a named admin account linked to them, then retire ${account.login} (its keys and password).`,
    ...left.map((l) => `Remove ${l.id} from the users of ${account.login} in the register: they left on ${l.on}.`),
  ];
}

export const sharedAdminAccount: Rule = {
  id: 'shared-admin-account',
  title: 'Admin account nobody is accountable for',
  severity: 'critical',
  why: 'An admin account that is shared, generic or linked to nobody cannot be traced to a person, and survives every offboarding.',
  remediation:
    'Give each admin their own named account linked to them in the register, then remove the shared one (or its keys and password).',
  evaluate(context) {
    const findings: FindingDraft[] = [];
    for (const account of context.accounts) {
      // Invitations and suspended accounts hold nothing yet; public principals are public-access's.
      if (account.status !== 'active' || account.kind === 'public') continue;
      if (account.kind !== 'root' && !isAdminAccount(context, account)) continue;
      const link = context.linkOf(account);
      const ownerLeft = link.kind === 'shared' ? leftOn(context.people, link.shared.owner, context.now) : undefined;
      const reasons = reasonsFor(context, account, link, ownerLeft);
      if (reasons.length === 0) continue;
      findings.push({
        ...(link.kind === 'person' ? { person: link.person } : {}),
        ...titleFor(account, link, ownerLeft),
        system: account.system,
        target: account.target,
        account: account.id,
        evidence: [
          ...adminEvidence(context, account),
          ...reasons,
          ...(account.kind !== 'root' ? credentialEvidence(context, account) : []),
          ...(account.mfa === false && account.kind !== 'root' ? ['MFA is off'] : []),
        ],
        // Root and a workload's key file need no named person's account: their own fix comes first.
        ...(account.kind === 'root'
          ? { fix: 'Delete the root access keys, turn on MFA for root, and keep its password in a sealed vault.' }
          : account.kind === 'service'
            ? {
                fix: 'Replace user-managed keys with workload identity or short-lived tokens, then delete the keys: a workload needs no named person’s account.',
              }
            : { remediation: { steps: accountSteps(context, account, link, ownerLeft) } }),
      });
    }
    return findings;
  },
};
