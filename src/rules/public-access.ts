// Access granted to everyone: allUsers, allAuthenticatedUsers, another organisation's whole
// domain, a role any web identity may assume. The company's own domains are insiders.

import type { FindingDraft } from '../core/finding.js';
import { describeGrant, groupBy } from '../pipeline/evaluate/facts.js';
import type { Rule } from './types.js';

export const publicAccess: Rule = {
  id: 'public-access',
  title: 'Access open to the public',
  severity: 'high',
  why: 'A grant to a public principal is a grant to anyone on the internet (or anyone with any account), with no name to revoke.',
  remediation: 'Remove the public binding; grant the access to the named people or service accounts that need it.',
  evaluate(context) {
    // The company's own domain is the company, not the public: its link says so.
    const publicHeld = context.held.filter((h) => h.account.kind === 'public' && h.link.kind !== 'company');
    const groups = groupBy(publicHeld, (h) =>
      JSON.stringify([h.grant.system, h.grant.target, h.grant.account, h.grant.resource]),
    );
    const findings: FindingDraft[] = [];
    for (const group of groups.values()) {
      const first = group[0]!;
      const data = group.some((h) => h.grant.lanes.includes('data'));
      findings.push({
        severity: data ? 'critical' : 'high',
        system: first.grant.system,
        target: first.grant.target,
        account: first.grant.account,
        resource: first.grant.resource,
        evidence: [
          `${first.account.login} is a public principal: anyone it stands for holds this access`,
          ...new Set(group.flatMap((h) => [describeGrant(h.grant), ...(h.grant.evidence ?? [])])),
          ...(data ? ['the access reaches the data lane'] : []),
        ],
      });
    }
    return findings;
  },
};
