import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/core/finding.js';
import type { Account, Credential, Grant, Snapshot, SystemStatus } from '../../src/core/model.js';
import { openDatabase, type SqlValue } from '../../src/pipeline/history/sqlite.js';

/** A history file's path in a new folder under the test file's own temporary root (test/support/temp-root.ts). */
export async function tempDb(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'lanekeeper-history-')), 'history.db');
}

/** Runs one statement on the file, as someone editing it outside lanekeeper would. */
export function sql(path: string, text: string, ...params: SqlValue[]): void {
  const db = openDatabase(path);
  try {
    db.prepare(text).run(...params);
  } finally {
    db.close();
  }
}

/** The rows a query returns from the file, read outside lanekeeper. */
export function rowsOf(path: string, text: string): Record<string, unknown>[] {
  const db = openDatabase(path);
  try {
    return db.prepare(text).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

export function status(system: string, target: string, ok = true): SystemStatus {
  return {
    system,
    target,
    ok,
    warnings: [],
    gaps: [],
    calls: 1,
    durationMs: 0,
    collectedAt: '2026-11-01T00:00:00Z',
    ...(ok ? {} : { error: 'GET /x answered 502' }),
  };
}

export function account(system: string, target: string, id: string, extra: Partial<Account> = {}): Account {
  return { system, target, id, login: id, emails: [], kind: 'human', status: 'active', ...extra };
}

export function grant(
  system: string,
  target: string,
  accountId: string,
  resource: string,
  extra: Partial<Grant> = {},
): Grant {
  return {
    system,
    target,
    account: accountId,
    resource,
    permission: 'pull',
    via: 'direct',
    lanes: ['code'],
    level: 'read',
    ...extra,
  };
}

export function credential(system: string, target: string, accountId: string, id: string): Credential {
  return {
    system,
    target,
    account: accountId,
    kind: 'access-key',
    id,
    active: true,
    createdAt: '2026-11-20T00:00:00Z',
  };
}

export function snapshot(parts: Partial<Snapshot> = {}): Snapshot {
  return {
    schemaVersion: 1,
    collectedAt: '2026-11-01T00:00:00Z',
    systems: [],
    accounts: [],
    grants: [],
    credentials: [],
    secrets: [],
    ...parts,
  };
}

export function finding(fingerprint: string, severity: Finding['severity'] = 'high'): Finding {
  return {
    fingerprint,
    rule: 'unknown-account',
    severity,
    title: 'Account linked to nobody',
    system: 'github',
    target: 'northwind',
    account: 'quickfix-dev',
    evidence: ['push on northwind/shop'],
    remediation: { steps: [], commands: [] },
  };
}
