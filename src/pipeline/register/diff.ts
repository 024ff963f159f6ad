// What a change to the register does to access, per person, in the words a reviewer needs:
// grants added, removed, extended or raised, lanes gained, production write gained, owners
// changed, and approvals by the person who benefits. Reviewers approve access changes here
// instead of reading YAML; `lanekeeper register diff` prints it and the access-gate workflow
// posts it on the pull request.
import type { Level } from '../../core/model.js';
import { byText } from '../../core/order.js';
import type { Person, Register, RegisterGrant } from '../../core/register.js';

export type ChangeKind =
  | 'person-added'
  | 'person-removed'
  | 'kind-changed'
  | 'owner-changed'
  | 'engagement-changed'
  | 'lanes-exception'
  | 'grant-added'
  | 'grant-removed'
  | 'grant-extended'
  | 'grant-shortened'
  | 'grant-raised'
  | 'grant-lowered'
  | 'grant-changed'
  | 'lane-gained'
  | 'production-write-gained'
  | 'self-approval'
  | 'shared-account'
  | 'accepted-risk';

export interface Change {
  kind: ChangeKind;
  /** One line: what changed, with the values. */
  text: string;
  /** A reviewer must look: more reach, an approval that approves itself, a new owner. */
  attention: boolean;
}

export interface EntryChanges {
  /** A person's id, or the shared account / accepted risk the changes are about. */
  id: string;
  /** "Kai Brennan (contractor, owner dana)". */
  title: string;
  changes: Change[];
}

export interface RegisterDiff {
  people: EntryChanges[];
  /** Shared accounts and accepted risks: access that is not one person's. */
  other: EntryChanges[];
  /** Entries with at least one change needing attention. */
  attention: number;
}

const LEVEL_RANK: Record<Level, number> = { read: 1, write: 2, admin: 3 };
const OPEN_END = '9999-12-31';

/** The changes from `base` to `head`; grants are judged live when they end on or after `today`. */
export function diffRegisters(base: Register, head: Register, today: string): RegisterDiff {
  const before = new Map(base.people.map((p) => [p.id, p]));
  const after = new Map(head.people.map((p) => [p.id, p]));
  const people: EntryChanges[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const changes = personChanges(before.get(id), after.get(id), today);
    if (changes.length > 0) people.push({ id, title: titleOf((after.get(id) ?? before.get(id))!), changes });
  }
  const other = [...sharedAccountChanges(base, head), ...acceptedRiskChanges(base, head)];
  const attention = [...people, ...other].filter((e) => e.changes.some((c) => c.attention)).length;
  // What needs a reviewer first, then by id.
  people.sort((a, b) => Number(needsAttention(b)) - Number(needsAttention(a)) || byText(a.id, b.id));
  return { people, other, attention };
}

function needsAttention(entry: EntryChanges): boolean {
  return entry.changes.some((c) => c.attention);
}

function titleOf(person: Person): string {
  const owner = person.owner ? `, owner ${person.owner}` : '';
  return `${person.name} (${person.kind}${owner})`;
}

export function describeGrant(g: RegisterGrant): string {
  const scope = [g.scope].flat().join(', ');
  const ticket = g.ticket ? ` [${g.ticket}]` : '';
  const approver = g.approved_by ? `, approved by ${g.approved_by}` : '';
  return `${g.access} on ${scope} (${g.system}, ${g.lane} lane), ${g.start} to ${g.end ?? 'no end'}: "${g.task}"${ticket}${approver}`;
}

