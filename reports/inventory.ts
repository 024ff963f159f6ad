// inventory.json: the snapshot as collected, in a canonical form: every record list sorted,
// every record's keys in the model's order, so two scans of the same state diff to nothing
// whatever order the connectors (or merged shards) delivered them in.
import {
  AccountSchema,
  type Attributes,
  CredentialSchema,
  GrantSchema,
  LANES,
  type Lane,
  SecretSchema,
  type Snapshot,
  SystemStatusSchema,
} from '../src/core/model.js';
import {
  byText,
  compareAccounts,
  compareCredentials,
  compareGrants,
  compareSecrets,
  compareStatuses,
  sorted,
} from '../src/core/order.js';
import type { ReportInput } from './input.js';

/** inventory.json: the scan's snapshot (snapshotChunks). */
export function inventoryChunks(input: ReportInput): Iterable<string> {
  return snapshotChunks(input.snapshot);
}

/**
 * A snapshot in canonical form as JSON, piece by piece, one record at a time, so a large inventory
 * (200,000 grants) is never one string, nor a second copy of the snapshot in its canonical form.
 * Each record is one line: a diff of two weeks' inventories shows each record that changed as one
 * line, whole, and the file is half the size pretty-printing gives (the snapshot's other fields
 * stay indented). inventory.json and the shards `lanekeeper collect` writes are this text.
 */
