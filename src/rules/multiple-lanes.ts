// A contractor whose live access spans more than one lane: the separation the register is
// meant to keep (code, data, production each with its own people) is gone.

import type { FindingDraft } from '../core/finding.js';
import type { Lane } from '../core/model.js';
import type { HeldGrant, Holder } from '../pipeline/evaluate/context.js';
import { approverLeftOn, hasEnded } from '../pipeline/evaluate/coverage.js';
import type { Rule } from './types.js';

/** A live grant that puts a contractor in a lane, and how they hold it. */
interface Source {
  held: HeldGrant;
  holder: Holder;
}

function sourceLine(lane: Lane, { held: { grant, account }, holder }: Source): string {
  const through = holder.through === 'account' ? '' : ` (through the ${holder.through} account)`;
  return `${lane}: ${grant.system} ${account.login} holds ${grant.level} (${grant.permission}) on ${grant.resource}${through}`;
}

export const multipleLanes: Rule = {
  id: 'multiple-lanes',
  title: 'Contractor holds more than one lane',
  severity: 'high',
  why: 'One outside person who can change code, read data and reach production can do alone what the lanes exist to keep apart.',
  remediation:
    'Remove the access in all but one lane, or record an approved lanes_exception for the person in the register.',
  evaluate(context) {
    // Each contractor's lanes, with what holds each; the evidence is written only for those
    // holding two or more (most hold one: describing all their grants was work for nothing).
    const sources = new Map<string, Map<Lane, Source[]>>();
    for (const held of context.held) {
      for (const holder of held.holders) {
        if (holder.person.kind !== 'contractor') continue;
        let lanes = sources.get(holder.person.id);
        if (!lanes) {
          lanes = new Map();
          sources.set(holder.person.id, lanes);
        }
        for (const c of holder.lanes) {
          const list = lanes.get(c.lane);
          if (list) list.push({ held, holder });
          else lanes.set(c.lane, [{ held, holder }]);
        }
      }
    }
    const findings: FindingDraft[] = [];
    for (const [personId, lanes] of [...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (lanes.size < 2) continue;
      const person = context.people.get(personId)!;
      const exception = person.lanes_exception;
      // An exception ends on its end date, or when the employee who approved it leaves.
      const approverLeft = exception ? approverLeftOn(context.people, exception, context.now) : undefined;
      if (exception && !hasEnded(exception, context.now) && approverLeft === undefined) continue;
      const ordered = [...lanes.keys()].sort();
      findings.push({
        person: personId,
        system: 'register',
        target: 'register',
        account: '',
        discriminator: personId,
        evidence: [
          `${person.name} (${personId}, contractor) holds ${ordered.length} lanes: ${ordered.join(', ')}`,
          ...ordered.flatMap((lane) => [...new Set(lanes.get(lane)?.map((source) => sourceLine(lane, source)))]),
          ...(exception
            ? [
                approverLeft !== undefined
                  ? `the lanes exception was approved by ${exception.approved_by}, who left on ${approverLeft}`
                  : `the lanes exception approved by ${exception.approved_by} ended ${exception.end}`,
              ]
            : []),
        ],
      });
    }
    return findings;
  },
};
