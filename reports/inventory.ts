// inventory.json: the snapshot as collected, in a canonical form: every record list sorted,
// every record's keys in the model's order, so two scans of the same state diff to nothing
// whatever order the connectors (or merged shards) delivered them in.
import {
  AccountSchema,
  type Attributes,
  CredentialSchema,
  GrantSchema,
  LANES,
  SecretSchema,
  type Snapshot,
  SystemStatusSchema,
} from '../src/core/model.js';
import {
  compareAccounts,
  compareCredentials,
  compareGrants,
  compareSecrets,
  compareStatuses,
  sorted,
} from '../src/core/order.js';
import type { ReportInput } from './input.js';

export function renderInventory(input: ReportInput): string {
  return `${JSON.stringify(canonicalSnapshot(input.snapshot), null, 2)}\n`;
}

export function canonicalSnapshot(snapshot: Snapshot): Snapshot {
  return {
    schemaVersion: snapshot.schemaVersion,
    collectedAt: snapshot.collectedAt,
    ...(snapshot.source ? { source: inOrder(snapshot.source, ['organization', 'registerDigest']) } : {}),
    ...(snapshot.skipped ? { skipped: sorted(snapshot.skipped, compareTargets) } : {}),
    systems: sorted(snapshot.systems, compareStatuses).map(({ durationMs: _wallTime, ...s }) =>
      inOrder({ ...s, warnings: [...s.warnings].sort() }, SYSTEM_KEYS),
    ),
    accounts: sorted(snapshot.accounts, compareAccounts).map((a) =>
      inOrder(
        {
          ...a,
          emails: [...a.emails].sort(),
          ...(a.identities ? { identities: [...a.identities].sort() } : {}),
          ...(a.attributes ? { attributes: sortedAttributes(a.attributes) } : {}),
        },
        ACCOUNT_KEYS,
      ),
    ),
    grants: sorted(snapshot.grants, compareGrants).map((g) =>
      inOrder(
        {
          ...g,
          lanes: [...g.lanes].sort((x, y) => LANES.indexOf(x) - LANES.indexOf(y)),
          // Evidence lines keep the connector's order: they read as a sentence, top to bottom.
          ...(g.attributes ? { attributes: sortedAttributes(g.attributes) } : {}),
        },
        GRANT_KEYS,
      ),
    ),
    credentials: sorted(snapshot.credentials, compareCredentials).map((c) =>
      inOrder({ ...c, ...(c.attributes ? { attributes: sortedAttributes(c.attributes) } : {}) }, CREDENTIAL_KEYS),
    ),
    secrets: sorted(snapshot.secrets, compareSecrets).map((s) => inOrder(s, SECRET_KEYS)),
  };
}

function compareTargets(a: { system: string; target: string }, b: { system: string; target: string }): number {
  return a.system < b.system ? -1 : a.system > b.system ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : 0;
}

const SYSTEM_KEYS = Object.keys(SystemStatusSchema.shape);
const ACCOUNT_KEYS = Object.keys(AccountSchema.shape);
const GRANT_KEYS = Object.keys(GrantSchema.shape);
const CREDENTIAL_KEYS = Object.keys(CredentialSchema.shape);
const SECRET_KEYS = Object.keys(SecretSchema.shape);

/** The record with the model's keys first, in the model's order, then any others by name. */
function inOrder<T extends object>(record: T, keys: readonly string[]): T {
  const entries = Object.entries(record).filter(([, v]) => v !== undefined);
  const known = new Map(entries);
  const ordered: [string, unknown][] = keys.filter((k) => known.has(k)).map((k) => [k, known.get(k)]);
  const extra = entries.filter(([k]) => !keys.includes(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries([...ordered, ...extra]) as T;
}

function sortedAttributes(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
