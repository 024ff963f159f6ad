// The register cannot answer its four questions (what task, which system, until when, which
// employee owns it): a contractor, or a declared service, bot or shared account, whose owner has
// left; a contractor without an owner; a live approval whose approver has left, an approval
// without an end date or past the engagement, a task too vague to review, or a contractor
// holding access with no approval.

import type { FindingDraft } from '../core/finding.js';
import type { Person, RegisterGrant } from '../core/register.js';
import { scopes } from '../pipeline/evaluate/coverage.js';
import { incompleteEntries, ownerlessAccounts } from '../pipeline/register/completeness.js';
import type { Rule } from './types.js';

function personFinding(person: Person, what: string, evidence: string[]): FindingDraft {
  return {
    person: person.id,
    system: 'register',
    target: 'register',
    account: '',
    discriminator: `${person.id}:${what}`,
    evidence: [`${person.name} (${person.id}, ${person.kind})`, ...evidence],
  };
}

function grantFinding(person: Person, rg: RegisterGrant, what: string, message: string): FindingDraft {
  // Sorted: the same approval with its scopes reordered is the same finding.
  const where = [...scopes(rg)].sort().join(', ');
  return {
    person: person.id,
    system: rg.system,
    target: 'register',
    account: '',
    resource: where,
    discriminator: `${person.id}:${what}:${rg.task}:${rg.lane}`,
    evidence: [
      `${person.name} (${person.id}, ${person.kind})`,
      `approval "${rg.task}" (${rg.system} ${where}, ${rg.lane} lane, ${rg.access})`,
      message,
    ],
  };
}

export const registerIncomplete: Rule = {
  id: 'register-incomplete',
  title: 'Register entry is incomplete',
  severity: 'high',
  why: 'An approval without an owner, an end date or a clear task cannot be reviewed, renewed or ended on time.',
  remediation:
    'Complete the register entry: an employee owner, a task a reviewer understands, and an end date for every contractor grant.',
  evaluate(context) {
    const findings: FindingDraft[] = [];
    // What the accounts of contractors with no approved grant hold, line by line: described only
    // for them, not for every linked grant (200,000 lines at the bench's large scale, for none).
    const unapproved = new Set(
      context.register.people.filter((p) => p.kind === 'contractor' && p.grants.length === 0).map((p) => p.id),
    );
    const linkedAccess = new Map<string, string[]>();
    for (const h of context.held) {
      if (h.link.kind !== 'person' || !unapproved.has(h.link.person)) continue;
      const line = `${h.grant.system} ${h.account.login} holds ${h.grant.level} (${h.grant.permission}) on ${h.grant.resource}`;
      const lines = linkedAccess.get(h.link.person);
      if (lines) lines.push(line);
      else linkedAccess.set(h.link.person, [line]);
    }

    for (const person of context.register.people) {
      if (person.kind !== 'contractor') continue;
      const access = linkedAccess.get(person.id) ?? [];
      if (access.length > 0) {
        findings.push(
          personFinding(person, 'no-grants', [
            'a contractor with no approved grant whose accounts hold access:',
            ...access,
          ]),
        );
      }
    }

    // The same entries `register check` fails on, on the scan's day.
    for (const entry of incompleteEntries(context.register, context.now)) {
      const { person, grant: rg } = entry;
      findings.push(
        rg ? grantFinding(person, rg, entry.what, entry.message) : personFinding(person, entry.what, [entry.message]),
      );
    }
    for (const { account, what, message } of ownerlessAccounts(context.register, context.now)) {
      findings.push({
        system: account.system,
        target: 'register',
        account: account.id,
        discriminator: `shared:${account.system}:${account.id}:${what}`,
        evidence: [`declared ${account.kind} account ${account.id} on ${account.system}: ${account.purpose}`, message],
      });
    }
    return findings;
  },
};
