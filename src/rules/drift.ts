// Access added since the previous complete scan. Removals are shown in the report's
// "What changed" section, not flagged: less access is never a risk. Additions of admin or
// production access are raised to the severity the policy gives them.
import type { DriftChange } from '../core/drift.js';
import type { FindingDraft, Severity } from '../core/finding.js';
import type { Rule } from './types.js';

const ADDITIONS = new Set<DriftChange['kind']>([
  'account-added',
  'grant-added',
  'level-raised',
  'lane-gained',
  'credential-created',
]);

export const drift: Rule = {
  id: 'drift',
  title: 'Access added since the last scan',
  severity: 'low',
  why: 'Access that appeared since last week is where mistakes are freshest: check that each addition was meant and approved.',
  remediation: 'Confirm the change with its owner and record the approval in the register, or remove the access.',
  evaluate(context) {
    if (!context.drift) return [];
    const { severity, adminSeverity, productionSeverity } = context.policy.drift;
    const findings: FindingDraft[] = [];
    for (const change of context.drift.changes) {
      if (!ADDITIONS.has(change.kind)) continue;
      const raised: Severity[] = [severity];
      if (change.level === 'admin') raised.push(adminSeverity);
      if (change.lanes?.includes('production')) raised.push(productionSeverity);
      // The person the account is theirs: the change joins what the report says of them.
      const link = context.linkOf({ system: change.system, target: change.target, id: change.account });
      findings.push({
        ...(link.kind === 'person' ? { person: link.person } : {}),
        severity: worst(raised),
        system: change.system,
        target: change.target,
        account: change.account,
        ...(change.resource ? { resource: change.resource } : {}),
        discriminator: `${change.kind}:${change.detail}`,
        evidence: [
          `${change.kind.replace('-', ' ')} since ${context.drift.since.slice(0, 10)}: ${change.login}${change.resource ? ` on ${change.resource}` : ''}: ${change.detail}`,
        ],
      });
    }
    return findings;
  },
};

const ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function worst(severities: Severity[]): Severity {
  return severities.reduce((a, b) => (ORDER.indexOf(b) < ORDER.indexOf(a) ? b : a));
}
