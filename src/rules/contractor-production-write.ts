// A contractor who can change production, approved or not: production changes stay with
// an employee, so even an approved grant is worth a second look.
import type { HeldGrant, Holder } from '../evaluate/context.js';
import { accountLabel, grantEvidence, groupBy } from '../evaluate/facts.js';
import { describeLink } from '../evaluate/link.js';
import type { FindingDraft, Rule } from './types.js';

export const contractorProductionWrite: Rule = {
  id: 'contractor-production-write',
  title: 'Contractor can change production',
  severity: 'high',
  why: 'Production changes stay with an employee: an outside person who can deploy or change production can break or exfiltrate it alone.',
  remediation:
    'Lower the contractor to read in production and route their changes through an employee (review, deploy approval).',
  evaluate(context) {
    const items = context.held.flatMap((held) =>
      held.grant.lanes.includes('production') && held.grant.level !== 'read'
        ? held.holders.filter((h) => h.person.kind === 'contractor').map((holder) => ({ held, holder }))
        : [],
    );
    const groups = groupBy(items, ({ held, holder }: { held: HeldGrant; holder: Holder }) =>
      JSON.stringify([held.grant.system, held.grant.target, held.grant.account, held.grant.resource, holder.person.id]),
    );
    const findings: FindingDraft[] = [];
    for (const group of groups.values()) {
      const { held, holder } = group[0]!;
      const approvals = holder.lanes
        .filter((c) => c.lane === 'production')
        .map((c) =>
          c.state === 'approved' || c.state === 'above'
            ? 'the register approves production access'
            : `production access is ${c.state}`,
        );
      findings.push({
        person: holder.person.id,
        system: held.grant.system,
        target: held.grant.target,
        account: held.grant.account,
        resource: held.grant.resource,
        ...(holder.through !== 'account' ? { discriminator: holder.person.id } : {}),
        evidence: [
          `${accountLabel(held.account)}: ${describeLink(held.link)}`,
          ...new Set(group.flatMap((g) => grantEvidence(g.held.grant))),
          ...new Set(approvals),
        ],
      });
    }
    return findings;
  },
};
