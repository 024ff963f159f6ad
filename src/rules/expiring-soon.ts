// A reminder: an approval ends within the policy's window, so its access is renewed on purpose
// or allowed to lapse, never left behind by accident.
import { addDays, daysBetween, endOfDay, isoDate, startOfDay } from '../core/dates.js';
import type { FindingDraft } from '../core/finding.js';
import { levelRank } from '../core/model.js';
import type { Person, RegisterGrant } from '../core/register.js';
import type { HeldGrant } from '../pipeline/evaluate/context.js';
import { engagementEndedOn, inWindow, scopes } from '../pipeline/evaluate/coverage.js';
import { dateOf, describeApproval, systemEnd } from '../pipeline/evaluate/facts.js';
import type { Rule } from './types.js';

/** The system's own expiry later than the register's end: it will keep them after we said they go. */
function expiryMismatch(held: HeldGrant, end: string): string[] {
  const at = systemEnd(held);
  if (!at || Date.parse(at) <= endOfDay(end).getTime()) return [];
  return [`mismatch: ${held.grant.system} keeps this access until ${dateOf(at)}, after the approval ends ${end}`];
}

/**
 * Another approval of the same person that takes over without a gap: the same system and lane,
 * every scope of this one (or all), at least its access, from no later than the day after it
 * ends to later than it. Renewed already: nothing to remind anyone of.
 */
function renewal(person: Person, rg: RegisterGrant): RegisterGrant | undefined {
  const dayAfter = isoDate(addDays(startOfDay(rg.end!), 1));
  const wanted = scopes(rg);
  return person.grants.find(
    (next) =>
      next !== rg &&
      next.system.toLowerCase() === rg.system.toLowerCase() &&
      next.lane === rg.lane &&
      levelRank(next.access) >= levelRank(rg.access) &&
      (scopes(next).includes('*') || wanted.every((s) => scopes(next).includes(s))) &&
      next.start <= dayAfter &&
      (next.end === undefined || next.end > rg.end!),
  );
}

export const expiringSoon: Rule = {
  id: 'expiring-soon',
  title: 'Approval ends soon',
  severity: 'info',
  why: 'Access is easiest to remove on the day its approval ends; a reminder lets the owner renew it on purpose or let it lapse.',
  remediation:
    'Before the end date, either extend the approval in the register (with a reason) or plan to remove the access.',
  evaluate(context) {
    const today = startOfDay(isoDate(context.now));
    const read = new Set(
      context.snapshot.systems.filter((s) => !context.failedSystems.has(s.system)).map((s) => s.system.toLowerCase()),
    );
    const findings: FindingDraft[] = [];
    for (const person of context.register.people) {
      if (engagementEndedOn(person, context.now)) continue;
      for (const rg of person.grants) {
        if (rg.end === undefined || !inWindow(rg, context.now)) continue;
        const days = daysBetween(today, startOfDay(rg.end));
        if (days > context.policy.expiringSoonDays || renewal(person, rg)) continue;
        const matched = context
          .heldByPerson(person.id)
          .filter((h) =>
            h.holders.some(
              (holder) => holder.person.id === person.id && holder.lanes.some((c) => c.matches.includes(rg)),
            ),
          );
        // Employment approves an employee's own accounts whatever the register's dates say: only
        // another organisation's principal they use still depends on this approval.
        if (person.kind === 'employee' && !matched.some((h) => h.account.kind === 'external')) continue;
        const heldLines = matched.flatMap((h) => [
          `held: ${h.grant.system} ${h.account.login} has ${h.grant.level} (${h.grant.permission}) on ${h.grant.resource}`,
          ...expiryMismatch(h, rg.end!),
        ]);
        const when = days === 0 ? 'ends today' : `ends in ${days} day${days === 1 ? '' : 's'}`;
        findings.push({
          person: person.id,
          system: rg.system,
          target: 'register',
          account: '',
          // Sorted: the same approval with its scopes reordered is the same finding.
          resource: [...scopes(rg)].sort().join(', '),
          discriminator: `${person.id}:${rg.task}:${rg.lane}`,
          evidence: [
            `${when}, on ${rg.end}`,
            `${person.name} (${person.id}, ${person.kind}): ${describeApproval(rg)}`,
            ...(heldLines.length > 0
              ? [...new Set(heldLines)]
              : [
                  read.has(rg.system.toLowerCase())
                    ? 'approved, not held'
                    : `approved; ${rg.system} was not read in this scan`,
                ]),
          ],
        });
      }
    }
    return findings;
  },
};
