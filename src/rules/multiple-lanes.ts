// A contractor whose live access spans more than one lane: the separation the register is
// meant to keep (code, data, production each with its own people) is gone.

import type { FindingDraft } from '../core/finding.js';
import type { Lane } from '../core/model.js';
import { hasEnded } from '../pipeline/evaluate/coverage.js';
import type { Rule } from './types.js';

export const multipleLanes: Rule = {
  id: 'multiple-lanes',
  title: 'Contractor holds more than one lane',
  severity: 'high',
  why: 'One outside person who can change code, read data and reach production can do alone what the lanes exist to keep apart.',
  remediation:
    'Remove the access in all but one lane, or record an approved lanes_exception for the person in the register.',
  evaluate(context) {
    const sources = new Map<string, Map<Lane, string[]>>();
    for (const h of context.held) {
      for (const holder of h.holders) {
        if (holder.person.kind !== 'contractor') continue;
        const lanes = sources.get(holder.person.id) ?? new Map<Lane, string[]>();
        const through = holder.through === 'account' ? '' : ` (through the ${holder.through} account)`;
        for (const c of holder.lanes) {
          const line = `${c.lane}: ${h.grant.system} ${h.account.login} holds ${h.grant.level} (${h.grant.permission}) on ${h.grant.resource}${through}`;
          lanes.set(c.lane, [...(lanes.get(c.lane) ?? []), line]);
        }
        sources.set(holder.person.id, lanes);
      }
    }
    const findings: FindingDraft[] = [];
    for (const [personId, lanes] of [...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (lanes.size < 2) continue;
      const person = context.people.get(personId)!;
      const exception = person.lanes_exception;
      if (exception && !hasEnded(exception, context.now)) continue;
      const ordered = [...lanes.keys()].sort();
      findings.push({
        person: personId,
        system: 'register',
        target: 'register',
        account: '',
        discriminator: personId,
        evidence: [
          `${person.name} (${personId}, contractor) holds ${ordered.length} lanes: ${ordered.join(', ')}`,
          ...ordered.flatMap((lane) => [...new Set(lanes.get(lane))]),
          ...(exception ? [`the lanes exception approved by ${exception.approved_by} ended ${exception.end}`] : []),
        ],
      });
    }
    return findings;
  },
};
