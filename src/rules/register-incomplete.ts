// The register cannot answer its four questions (what task, which system, until when, which
// employee owns it): a contractor without an owner, an approval without an end date, a task
// too vague to review, or a contractor holding access with no approval at all.

import type { FindingDraft } from '../core/finding.js';
import type { Person } from '../core/register.js';
import { scopes } from '../pipeline/evaluate/coverage.js';
import type { Rule } from './types.js';

const MIN_TASK_WORDS = 3;

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

export const registerIncomplete: Rule = {
  id: 'register-incomplete',
  title: 'Register entry is incomplete',
  severity: 'high',
  why: 'An approval without an owner, an end date or a clear task cannot be reviewed, renewed or ended on time.',
  remediation:
    'Complete the register entry: an employee owner, a task a reviewer understands, and an end date for every contractor grant.',
  evaluate(context) {
    const findings: FindingDraft[] = [];
    const linkedAccess = new Map<string, string[]>();
    for (const h of context.held) {
      if (h.link.kind !== 'person') continue;
      const lines = linkedAccess.get(h.link.person) ?? [];
      lines.push(
        `${h.grant.system} ${h.account.login} holds ${h.grant.level} (${h.grant.permission}) on ${h.grant.resource}`,
      );
      linkedAccess.set(h.link.person, lines);
    }

    for (const person of context.register.people) {
      if (person.kind === 'contractor') {
        if (person.owner === undefined) {
          findings.push(
            personFinding(person, 'no-owner', ['a contractor without an owner: no employee answers for their access']),
          );
        } else {
          const owner = context.people.get(person.owner);
          if (owner?.kind !== 'employee') {
            const why = owner ? `${owner.id} is a ${owner.kind}` : `${person.owner} is not in the register`;
            findings.push(personFinding(person, 'owner', [`owner ${person.owner} cannot own approvals: ${why}`]));
          }
        }
        const access = linkedAccess.get(person.id) ?? [];
        if (person.grants.length === 0 && access.length > 0) {
          findings.push(
            personFinding(person, 'no-grants', [
              'a contractor with no approved grant whose accounts hold access:',
              ...access,
            ]),
          );
        }
      }
      for (const rg of person.grants) {
        const where = scopes(rg).join(', ');
        const about = `approval "${rg.task}" (${rg.system} ${where}, ${rg.lane} lane, ${rg.access})`;
        const grantFinding = (what: string, line: string): FindingDraft => ({
          person: person.id,
          system: rg.system,
          target: 'register',
          account: '',
          resource: where,
          discriminator: `${person.id}:${what}:${rg.task}:${rg.lane}`,
          evidence: [`${person.name} (${person.id}, ${person.kind})`, about, line],
        });
        if (person.kind === 'contractor' && rg.end === undefined) {
          findings.push(grantFinding('no-end', `no end date: the approval never lapses (started ${rg.start})`));
        }
        const words = rg.task.trim().split(/\s+/).filter(Boolean).length;
        if (words < MIN_TASK_WORDS) {
          findings.push(grantFinding('vague-task', `the task "${rg.task}" is ${words} word(s): too vague to review`));
        }
      }
    }
    return findings;
  },
};
