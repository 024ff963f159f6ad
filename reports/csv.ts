// access.csv: the access-review sheet an auditor filters in a spreadsheet, one row per live
// grant. Cells are RFC 4180 and can never start a formula (see csvCell).
import type { HeldAccess, PersonAccess } from '../src/core/evaluation.js';
import { type Account, accountKey, type Grant, grantAccountKey, grantIsLive, LANES } from '../src/core/model.js';
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
  const accounts = new Map(input.snapshot.accounts.map((a) => [accountKey(a), a]));
  const holdersOf = holderLookup(input, accounts);
  const rulesOn = findingLookup(input);
  const approvals = new Map((input.evaluation.access ?? []).map((a) => [heldKey(a), a]));
  const people = new Map(input.evaluation.people.map((p) => [p.person, p]));
  const unlinked = new Set(
    input.evaluation.unlinked.map((u) => accountKey({ system: u.system, target: u.target, id: u.account })),
  );
  const label = (id: string) => {
    const p = people.get(id);
    return p && p.name !== id ? `${p.name} (${id})` : id;
  };

  yield csvRow(ACCESS_COLUMNS);
  for (const g of sorted(input.snapshot.grants, compareGrants)) {
    // The account's key, once per grant: every lookup below is by account.
    const key = grantAccountKey(g);
    const account = accounts.get(key);
    // Access now: the account is not deleted and the grant has not expired on its own.
    if (account?.status === 'deleted' || !grantIsLive(g, input.now)) continue;
    const approval = approvals.get(heldKey(g));
    const holders = approval ? unique(approval.people) : holdersOf(g, key);
    const kinds = holders.map((id) => people.get(id)?.kind ?? 'person');
    const owners = holders.flatMap((id) => people.get(id)?.owner ?? []);
    yield csvRow([
      holders.map(label).join('; '),
      holders.length > 0 ? unique(kinds).join('; ') : unlinkedKind(unlinked, key, account),
      unique(owners).map(label).join('; '),
      g.system,
      g.target,
      g.account,
      g.resource,
      LANES.filter((lane) => g.lanes.includes(lane)).join('; '),
      g.level,
      approval?.approvedUntil,
      rulesOn(g, key).join('; '),
      g.permission,
      g.viaName ? `${g.via}: ${g.viaName}` : g.via,
    ]);
  }
}

function heldKey(g: Pick<HeldAccess, 'system' | 'target' | 'account' | 'resource' | 'permission' | 'via'>): string {
  return JSON.stringify([g.system, g.target, g.account, g.resource, g.permission, g.via]);
}

/**
 * Who holds an account's grants when the evaluation does not say per grant: the people its
 * findings name, else the people whose matrix row lists the account ("system:login").
 */
function holderLookup(input: ReportInput, accounts: ReadonlyMap<string, Account>): (g: Grant, key: string) => string[] {
  const byFindings = new Map<string, Set<string>>();
  for (const f of input.evaluation.findings) {
    if (!f.person || !f.account) continue;
    const key = accountKey({ system: f.system, target: f.target, id: f.account });
    byFindings.set(key, (byFindings.get(key) ?? new Set()).add(f.person));
  }
  // "system:login" (lower-cased) → the people whose matrix row lists it: one lookup per grant.
  const byMatrix = new Map<string, Set<string>>();
  for (const p of input.evaluation.people as readonly PersonAccess[])
    for (const a of p.accounts) {
      const key = a.toLowerCase();
      byMatrix.set(key, (byMatrix.get(key) ?? new Set()).add(p.person));
    }
  return (g, key) => {
    const named = byFindings.get(key);
    if (named) return [...named].sort();
    const account = accounts.get(key);
    const holders = new Set<string>();
    for (const n of [g.account, account?.login])
      if (n !== undefined) for (const id of byMatrix.get(`${g.system}:${n}`.toLowerCase()) ?? []) holders.add(id);
    return [...holders].sort();
  };
}

/** The kind column for a grant nobody holds: why, in one word. */
function unlinkedKind(unlinked: ReadonlySet<string>, key: string, account: Account | undefined): string {
  if (unlinked.has(key)) return 'unlinked';
  // Linked, but not to a person: a declared shared account, a group.
  return account?.kind ?? 'unknown';
}

/** Rule ids of the findings on a grant's account and resource (account-wide findings count for every resource). */
function findingLookup(input: ReportInput): (g: Grant, key: string) => string[] {
  const byAccount = new Map<string, { rule: string; resource?: string }[]>();
  for (const f of input.evaluation.findings) {
    const key = accountKey({ system: f.system, target: f.target, id: f.account });
    const list = byAccount.get(key) ?? [];
    list.push({ rule: f.rule, resource: f.resource });
    byAccount.set(key, list);
  }
  return (g, key) =>
    unique(
      (byAccount.get(key) ?? [])
        .filter((f) => f.resource === undefined || f.resource === g.resource)
        .map((f) => f.rule),
    );
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
