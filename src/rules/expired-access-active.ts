// Access still live after every approval of it ended, or after the person's engagement did.
import { dayCount, daysBetween, endOfDay } from '../core/dates.js';
import type { FindingDraft } from '../core/finding.js';
import type { EvaluationContext, HeldGrant, Holder, LaneCoverage } from '../pipeline/evaluate/context.js';
import { lowerApprovedLevel } from '../pipeline/evaluate/coverage.js';
import {
  credentialLabel,
  dateOf,
  describeApproval,
  findingsPerHolder,
  missedRemoval,
  revokeCommands,
  systemEnd,
} from '../pipeline/evaluate/facts.js';
import type { Rule } from './types.js';

interface Expired {
  held: HeldGrant;
  holder: Holder;
  lanes: LaneCoverage[];
}

function expiredLanes(holder: Holder): LaneCoverage[] {
  return holder.lanes.filter((c) => c.state === 'expired' || c.engagementEnded !== undefined);
}

function laneLines(holder: Holder, lanes: LaneCoverage[]): string[] {
  const lines: string[] = [];
  for (const c of lanes) {
    for (const rg of c.matches) lines.push(describeApproval(rg));
    if (c.approval && !c.engagementEnded)
      lines.push(`since ${c.endedOn}, only ${c.approval.access} is approved in the ${c.lane} lane`);
    if (c.engagementEnded) lines.push(`${holder.person.id}'s ${engagement(holder)} ended ${c.engagementEnded}`);
    // An employee's access was approved by their employment, not by a register grant.
    if (c.matches.length === 0 && holder.person.kind !== 'employee')
      lines.push(`no approval ever covered the ${c.lane} lane`);
  }
  return [...new Set(lines)];
}

/** What an employee's engagement is called. */
function engagement(holder: Holder): string {
  return holder.person.kind === 'employee' ? 'employment' : 'engagement';
}

/** What ended on `end`: the engagement (the person's own end date), or an approval. */
function whatEnded(holder: Holder, end: string): string {
  return holder.person.end === end ? `their ${engagement(holder)}` : 'the approval';
}

/** The day after which nothing approved the access: the latest end among the expired lanes. */
function lastApprovedDay(lanes: LaneCoverage[]): string | undefined {
  return lanes
    .map((c) => c.endedOn ?? c.engagementEnded)
    .filter((d): d is string => d !== undefined)
    .sort()
    .at(-1);
}

function usedAfter(context: EvaluationContext, items: Expired[], end: string): string[] {
  const first = items[0]!.held;
  const after = endOfDay(end);
  return context
    .credentialsOf(first.account)
    .filter((c) => c.resource === undefined || c.resource === first.grant.resource)
    .filter((c) => c.lastUsedAt !== undefined && Date.parse(c.lastUsedAt) >= after.getTime())
    .map((c) => {
      const days = daysBetween(endOfDay(end), new Date(c.lastUsedAt!)) + 1;
      return `${credentialLabel(c)} last used ${dateOf(c.lastUsedAt!)}, ${dayCount(days)} after the approval ended`;
    });
}

/** A system's own expiry later than the register's end: the system will keep them after we said they go. */
function expiryMismatch(items: Expired[], end: string): string[] {
  return items.flatMap(({ held }) => {
    const at = systemEnd(held);
    if (!at || Date.parse(at) <= endOfDay(end).getTime()) return [];
    const days = daysBetween(endOfDay(end), new Date(at)) + 1;
    return [
      `${held.grant.system} keeps this access until ${dateOf(at)}, ${dayCount(days)} after the approval ended ${end}`,
    ];
  });
}

export const expiredAccessActive: Rule = {
  id: 'expired-access-active',
  title: 'Access still live after its approval ended',
  severity: 'critical',
  why: 'Access that outlives its approval is access nobody is watching; a former contractor can still read or change what they no longer work on.',
  remediation: 'Remove the access now; if the work continues, renew the approval in the register first.',
  evaluate(context) {
    const items: Expired[] = context.held.flatMap((held) =>
      held.holders.flatMap((holder) => {
        const lanes = expiredLanes(holder);
        return lanes.length > 0 ? [{ held, holder, lanes }] : [];
      }),
    );
    const findings: FindingDraft[] = [];
    for (const { group, base, evidence } of findingsPerHolder(items)) {
      const { held, holder } = group[0]!;
      const lanes = group.flatMap((g) => g.lanes);
      const end = lastApprovedDay(lanes);
      const lower = lowered(group);
      findings.push({
        ...base,
        // Still approved at a lower level: lowering, not removing, is the fix.
        ...(lower ? { fix: lower } : {}),
        evidence: [
          ...evidence,
          ...laneLines(holder, lanes),
          ...(end
            ? [
                `still live ${dayCount(daysBetween(endOfDay(end), context.now) + 1)} after ${whatEnded(holder, end)} ended ${end}`,
                ...usedAfter(context, group, end),
                ...expiryMismatch(group, end),
              ]
            : []),
          ...missedRemoval(held.account, context.now),
        ],
        remediation: {
          steps: lower ? [] : [removalStep(held, holder)],
          commands: group.flatMap((g) => revokeCommands(g.held.grant)),
        },
      });
    }
    return findings;
  },
};

/** When a lower approval is still in effect on every lane: lowering to it, not removing, is the fix. */
function lowered(group: readonly Expired[]): string | undefined {
  const level = lowerApprovedLevel(group.flatMap((g) => g.lanes));
  if (!level) return undefined;
  const { held } = group[0]!;
  return `Lower ${held.account.login}'s access on ${held.grant.resource} to ${level}, which is still approved.`;
}

/** What ends this person's access, by the way it reaches them. */
function removalStep(held: HeldGrant, holder: Holder): string {
  const { login } = held.account;
  const who = holder.person.id;
  switch (holder.through) {
    case 'shared':
      return `Rotate the credentials of the shared account ${login} and remove ${who} from its users.`;
    case 'group':
      return held.link.kind === 'company'
        ? `The domain ${held.link.domain} reaches ${who} through their address there: close it in the company's directory, or take ${held.grant.resource} from the domain.`
        : `Remove ${who} from the group ${login}, or the group's access to ${held.grant.resource}.`;
    case 'account':
      return `Remove ${login}'s access to ${held.grant.resource}.`;
  }
}
