// The views beside the findings: the people × lanes matrix, the accounts nobody could be
// tied to, and register scopes that match nothing that was read.

import { AccountMap } from '../../core/account-map.js';
import type { HeldAccess, LaneCell, PersonAccess, UnlinkedAccount } from '../../core/evaluation.js';
import type { Lane } from '../../core/model.js';
import type { Person } from '../../core/register.js';
import type { AccountLink, EvaluationContext, Holder, LaneCoverage } from './context.js';
import { engagementEndedOn, inWindow } from './coverage.js';

/** A cell for a lane the person holds; the worst of their grants in that lane wins. */
type HeldCell = Extract<LaneCell, 'held' | 'unapproved' | 'expired'>;
const HELD_RANK: Record<HeldCell, number> = { held: 0, unapproved: 1, expired: 2 };

function heldCell(c: LaneCoverage): HeldCell {
  if (c.state === 'expired' || c.engagementEnded !== undefined) return 'expired';
  if (c.state === 'unapproved' || c.state === 'above') return 'unapproved';
  return 'held';
}

export function peopleAccess(context: EvaluationContext): PersonAccess[] {
  const held = new Map<string, Map<Lane, HeldCell>>();
  const accounts = new Map<string, Set<string>>();
  const addAccount = (person: string, label: string) => {
    const set = accounts.get(person) ?? new Set<string>();
    set.add(label);
    accounts.set(person, set);
  };

  for (const account of context.accounts) {
    const link = context.linkOf(account);
    const label = `${account.system}:${account.login}`;
    if (link.kind === 'person') addAccount(link.person, label);
    if (link.kind === 'shared') for (const u of link.shared.users) addAccount(u, `${label} (shared)`);
    if (link.kind === 'group') for (const m of link.group.members) addAccount(m, `${label} (group)`);
  }
  for (const h of context.held) {
    for (const holder of h.holders) {
      const cells = held.get(holder.person.id) ?? new Map<Lane, HeldCell>();
      for (const c of holder.lanes) {
        const cell = heldCell(c);
        const before = cells.get(c.lane);
        if (before === undefined || HELD_RANK[cell] > HELD_RANK[before]) cells.set(c.lane, cell);
      }
      held.set(holder.person.id, cells);
    }
  }

  const unread = unreadSystemsOf(context);
  return context.register.people.map((person) => {
    const cells = held.get(person.id);
    const ended = engagementEndedOn(person, context.now) !== undefined;
    const cell = (lane: Lane): LaneCell => {
      const h = cells?.get(lane);
      if (h) return h;
      // Nothing held was read; where a system of theirs failed, that is not "not held".
      if (unread(person)) return 'unknown';
      const approved = !ended && person.grants.some((g) => g.lane === lane && inWindow(g, context.now));
      return approved ? 'approved' : 'none';
    };
    const lanes = { code: cell('code'), data: cell('data'), production: cell('production') } satisfies Record<
      Lane,
      LaneCell
    >;
    return {
      person: person.id,
      name: person.name,
      kind: person.kind,
      ...(person.owner !== undefined ? { owner: person.owner } : {}),
      lanes,
      accounts: [...(accounts.get(person.id) ?? [])].sort(),
    };
  });
}

/**
 * Whether a person may hold access in a system that was not (wholly) read: one their register
 * entry names (a grant, an account link, a group or shared account they are in) or where an
 * account linked to them was read on another target. Absence of access there proves nothing.
 */
function unreadSystemsOf(context: EvaluationContext): (person: Person) => boolean {
  const failed = new Set([...context.failedSystems].map((s) => s.toLowerCase()));
  if (failed.size === 0) return () => false;
  const reaching = new Set<string>();
  const inFailed = (system: string) => failed.has(system.toLowerCase());
  for (const s of context.register.shared_accounts) if (inFailed(s.system)) for (const u of s.users) reaching.add(u);
  for (const g of context.register.groups) if (inFailed(g.system)) for (const m of g.members) reaching.add(m);
  for (const account of context.accounts) {
    if (!inFailed(account.system)) continue;
    const link = context.linkOf(account);
    if (link.kind === 'person') reaching.add(link.person);
    if (link.kind === 'shared') for (const u of link.shared.users) reaching.add(u);
    if (link.kind === 'group') for (const m of link.group.members) reaching.add(m);
  }
  return (person) =>
    reaching.has(person.id) ||
    person.grants.some((g) => inFailed(g.system)) ||
    Object.keys(person.accounts).some(inFailed);
}

