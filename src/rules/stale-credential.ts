// Keys and tokens nobody uses (unused past the policy's limit, or never used and old), and
// long-lived keys in a contractor's hands, which outlive the work they were made for.
import { dayCount, daysBetween } from '../core/dates.js';
import type { FindingDraft } from '../core/finding.js';
import type { Credential } from '../core/model.js';
import type { AccountLink, EvaluationContext } from '../pipeline/evaluate/context.js';
import { accountLabel, credentialLabel, dateOf } from '../pipeline/evaluate/facts.js';
import type { Rule } from './types.js';

const LONG_LIVED = new Set<Credential['kind']>(['access-key', 'sa-key', 'pat']);

function ageInDays(at: string | undefined, now: Date): number | undefined {
  if (at === undefined) return undefined;
  const t = Date.parse(at);
  return Number.isNaN(t) ? undefined : daysBetween(new Date(t), now);
}

function staleness(c: Credential, context: EvaluationContext): string | undefined {
  const limit = context.policy.staleCredentialDays;
  const unused = ageInDays(c.lastUsedAt, context.now);
  if (unused !== undefined) {
    return unused > limit
      ? `last used ${dateOf(c.lastUsedAt!)}, ${dayCount(unused)} ago (policy: ${dayCount(limit)})`
      : undefined;
  }
  const age = ageInDays(c.createdAt, context.now);
  return age !== undefined && age > limit
    ? `no use recorded since it was created ${dateOf(c.createdAt!)}, ${dayCount(age)} ago (policy: ${dayCount(limit)})`
    : undefined;
}

/** The contractors who hold an account's credentials: its own person, or a shared account's users. */
function contractorsHolding(link: AccountLink, context: EvaluationContext): string[] {
  const ids = link.kind === 'person' ? [link.person] : link.kind === 'shared' ? link.shared.users : [];
  return ids.filter((id) => context.people.get(id)?.kind === 'contractor').sort();
}

function contractorKey(c: Credential, ids: string[], shared: boolean, context: EvaluationContext): string | undefined {
  if (!LONG_LIVED.has(c.kind) || ids.length === 0) return undefined;
  const limit = context.policy.contractorKeyMaxDays;
  const age = ageInDays(c.createdAt, context.now);
  if (age === undefined || age <= limit) return undefined;
  const who = shared
    ? `usable by ${ids.join(', ')}, ${ids.length === 1 ? 'a contractor' : 'contractors'}, through the shared account`
    : `held by ${ids[0]}, a contractor`;
  return `${who}: created ${dateOf(c.createdAt!)}, ${dayCount(age)} ago (policy: at most ${dayCount(limit)})`;
}

export const staleCredential: Rule = {
  id: 'stale-credential',
  title: 'Stale or long-lived credential',
  severity: 'medium',
  why: 'A key nobody uses is only useful to whoever finds it; a long-lived key in outside hands outlives the work it was made for.',
  remediation: 'Delete unused keys; give contractors short-lived credentials (SSO, temporary tokens) instead of keys.',
  evaluate(context) {
    const findings: FindingDraft[] = [];
    for (const c of context.credentials) {
      if (!c.active) continue;
      const account = context.accountOf({ system: c.system, target: c.target, id: c.account })!;
      // A root password is meant to sit unused (root only for the tasks only root can do): its
      // idleness is the good state, not a stale secret. Root keys, MFA and sharing have rules of their own.
      if (c.kind === 'password' && account.kind === 'root') continue;
      const link = context.linkOf(account);
      const ids = contractorsHolding(link, context);
      const reasons = [staleness(c, context), contractorKey(c, ids, link.kind === 'shared', context)].filter(
        (r): r is string => r !== undefined,
      );
      if (reasons.length === 0) continue;
      // A shared account's key one contractor uses is that contractor's to answer for.
      const person = link.kind === 'person' ? link.person : ids.length === 1 ? ids[0] : undefined;
      findings.push({
        ...(person ? { person } : {}),
        system: c.system,
        target: c.target,
        account: c.account,
        ...(c.resource !== undefined ? { resource: c.resource } : {}),
        discriminator: `${c.kind}:${c.id}`,
        evidence: [`${credentialLabel(c)} of ${accountLabel(account)} is active`, ...reasons],
        remediation: { steps: [`Delete ${credentialLabel(c)} or replace it with a short-lived credential.`] },
      });
    }
    return findings;
  },
};
