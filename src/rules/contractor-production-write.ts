// A contractor who can change production, approved or not: production changes stay with
// an employee, so even an approved grant is worth a second look.

import type { FindingDraft } from '../core/finding.js';
import { findingsPerHolder } from '../pipeline/evaluate/facts.js';
import type { Rule } from './types.js';

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
    const findings: FindingDraft[] = [];
    for (const { group, base, evidence } of findingsPerHolder(items)) {
      const { holder } = group[0]!;
      const approvals = holder.lanes
        .filter((c) => c.lane === 'production')
        .map((c) => {
          if (c.state === 'approved') return 'the register approves production access';
          // Not an approval of what is held: unapproved-access reports the difference.
          if (c.state === 'above')
            return `the register approves production ${c.approval?.access ?? 'access'} only, below what is held`;
          return `production access is ${c.state}`;
        });
      // Lowering to read fits only access the register approves (or approves at read); access it
      // does not approve at all goes, or gets approved, first.
      const someApproval = holder.lanes.some(
        (c) => c.lane === 'production' && (c.state === 'approved' || c.state === 'above'),
      );
      const fix = someApproval
        ? {}
        : {
            fix: `Remove the contractor's production access to ${base.resource}, or approve it in the register if their task needs it; route their production changes through an employee (review, deploy approval).`,
          };
      findings.push({ ...base, ...fix, evidence: [...evidence, ...new Set(approvals)] });
    }
    return findings;
  },
};