export function unlinkedAccounts(context: EvaluationContext): UnlinkedAccount[] {
  return context.accounts.flatMap((a) => {
    const link = context.linkOf(a);
    if (link.kind !== 'none' && link.kind !== 'conflict') return [];
    return [{ system: a.system, target: a.target, account: a.id, login: a.login, reason: link.reason }];
  });
}

/** Systems every target of which was read: absence there means something. */
function readSystems(context: EvaluationContext): Set<string> {
  const systems = context.snapshot.systems.filter((s) => !context.failedSystems.has(s.system));
  return new Set(systems.map((s) => s.system.toLowerCase()));
}

export function registerWarnings(context: EvaluationContext): string[] {
  const read = readSystems(context);
  // Scopes that match nothing are the register's to report, with their line (scopeWarnings).
  const warnings: string[] = [];
  const known = new Map<string, Set<string>>();
  for (const a of context.snapshot.accounts) {
    const set = known.get(a.system.toLowerCase()) ?? new Set<string>();
    set.add(a.id.toLowerCase());
    set.add(a.login.toLowerCase());
    known.set(a.system.toLowerCase(), set);
  }
  for (const s of context.register.shared_accounts) {
    const system = s.system.toLowerCase();
    if (read.has(system) && !known.get(system)?.has(s.id.toLowerCase())) {
      warnings.push(`register: shared account ${s.system} ${s.id} is not in the ${s.system} inventory`);
    }
  }
  return warnings;
}

/** Grants naming an account the inventory does not hold are not judged; say so rather than drop them quietly. */
export function orphanWarnings(context: EvaluationContext): string[] {
  const known = AccountMap.of(context.snapshot.accounts, (a) => [a.system, a.target, a.id, true]);
  const orphans = new Map<string, number>();
  for (const g of context.snapshot.grants) {
    if (known.has(g.system, g.target, g.account)) continue;
    const where = `${g.system} ${g.target}`;
    orphans.set(where, (orphans.get(where) ?? 0) + 1);
  }
  return [...orphans].map(
    ([where, n]) =>
      `inventory: ${n} ${n === 1 ? 'grant names an account' : 'grants name accounts'} missing from ${where}; not judged`,
  );
}

/**
 * Every live grant as an auditor reviews it: who holds it and until when the register
 * approves it. With several holders or lanes, the earliest end wins: that is when part
 * of the access stops being approved.
 */
export function heldAccess(context: EvaluationContext): HeldAccess[] {
  // Holders are the same people for every grant of an account (its link decides them): one
  // list per account, shared by its grants' entries, rather than one per grant.
  const peopleOf = new Map<AccountLink, string[]>();
  const declaredOf = new Map<AccountLink, HeldAccess['declared']>();
  return context.held.map(({ grant, link, holders }) => {
    let people = peopleOf.get(link);
    if (!people) {
      people = [...new Set(holders.map((h) => h.person.id))].sort();
      peopleOf.set(link, people);
    }
    let declared = declaredOf.get(link);
    if (!declared && link.kind === 'shared') {
      declared = { kind: link.shared.kind, owner: link.shared.owner };
      declaredOf.set(link, declared);
    }
    const approvedUntil = earliestApprovedEnd(holders);
    return {
      system: grant.system,
      target: grant.target,
      account: grant.account,
      resource: grant.resource,
      permission: grant.permission,
      via: grant.via,
      people,
      ...(declared ? { declared } : {}),
      ...(approvedUntil !== undefined ? { approvedUntil } : {}),
    };
  });
}

/**
 * Until when the register approves every lane of a grant for every holder: the earliest end of
 * the approvals (an employee's own access is approved by their employment, until they leave),
 * "no end date" when none ends, nothing when any lane is not approved (unapproved, above what is
 * approved, expired).
 */
function earliestApprovedEnd(holders: readonly Holder[]): string | undefined {
  let earliest: string | undefined;
  let judged = false;
  for (const h of holders)
    for (const c of h.lanes) {
      if (c.state !== 'approved' && c.state !== 'employee') return undefined;
      judged = true;
      const end = c.state === 'approved' ? c.approval?.end : h.person.end;
      if (end !== undefined && (earliest === undefined || end < earliest)) earliest = end;
    }
  // A grant in no lane (or held by nobody in the register) has nothing the register approves.
  return judged ? (earliest ?? 'no end date') : undefined;
}
