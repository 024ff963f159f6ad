// Small builders for accounts, grants, credentials, registers and evaluation contexts, so a
// test states only what matters to it. Registers go through the real schema, so a test
// register is a valid register.
import { type Policy, PolicySchema } from '../../src/core/config.js';
import { addDays, isoDate } from '../../src/core/dates.js';
import type { Account, Credential, Grant, Snapshot, SystemStatus } from '../../src/core/model.js';
import { type Register, RegisterSchema } from '../../src/core/register.js';
import { buildContext } from '../../src/pipeline/evaluate/build.js';
import type { EvaluationContext } from '../../src/pipeline/evaluate/context.js';

/** The clock every builder-made test runs at unless it says otherwise. */
export const NOW = new Date('2026-11-29T10:00:00Z');

/** YYYY-MM-DD, `n` days from NOW (negative: in the past). */
export function day(n: number, from: Date = NOW): string {
  return isoDate(addDays(from, n));
}

/** An ISO instant `n` days from NOW. */
export function instant(n: number, from: Date = NOW): string {
  return addDays(from, n).toISOString();
}

export function account(fields: Partial<Account> & { id: string }): Account {
  return {
    system: 'github',
    target: 'northwind',
    login: fields.id,
    emails: [],
    kind: 'human',
    status: 'active',
    ...fields,
  };
}

export function grant(fields: Partial<Grant> & { account: string; resource: string }): Grant {
  return {
    system: 'github',
    target: 'northwind',
    permission: 'push',
    via: 'direct',
    lanes: ['code'],
    level: 'write',
    ...fields,
  };
}

export function credential(fields: Partial<Credential> & { account: string; id: string }): Credential {
  return {
    system: 'aws',
    target: '111111111111',
    kind: 'access-key',
    active: true,
    ...fields,
  };
}

export function status(system: string, target: string, ok = true): SystemStatus {
  return {
    system,
    target,
    ok,
    ...(ok ? {} : { error: 'failed on purpose' }),
    warnings: [],
    gaps: [],
    calls: 1,
    durationMs: 1,
    collectedAt: NOW.toISOString(),
  };
}

/** A register through the real schema: unknown keys and bad dates fail the test that wrote them. */
export function register(fields: Record<string, unknown> = {}): Register {
  return RegisterSchema.parse({ organization: 'Northwind Supply', ...fields });
}

export function policy(fields: Partial<Policy> = {}): Policy {
  return { ...PolicySchema.parse({}), ...fields };
}

export interface Scene {
  accounts?: Account[];
  grants?: Grant[];
  credentials?: Credential[];
  systems?: SystemStatus[];
  register?: Register;
  policy?: Partial<Policy>;
  now?: Date;
}

export function snapshot(scene: Scene): Snapshot {
  const accounts = scene.accounts ?? [];
  const systems = scene.systems ?? [
    ...new Map(accounts.map((a) => [JSON.stringify([a.system, a.target]), status(a.system, a.target)])).values(),
  ];
  return {
    schemaVersion: 1,
    collectedAt: (scene.now ?? NOW).toISOString(),
    systems,
    accounts,
    grants: scene.grants ?? [],
    credentials: scene.credentials ?? [],
    secrets: [],
  };
}

export function evaluationInput(scene: Scene) {
  return {
    snapshot: snapshot(scene),
    register: scene.register ?? register(),
    policy: policy(scene.policy),
    now: scene.now ?? NOW,
  };
}

export function context(scene: Scene): EvaluationContext {
  return buildContext(evaluationInput(scene));
}

/** A contractor with one approval, for the common case; override what the test is about. */
export function contractor(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: id[0]!.toUpperCase() + id.slice(1),
    kind: 'contractor',
    owner: 'dana',
    emails: [`${id}@outside.example`],
    accounts: { github: id },
    ...fields,
  };
}

export const dana = { id: 'dana', name: 'Dana Whitfield', kind: 'employee', emails: ['dana@northwind.example'] };

/** The demo's shared AWS admin account as the register declares it: owner dana, for incidents. */
export function opsAdminShared(users: string[], fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { system: 'aws', id: 'ops-admin', kind: 'shared', owner: 'dana', purpose: 'incidents', users, ...fields };
}

/** A register approval; dates default to a window around NOW. */
export function approval(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    task: 'Fix the payment step on phones',
    system: 'github',
    scope: 'northwind/shop',
    lane: 'code',
    access: 'write',
    start: day(-30),
    end: day(60),
    ticket: 'SHOP-1',
    ...fields,
  };
}