export function* snapshotChunks(snapshot: Snapshot): Generator<string> {
  const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`);
  const entries = [
    ...canonicalHead(snapshot).map(([key, value]) => ({ key, value })),
    ...canonicalLists(snapshot).map(([key, records, canonical]) => ({ key, records, canonical })),
  ];
  yield '{\n';
  for (const [n, entry] of entries.entries()) {
    const name = `${n === 0 ? '' : ',\n'}  ${JSON.stringify(entry.key)}: `;
    if (!('records' in entry)) {
      yield `${name}${indent(JSON.stringify(entry.value, null, 2), '  ')}`;
      continue;
    }
    const { records, canonical } = entry;
    yield `${name}${records.length === 0 ? '[]' : '[\n'}`;
    for (let i = 0; i < records.length; i++)
      yield `${i === 0 ? '' : ',\n'}    ${JSON.stringify(canonical(records[i] as never))}`;
    if (records.length > 0) yield '\n  ]';
  }
  yield '\n}\n';
}

/** The snapshot's fields before its record lists, in canonical form and order. */
function canonicalHead(snapshot: Snapshot): [string, unknown][] {
  return [
    ['schemaVersion', snapshot.schemaVersion],
    ['collectedAt', snapshot.collectedAt],
    ...(snapshot.source ? [['source', inOrder(snapshot.source, SOURCE_KEYS)] as [string, unknown]] : []),
    ...(snapshot.skipped ? [['skipped', sorted(snapshot.skipped, compareTargets)] as [string, unknown]] : []),
  ];
}

/** Each record list in its canonical order, with the function that puts one record in canonical form. */
function canonicalLists(snapshot: Snapshot): [string, readonly unknown[], (record: never) => unknown][] {
  return [
    ['systems', sorted(snapshot.systems, compareStatuses), canonicalStatus],
    ['accounts', sorted(snapshot.accounts, compareAccounts), canonicalAccount],
    ['grants', sorted(snapshot.grants, compareGrants), canonicalGrant],
    ['credentials', sorted(snapshot.credentials, compareCredentials), canonicalCredential],
    ['secrets', sorted(snapshot.secrets, compareSecrets), canonicalSecret],
  ];
}

/** The snapshot in canonical form, whole: what inventoryChunks writes piece by piece. */
export function canonicalSnapshot(snapshot: Snapshot): Snapshot {
  return Object.fromEntries([
    ...canonicalHead(snapshot),
    ...canonicalLists(snapshot).map(([key, records, canonical]) => [key, records.map((r) => canonical(r as never))]),
  ]) as Snapshot;
}

type Status = Snapshot['systems'][number];
type AccountRecord = Snapshot['accounts'][number];
type GrantRecord = Snapshot['grants'][number];
type CredentialRecord = Snapshot['credentials'][number];
type SecretRecord = Snapshot['secrets'][number];

function canonicalStatus(s: Status): Status {
  // Wall time differs on every run: a canonical inventory leaves it out.
  return inOrder(s, SYSTEM_KEYS, { durationMs: undefined, warnings: [...s.warnings].sort() });
}

function canonicalAccount(a: AccountRecord): AccountRecord {
  if (
    inModelOrder(a, ACCOUNT_KEYS) &&
    inTextOrder(a.emails) &&
    (!a.identities || inTextOrder(a.identities)) &&
    attributesInOrder(a.attributes)
  )
    return a;
  return inOrder(a, ACCOUNT_KEYS, {
    emails: [...a.emails].sort(),
    ...(a.identities ? { identities: [...a.identities].sort() } : {}),
    ...(a.attributes ? { attributes: sortedAttributes(a.attributes) } : {}),
  });
}

function canonicalGrant(g: GrantRecord): GrantRecord {
  // Evidence lines keep the connector's order: they read as a sentence, top to bottom.
  if (inModelOrder(g, GRANT_KEYS) && lanesInOrder(g.lanes) && attributesInOrder(g.attributes)) return g;
  return inOrder(g, GRANT_KEYS, {
    lanes: g.lanes.length < 2 ? g.lanes : [...g.lanes].sort((x, y) => LANES.indexOf(x) - LANES.indexOf(y)),
    ...(g.attributes ? { attributes: sortedAttributes(g.attributes) } : {}),
  });
}

function canonicalCredential(c: CredentialRecord): CredentialRecord {
  if (inModelOrder(c, CREDENTIAL_KEYS) && attributesInOrder(c.attributes)) return c;
  return inOrder(c, CREDENTIAL_KEYS, c.attributes ? { attributes: sortedAttributes(c.attributes) } : {});
}

function canonicalSecret(s: SecretRecord): SecretRecord {
  return inModelOrder(s, SECRET_KEYS) ? s : inOrder(s, SECRET_KEYS);
}

function compareTargets(a: { system: string; target: string }, b: { system: string; target: string }): number {
  return a.system < b.system ? -1 : a.system > b.system ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : 0;
}

/** A model's keys in its order, and each one's place: each key of each of 200,000 records is looked up. */
interface ModelKeys {
  order: readonly string[];
  rank: ReadonlyMap<string, number>;
}

const keysOf = (order: readonly string[]): ModelKeys => ({ order, rank: new Map(order.map((k, i) => [k, i])) });

// A record read from a shard or the history, and a grant classifyGrant built, is in canonical form
// already: checked, it is written as it is, not copied into that form first. At the bench's large
// scale that copy of 200,000 grants was a third of the time inventory.json took. A record that
// fails a check is copied, as before.

/** Whether the record's keys that hold a value are the model's, in the model's order. */
function inModelOrder(record: object, keys: ModelKeys): boolean {
  let last = -1;
  for (const k in record) {
    if ((record as Record<string, unknown>)[k] === undefined) continue;
    const rank = keys.rank.get(k);
    if (rank === undefined || rank < last) return false;
    last = rank;
  }
  return true;
}

function inTextOrder(values: readonly string[]): boolean {
  for (let i = 1; i < values.length; i++) if (byText(values[i - 1] as string, values[i] as string) > 0) return false;
  return true;
}

function lanesInOrder(lanes: readonly Lane[]): boolean {
  for (let i = 1; i < lanes.length; i++)
    if (LANES.indexOf(lanes[i - 1] as Lane) > LANES.indexOf(lanes[i] as Lane)) return false;
  return true;
}

function attributesInOrder(attributes: Attributes | undefined): boolean {
  return attributes === undefined || inTextOrder(Object.keys(attributes));
}

const SOURCE_KEYS = keysOf(['organization', 'registerDigest']);
const SYSTEM_KEYS = keysOf(Object.keys(SystemStatusSchema.shape));
const ACCOUNT_KEYS = keysOf(Object.keys(AccountSchema.shape));
const GRANT_KEYS = keysOf(Object.keys(GrantSchema.shape));
const CREDENTIAL_KEYS = keysOf(Object.keys(CredentialSchema.shape));
const SECRET_KEYS = keysOf(Object.keys(SecretSchema.shape));

/**
 * The record with the model's keys first, in the model's order, then any others by name. Model
 * fields in `replaced` stand in for the record's own (a sorted copy of a list; undefined drops
 * one), so the record itself is never copied to change them.
 */
function inOrder<T extends object>(record: T, keys: ModelKeys, replaced: Record<string, unknown> = {}): T {
  const fields = record as Record<string, unknown>;
  const value = (k: string) =>
    Object.hasOwn(replaced, k) ? replaced[k] : Object.hasOwn(fields, k) ? fields[k] : undefined;
  const ordered: Record<string, unknown> = {};
  // The model's keys are ours (no "__proto__" among them), so plain assignment is safe.
  for (const k of keys.order) {
    const v = value(k);
    if (v !== undefined) ordered[k] = v;
  }
  const extra = Object.keys(fields).filter((k) => fields[k] !== undefined && !keys.rank.has(k));
  if (extra.length === 0) return ordered as T;
  // Any other key came from outside: defined, never assigned, so a key such as "__proto__"
  // stays an own property.
  for (const k of extra.sort(byText))
    Object.defineProperty(ordered, k, { value: value(k), enumerable: true, writable: true, configurable: true });
  return ordered as T;
}

function sortedAttributes(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
