// Live access no register grant approves, or at a higher level than approved, held by a
// contractor or by another organisation's principal. Employees are approved by employment.

import type { FindingDraft } from '../core/finding.js';
import type { HeldGrant, Holder, LaneCoverage } from '../pipeline/evaluate/context.js';
import { describeApproval, findingsPerHolder, revokeCommands } from '../pipeline/evaluate/facts.js';
import type { Rule } from './types.js';

interface Unapproved {
  held: HeldGrant;
  holder: Holder;
  lanes: LaneCoverage[];
}

function concerned(held: HeldGrant, holder: Holder): boolean {
  return holder.person.kind === 'contractor' || held.account.kind === 'external';
}

function laneLine(held: HeldGrant, holder: Holder, c: LaneCoverage): string[] {
  if (c.state === 'above' && c.approval) {
    return [
      `${describeApproval(c.approval)}`,
      `held ${held.grant.level} in the ${c.lane} lane is above the approved ${c.approval.access}`,
    ];
  }
  if (c.engagementStarts)
    return [
      `${holder.person.id}'s engagement starts ${c.engagementStarts}: nothing they hold is approved before then`,
      ...c.matches.map(describeApproval),
    ];
  const pending = c.matches.map((rg) => `${describeApproval(rg)} has not started yet`);
  return [`no approval of ${holder.person.id} covers the ${c.lane} lane of ${held.grant.resource}`, ...pending];
}

export const unapprovedAccess: Rule = {
  id: 'unapproved-access',
  title: 'Access nobody approved',
  severity: 'high',
  why: 'Access the register does not approve has no task, no end date and no owner: nobody will think to remove it.',
  remediation: 'Remove the access, or add the approval (task, scope, lane, level, end date, owner) to the register.',
  evaluate(context) {
    const items: Unapproved[] = context.held.flatMap((held) =>
      held.holders.flatMap((holder) => {
        if (!concerned(held, holder)) return [];
        const lanes = holder.lanes.filter((c) => c.state === 'unapproved' || c.state === 'above');
        return lanes.length > 0 ? [{ held, holder, lanes }] : [];
      }),
    );
    const findings: FindingDraft[] = [];
    for (const { group, base, evidence } of findingsPerHolder(items)) {
      const { held, holder } = group[0]!;
      const onlyAbove = group.every((g) => g.lanes.every((c) => c.state === 'above'));
      findings.push({
        ...(onlyAbove ? { title: 'Access above the approved level' } : {}),
        ...base,
        evidence: [...evidence, ...new Set(group.flatMap((g) => g.lanes.flatMap((c) => laneLine(g.held, holder, c))))],
        remediation: {
          steps: [
            onlyAbove
              ? `Lower ${held.account.login}'s access on ${held.grant.resource} to the approved level.`
              : `Remove ${held.account.login}'s access to ${held.grant.resource}, or approve it in the register.`,
          ],
          commands: group.flatMap((g) => revokeCommands(g.held.grant)),
        },
      });
    }
    return findings;
  },
};