function personChanges(base: Person | undefined, head: Person | undefined, today: string): Change[] {
  const out: Change[] = [];
  const push = (kind: ChangeKind, text: string, attention = false) => out.push({ kind, text, attention });
  if (!head) {
    push(
      'person-removed',
      `removed from the register with ${countGrants(base!.grants.length)}: their accounts are no longer anyone's`,
    );
    return out;
  }
  if (!base) {
    const engagement = head.start || head.end ? `, engagement ${head.start ?? '?'} to ${head.end ?? 'no end'}` : '';
    push('person-added', `new ${head.kind}${engagement}`, head.kind === 'employee');
  } else {
    if (base.kind !== head.kind)
      // An employee's access is approved by employment: this change approves everything they hold.
      push('kind-changed', `${base.kind} → ${head.kind}`, head.kind === 'employee');
    if (base.owner !== head.owner)
      push('owner-changed', `owner ${base.owner ?? 'none'} → ${head.owner ?? 'none'}`, true);
    if (base.start !== head.start || base.end !== head.end) {
      const later = (head.end ?? OPEN_END) > (base.end ?? OPEN_END);
      push(
        'engagement-changed',
        `engagement ${base.start ?? '?'} to ${base.end ?? 'no end'} → ${head.start ?? '?'} to ${head.end ?? 'no end'}`,
        later,
      );
    }
  }
  const exceptionBefore = JSON.stringify(base?.lanes_exception ?? null);
  const exceptionAfter = JSON.stringify(head.lanes_exception ?? null);
  if (exceptionBefore !== exceptionAfter && head.lanes_exception) {
    const e = head.lanes_exception;
    push(
      'lanes-exception',
      `lanes exception: "${e.reason}", approved by ${e.approved_by}, until ${e.end ?? 'no end'}`,
      true,
    );
  }

  const { added, removed, changed } = matchGrants(base?.grants ?? [], head.grants);
  for (const g of added) push('grant-added', describeGrant(g), false);
  for (const g of removed) push('grant-removed', describeGrant(g));
  for (const [b, h] of changed) out.push(...grantChanges(b, h));
  for (const g of [...added, ...changed.map(([, h]) => h)]) {
    const approver = g.approved_by ?? head.owner;
    if (approver === head.id) push('self-approval', `${head.id} approves their own access: ${describeGrant(g)}`, true);
  }

  // Reach, judged on what is live or still to come.
  const live = (grants: readonly RegisterGrant[]) => grants.filter((g) => (g.end ?? OPEN_END) >= today);
  const lanesBefore = new Set(live(base?.grants ?? []).map((g) => g.lane));
  const headLive = live(head.grants);
  const lanesAfter = [...new Set(headLive.map((g) => g.lane))].sort();
  const gained = lanesAfter.filter((l) => !lanesBefore.has(l));
  if (gained.length > 0 && (lanesBefore.size > 0 || lanesAfter.length > 1)) {
    const exception = head.lanes_exception ? 'with a lanes exception' : 'no lanes exception';
    push(
      'lane-gained',
      `${gained.join(', ')}; now holds ${lanesAfter.join(', ')} (${head.kind}, ${exception})`,
      head.kind === 'contractor',
    );
  }
  const writes = (grants: readonly RegisterGrant[]) =>
    new Set(
      grants
        .filter((g) => g.lane === 'production' && LEVEL_RANK[g.access] >= LEVEL_RANK.write)
        .flatMap((g) => [g.scope].flat().map((s) => `${g.system} ${s}`)),
    );
  const writeBefore = writes(live(base?.grants ?? []));
  const newWrites = [...writes(headLive)].filter((w) => !writeBefore.has(w)).sort();
  if (newWrites.length > 0) push('production-write-gained', newWrites.join('; '), true);
  return out;
}

function countGrants(n: number): string {
  return `${n} grant${n === 1 ? '' : 's'}`;
}

const scopeKey = (g: RegisterGrant) => JSON.stringify([g.system, [g.scope].flat().sort(), g.lane]);

/** Equal grants cancel out; the rest pair up by system, scope and lane; what is left was added or removed. */
function matchGrants(base: readonly RegisterGrant[], head: readonly RegisterGrant[]) {
  const left = [...base];
  const added: RegisterGrant[] = [];
  const unmatched: RegisterGrant[] = [];
  for (const h of head) {
    const same = left.findIndex((b) => JSON.stringify(b) === JSON.stringify(h));
    if (same >= 0) left.splice(same, 1);
    else unmatched.push(h);
  }
  const changed: [RegisterGrant, RegisterGrant][] = [];
  for (const h of unmatched) {
    const pair = left.findIndex((b) => scopeKey(b) === scopeKey(h));
    if (pair >= 0) changed.push([left.splice(pair, 1)[0]!, h]);
    else added.push(h);
  }
  return { added, removed: left, changed };
}

