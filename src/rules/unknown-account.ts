// An account the register cannot tie to anyone: nobody approved it, and nobody will remove it
// when its holder leaves. Another organisation's principals count too.

import type { FindingDraft } from '../core/finding.js';
import { accountLabel, describeGrant, isPrivileged, reachableOnlyThroughOthers } from '../pipeline/evaluate/facts.js';
import type { Rule } from './types.js';

const MAX_GRANT_LINES = 10;

export const unknownAccount: Rule = {
  id: 'unknown-account',
  title: 'Account linked to nobody in the register',
  severity: 'medium',
  why: 'Access held by an account nobody in the register owns is approved by nobody and will be removed by nobody.',
  remediation:
    'Find who uses the account: link it to them in the register (accounts or emails) or declare it in shared_accounts with an owner, or remove it.',
  evaluate(context) {
    const findings: FindingDraft[] = [];
    for (const account of context.accounts) {
      // Public principals are public-access's; root is judged by shared-admin-account.
      if (account.kind === 'public' || account.kind === 'root') continue;
      if (reachableOnlyThroughOthers(context, account)) continue;
      const link = context.linkOf(account);
      if (link.kind !== 'none' && link.kind !== 'conflict') continue;
      const held = context.heldBy(account);
      const invited = account.status === 'invited';
      const privileged = !invited && isPrivileged(held);
      const lines = held.map((h) => describeGrant(h.grant));
      const more = lines.length > MAX_GRANT_LINES ? [`and ${lines.length - MAX_GRANT_LINES} more grants`] : [];
      findings.push({
        ...(privileged ? { severity: 'high' } : {}),
        ...(link.kind === 'conflict' ? { title: 'Account claimed by several people' } : {}),
        system: account.system,
        target: account.target,
        account: account.id,
        evidence: [
          `${accountLabel(account)} (${account.kind}${account.role ? `, ${account.role}` : ''}, ${account.status})`,
          link.kind === 'conflict' ? link.reason : `linked to nobody: ${link.reason}`,
          ...(invited ? ['a pending invitation: no access until it is accepted'] : []),
          ...lines.slice(0, MAX_GRANT_LINES),
          ...more,
        ],
      });
    }
    return findings;
  },
};
