// A person's account without a second factor where it matters: admin, production, or any
// contractor. Where the system does not tell us (mfa undefined) we say nothing rather than guess.
// Only identities a person signs in with count: a keys-only IAM user has nothing MFA protects
// (its keys are stale-credential's business), and one with neither password nor key nothing at all.

import type { FindingDraft } from '../core/finding.js';
import { accountLabel, isAdminAccount } from '../pipeline/evaluate/facts.js';
import type { Rule } from './types.js';

export const mfaMissing: Rule = {
  id: 'mfa-missing',
  title: 'No MFA on an account that needs it',
  severity: 'high',
  why: 'Without a second factor one phished or reused password is enough to use everything the account holds.',
  remediation:
    'Turn on MFA for the account, or require it for the whole organisation so accounts without it lose access.',
  evaluate(context) {
    const findings: FindingDraft[] = [];
    for (const account of context.accounts) {
      if (account.mfa !== false || account.status !== 'active') continue;
      if (account.kind !== 'human' && account.kind !== 'root') continue;
      if (account.interactive === false) continue;
      const link = context.linkOf(account);
      const person = link.kind === 'person' ? context.people.get(link.person) : undefined;
      const held = context.heldBy(account);
      const reasons: string[] = [];
      if (isAdminAccount(context, account)) reasons.push('it is an admin account');
      const production = held.filter((h) => h.grant.lanes.includes('production')).map((h) => h.grant.resource);
      if (production.length > 0) reasons.push(`it reaches production: ${[...new Set(production)].join(', ')}`);
      const password = context.credentialsOf(account).find((c) => c.kind === 'password' && c.active);
      if (password) reasons.push('it can sign in to the console with a password');
      if (person?.kind === 'contractor') reasons.push(`it belongs to ${person.id}, a contractor`);
      if (reasons.length === 0) continue;
      findings.push({
        ...(person ? { person: person.id } : {}),
        system: account.system,
        target: account.target,
        account: account.id,
        evidence: [`${accountLabel(account)} has no MFA`, ...reasons],
      });
    }
    return findings;
  },
};