function grantChanges(b: RegisterGrant, h: RegisterGrant): Change[] {
  const what = `${h.access} on ${[h.scope].flat().join(', ')} (${h.system}, ${h.lane} lane)`;
  const out: Change[] = [];
  if (b.access !== h.access) {
    const raised = LEVEL_RANK[h.access] > LEVEL_RANK[b.access];
    out.push({
      kind: raised ? 'grant-raised' : 'grant-lowered',
      text: `${what}: ${b.access} → ${h.access}`,
      attention: raised,
    });
  }
  const endBefore = b.end ?? OPEN_END;
  const endAfter = h.end ?? OPEN_END;
  if (endAfter > endBefore || h.start < b.start) {
    out.push({
      kind: 'grant-extended',
      text: `${what}: ${b.start} to ${b.end ?? 'no end'} → ${h.start} to ${h.end ?? 'no end'}`,
      attention: false,
    });
  } else if (endAfter < endBefore || h.start > b.start) {
    out.push({
      kind: 'grant-shortened',
      text: `${what}: ${b.start} to ${b.end ?? 'no end'} → ${h.start} to ${h.end ?? 'no end'}`,
      attention: false,
    });
  }
  const words: string[] = [];
  if (b.task !== h.task) words.push(`task "${b.task}" → "${h.task}"`);
  if (b.ticket !== h.ticket) words.push(`ticket ${b.ticket ?? 'none'} → ${h.ticket ?? 'none'}`);
  if (b.approved_by !== h.approved_by)
    words.push(`approved by ${b.approved_by ?? 'the owner'} → ${h.approved_by ?? 'the owner'}`);
  if (words.length > 0)
    out.push({
      kind: 'grant-changed',
      text: `${what}: ${words.join('; ')}`,
      attention: b.approved_by !== h.approved_by,
    });
  return out;
}

function sharedAccountChanges(base: Register, head: Register): EntryChanges[] {
  const key = (s: Register['shared_accounts'][number]) => `${s.system} ${s.id.toLowerCase()}`;
  const before = new Map(base.shared_accounts.map((s) => [key(s), s]));
  const after = new Map(head.shared_accounts.map((s) => [key(s), s]));
  const out: EntryChanges[] = [];
  for (const k of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(k);
    const h = after.get(k);
    const changes: Change[] = [];
    const push = (text: string, attention: boolean) => changes.push({ kind: 'shared-account', text, attention });
    if (!h) push('no longer declared: its access becomes findings again', false);
    else if (!b) push(`declared ${h.kind} account, owner ${h.owner}, users: ${h.users.join(', ') || 'none'}`, true);
    else {
      if (b.owner !== h.owner) push(`owner ${b.owner} → ${h.owner}`, true);
      const gained = h.users.filter((u) => !b.users.includes(u));
      const lost = b.users.filter((u) => !h.users.includes(u));
      if (gained.length > 0) push(`users added: ${gained.join(', ')} (each holds its access)`, true);
      if (lost.length > 0) push(`users removed: ${lost.join(', ')}`, false);
    }
    const s = (h ?? b)!;
    if (changes.length > 0)
      out.push({ id: `${s.system} ${s.id}`, title: `shared account ${s.id} (${s.system})`, changes });
  }
  return out;
}

function acceptedRiskChanges(base: Register, head: Register): EntryChanges[] {
  const key = (r: Register['accepted_risks'][number]) =>
    r.fingerprint ?? `${r.rule ?? '*'} ${r.system ?? '*'} ${r.account ?? '*'}`;
  const before = new Map(base.accepted_risks.map((r) => [key(r), r]));
  const out: EntryChanges[] = [];
  for (const r of head.accepted_risks) {
    const b = before.get(key(r));
    if (b && b.end >= r.end && b.reason === r.reason && b.accepted_by === r.accepted_by) continue;
    const text = b
      ? `accepted until ${b.end} → ${r.end}: "${r.reason}", accepted by ${r.accepted_by}`
      : `accepted until ${r.end}: "${r.reason}", accepted by ${r.accepted_by}`;
    // A finding leaves the gate: always a reviewer's call.
    out.push({
      id: key(r),
      title: `accepted risk ${key(r)}`,
      changes: [{ kind: 'accepted-risk', text, attention: true }],
    });
  }
  return out;
}
