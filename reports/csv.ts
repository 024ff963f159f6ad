// access.csv: the access-review sheet an auditor filters in a spreadsheet, one row per live
// grant (grants whose cells are all the same are one row). Cells are RFC 4180 and can never start a formula (see csvCell).

import { AccountMap } from '../src/core/account-map.js';
import type { HeldAccess, PersonAccess } from '../src/core/evaluation.js';
import { type Account, type Grant, grantIsLive, LANES } from '../src/core/model.js';
import { compareGrants, sorted } from '../src/core/order.js';
import { csvRow } from '../src/core/text.js';
import type { ReportInput } from './input.js';

export const ACCESS_COLUMNS = [
  'person',
  'kind',
  'owner',
  'system',
  'target',
  'account',
  'resource',
  'lane',
  'level',
  'approved until',
  'finding',
  'permission',
  'via',
] as const;

/** access.csv row by row (see reports/index.ts: a piece is whole records, never part of a value). */
export function* accessCsvChunks(input: ReportInput): Generator<string> {
  const accounts = AccountMap.of(input.snapshot.accounts, (a) => [a.system, a.target, a.id, a]);
  const holdersOf = holderLookup(input);
  const rulesOn = findingLookup(input);
  const approvalOf = approvalLookup(input.evaluation.access ?? []);
  const people = new Map(input.evaluation.people.map((p) => [p.person, p]));
  const unlinked = AccountMap.of(input.evaluation.unlinked, (u) => [u.system, u.target, u.account, true]);
  const label = (id: string) => {
    const p = people.get(id);
    return p && p.name !== id ? `${p.name} (${id})` : id;
  };
  /** The person, kind and owner cells of the people holding a grant. */
  const whoCells = (holders: readonly string[]): WhoCells => ({
    holders: holders.length,
    person: holders.map(label).join('; '),
    kind: unique(holders.map((id) => people.get(id)?.kind ?? 'person')).join('; '),
    owner: unique(holders.flatMap((id) => people.get(id)?.owner ?? []))
      .map(label)
      .join('; '),
  });
  // The evaluation gives all of an account's grants one list of holders: their cells are worked
  // out once per list, not once per grant (200,000 rows at the bench's large scale).
  const whoOfList = new Map<readonly string[], WhoCells>();
  const whoOf = (approved: readonly string[]): WhoCells => {
    let cells = whoOfList.get(approved);
    if (!cells) {
      cells = whoCells(unique(approved));
      whoOfList.set(approved, cells);
    }
    return cells;
  };

  yield csvRow(ACCESS_COLUMNS);
  // Two paths to the same access (a role reached through four policies) differ in their evidence,
  // which the sheet has no column for: one row says it. Rows are sorted by system, target, account
  // and resource first, so the same row can only repeat within one such group.
  let group: Grant | undefined;
  const rowsOfGroup = new Set<string>();
  for (const g of sorted(input.snapshot.grants, compareGrants)) {
    const account = accounts.get(g.system, g.target, g.account);
    // Access now: the account is not deleted and the grant has not expired on its own.
    if (account?.status === 'deleted' || !grantIsLive(g, input.now)) continue;
    const approval = approvalOf(g);
    const who = approval ? whoOf(approval.people) : whoCells(holdersOf(g, account));
    // A declared service, bot or shared account is what the register says, owned by whom it says.
    const declared = approval?.declared;
    const row = csvRow([
      who.person,
      who.holders > 0
        ? who.kind
        : (declared?.kind ?? unlinkedKind(unlinked.has(g.system, g.target, g.account), account)),
      who.owner || (declared ? label(declared.owner) : ''),
      g.system,
      g.target,
      g.account,
      g.resource,
      LANES.filter((lane) => g.lanes.includes(lane)).join('; '),
      g.level,
      approval?.approvedUntil,
      rulesOn(g),
      g.permission,
      g.viaName ? `${g.via}: ${g.viaName}` : g.via,
    ]);
    if (
      group === undefined ||
      g.resource !== group.resource ||
      g.account !== group.account ||
      g.target !== group.target ||
      g.system !== group.system
    ) {
      group = g;
      rowsOfGroup.clear();
    }
    if (rowsOfGroup.has(row)) continue;
    rowsOfGroup.add(row);
    yield row;
  }
}

interface WhoCells {
  holders: number;
  person: string;
  kind: string;
  owner: string;
}

type Held = Pick<HeldAccess, 'system' | 'target' | 'account' | 'resource' | 'permission' | 'via'>;

/**
 * The evaluation's entry for a grant: the same account, resource, permission and via (the last
 * one, should two share them). Found by account, then resource, among the few left.
 */
function approvalLookup(access: readonly HeldAccess[]): (g: Held) => HeldAccess | undefined {
  const byAccount = new AccountMap<Map<string, HeldAccess[]>>();
  for (const a of access) {
    const byResource = byAccount.upsert(a.system, a.target, a.account, () => new Map());
    const list = byResource.get(a.resource);
    if (list) list.push(a);
    else byResource.set(a.resource, [a]);
  }
  return (g) =>
    byAccount
      .get(g.system, g.target, g.account)
      ?.get(g.resource)
      ?.findLast((a) => a.permission === g.permission && a.via === g.via);
}

/**
 * Who holds an account's grants when the evaluation does not say per grant: the people its
 * findings name, else the people whose matrix row lists the account ("system:login").
 */
function holderLookup(input: ReportInput): (g: Grant, account: Account | undefined) => string[] {
  const byFindings = new AccountMap<Set<string>>();
  for (const f of input.evaluation.findings) {
    if (!f.person || !f.account) continue;
    byFindings.upsert(f.system, f.target, f.account, () => new Set()).add(f.person);
  }
  // "system:login" (lower-cased) → the people whose matrix row lists it: one lookup per grant.
  const byMatrix = new Map<string, Set<string>>();
  for (const p of input.evaluation.people as readonly PersonAccess[])
    for (const a of p.accounts) {
      const key = a.toLowerCase();
      byMatrix.set(key, (byMatrix.get(key) ?? new Set()).add(p.person));
    }
  return (g, account) => {
    const named = byFindings.get(g.system, g.target, g.account);
    if (named) return [...named].sort();
    const holders = new Set<string>();
    for (const n of [g.account, account?.login])
      if (n !== undefined) for (const id of byMatrix.get(`${g.system}:${n}`.toLowerCase()) ?? []) holders.add(id);
    return [...holders].sort();
  };
}

/** The kind column for a grant nobody holds: why, in one word. */
function unlinkedKind(unlinked: boolean, account: Account | undefined): string {
  if (unlinked) return 'unlinked';
  // Linked, but not to a person: a declared shared account, a group.
  return account?.kind ?? 'unknown';
}

/** Rule ids of the findings on a grant's account and resource (account-wide findings count for every resource), as one cell. */
function findingLookup(input: ReportInput): (g: Grant) => string {
  const byAccount = new AccountMap<{ rule: string; resource?: string }[]>();
  for (const f of input.evaluation.findings)
    byAccount.upsert(f.system, f.target, f.account, () => []).push({ rule: f.rule, resource: f.resource });
  return (g) => {
    const onAccount = byAccount.get(g.system, g.target, g.account);
    if (!onAccount) return '';
    return unique(
      onAccount.filter((f) => f.resource === undefined || f.resource === g.resource).map((f) => f.rule),
    ).join('; ');
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
