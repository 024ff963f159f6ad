// What changed since the previous complete scan. Only records of targets read
// successfully in both scans are compared: a system that failed this time or last
// time says nothing about what was added or removed.
import type { Drift, DriftChange } from '../core/drift.js';
import {
  accountKey,
  type Credential,
  grantIsLive,
  type Lane,
  type Level,
  levelRank,
  type Snapshot,
} from '../core/model.js';

interface Held {
  level: Level;
  lanes: Set<Lane>;
}

export function computeDrift(previous: Snapshot, current: Snapshot, since: string): Drift {
  const comparable = comparability(previous, current);
  const changes: DriftChange[] = [];
  const loginOf = new Map<string, string>();
  for (const a of [...previous.accounts, ...current.accounts]) loginOf.set(accountKey(a), a.login);

  const now = heldByResource(current);
  // What an account holds now, over every resource: a new account or a new key opens all of it
  // (a key of one repository, that repository).
  const reach = heldByAccount(now);
  const reachOf = (system: string, target: string, account: string, resource?: string) =>
    asReach(
      resource
        ? now.get(JSON.stringify([system, target, account, resource]))
        : reach.get(JSON.stringify([system, target, account])),
    );

  const accountsBefore = new Map(
    previous.accounts.filter((a) => a.status !== 'deleted').map((a) => [accountKey(a), a]),
  );
  const accountsNow = new Map(current.accounts.filter((a) => a.status !== 'deleted').map((a) => [accountKey(a), a]));
  for (const [key, a] of accountsNow) {
    if (!accountsBefore.has(key) && comparable(a.system, a.target)) {
      changes.push({
        kind: 'account-added',
        system: a.system,
        target: a.target,
        account: a.id,
        login: a.login,
        ...reachOf(a.system, a.target, a.id),
        detail: `new ${a.kind} account`,
      });
    }
  }
  for (const [key, a] of accountsBefore) {
    if (!accountsNow.has(key) && comparable(a.system, a.target)) {
      changes.push({
        kind: 'account-removed',
        system: a.system,
        target: a.target,
        account: a.id,
        login: a.login,
        detail: 'account gone',
      });
    }
  }

  const before = heldByResource(previous);
  for (const [key, held] of now) {
    const [system, target, account, resource] = JSON.parse(key) as [string, string, string, string];
    if (!comparable(system, target, resource)) continue;
    const login = loginOf.get(accountKey({ system, target, id: account })) ?? account;
    const base = { system, target, account, login, resource, level: held.level, lanes: [...held.lanes].sort() };
    const old = before.get(key);
    if (!old) {
      changes.push({ ...base, kind: 'grant-added', detail: `now holds ${held.level} (${base.lanes.join(', ')})` });
      continue;
    }
    if (levelRank(held.level) > levelRank(old.level)) {
      changes.push({ ...base, kind: 'level-raised', detail: `${old.level} became ${held.level}` });
    }
    const gained = [...held.lanes].filter((l) => !old.lanes.has(l)).sort();
    // The lanes it gained, not all it holds: production held last week is not production gained.
    if (gained.length > 0)
      changes.push({ ...base, lanes: gained, kind: 'lane-gained', detail: `gained ${gained.join(', ')}` });
  }
  for (const [key, held] of before) {
    const [system, target, account, resource] = JSON.parse(key) as [string, string, string, string];
    if (now.has(key) || !comparable(system, target, resource)) continue;
    const login = loginOf.get(accountKey({ system, target, id: account })) ?? account;
    changes.push({
      kind: 'grant-removed',
      system,
      target,
      account,
      login,
      resource,
      level: held.level,
      lanes: [...held.lanes].sort(),
      detail: `no longer holds ${held.level}`,
    });
  }

  const credentialsBefore = new Set(
    previous.credentials.map((c) => JSON.stringify([c.system, c.target, c.account, c.kind, c.id])),
  );
  for (const c of current.credentials) {
    // A key created inactive opens nothing yet.
    if (!c.active) continue;
    if (credentialsBefore.has(JSON.stringify([c.system, c.target, c.account, c.kind, c.id]))) continue;
    if (!comparable(c.system, c.target, c.resource)) continue;
    changes.push({
      kind: 'credential-created',
      system: c.system,
      target: c.target,
      account: c.account,
      login: loginOf.get(accountKey({ system: c.system, target: c.target, id: c.account })) ?? c.account,
      ...(c.resource ? { resource: c.resource } : {}),
      ...reachOf(c.system, c.target, c.account, c.resource),
      detail: credentialCreated(c),
    });
  }

  changes.sort(
    (a, b) =>
      a.system.localeCompare(b.system) ||
      a.target.localeCompare(b.target) ||
      a.account.localeCompare(b.account) ||
      (a.resource ?? '').localeCompare(b.resource ?? '') ||
      a.kind.localeCompare(b.kind) ||
      a.detail.localeCompare(b.detail),
  );
  return { since, changes, notCompared: notCompared(previous, current) };
}

/**
 * The strongest level and all lanes each account holds on each resource, when the scan ran: a
 * grant whose condition had already expired was access nobody held then (and one renewed since
 * is access added).
 */
function heldByResource(snapshot: Snapshot): Map<string, Held> {
  const out = new Map<string, Held>();
  const at = new Date(snapshot.collectedAt);
  for (const g of snapshot.grants) {
    if (!grantIsLive(g, at)) continue;
    const key = JSON.stringify([g.system, g.target, g.account, g.resource]);
    const held = out.get(key) ?? { level: g.level, lanes: new Set<Lane>() };
    if (levelRank(g.level) > levelRank(held.level)) held.level = g.level;
    for (const l of g.lanes) held.lanes.add(l);
    out.set(key, held);
  }
  return out;
}

/** How a new credential is written in a drift change: its fix finds the credential by it. */
export function credentialCreated(c: Pick<Credential, 'kind' | 'id' | 'createdAt'>): string {
  return `${c.kind} ${c.id} created${c.createdAt ? ` ${c.createdAt.slice(0, 10)}` : ''}`;
}

/** Per account: the strongest level and every lane over all its resources. */
function heldByAccount(byResource: Map<string, Held>): Map<string, Held> {
  const out = new Map<string, Held>();
  for (const [key, held] of byResource) {
    const [system, target, account] = JSON.parse(key) as [string, string, string, string];
    const accountKey = JSON.stringify([system, target, account]);
    const all = out.get(accountKey) ?? { level: held.level, lanes: new Set<Lane>() };
    if (levelRank(held.level) > levelRank(all.level)) all.level = held.level;
    for (const l of held.lanes) all.lanes.add(l);
    out.set(accountKey, all);
  }
  return out;
}

function asReach(held: Held | undefined): Partial<Pick<DriftChange, 'level' | 'lanes'>> {
  return held ? { level: held.level, lanes: [...held.lanes].sort() } : {};
}

/**
 * A record can be compared when every status it belongs to was read in both scans. Records
 * name a status by their target (an AWS account) or their resource (a GCP project); a record
 * that names none depends on its whole system being read both times.
 */
function comparability(previous: Snapshot, current: Snapshot) {
  const okIn = (s: Snapshot) => {
    const byTarget = new Map<string, boolean>();
    const systemOk = new Map<string, boolean>();
    for (const st of s.systems) {
      byTarget.set(JSON.stringify([st.system, st.target]), st.ok);
      systemOk.set(st.system, (systemOk.get(st.system) ?? true) && st.ok);
    }
    return { byTarget, systemOk };
  };
  const a = okIn(previous);
  const b = okIn(current);
  return (system: string, ...names: (string | undefined)[]): boolean => {
    let named = false;
    for (const name of names) {
      if (name === undefined) continue;
      const key = JSON.stringify([system, name]);
      if (a.byTarget.has(key) || b.byTarget.has(key)) {
        named = true;
        if (a.byTarget.get(key) !== true || b.byTarget.get(key) !== true) return false;
      }
    }
    return named || (a.systemOk.get(system) === true && b.systemOk.get(system) === true);
  };
}

function notCompared(previous: Snapshot, current: Snapshot): string[] {
  const out = new Set<string>();
  for (const s of [...previous.systems, ...current.systems]) if (!s.ok) out.add(`${s.system} ${s.target}`);
  return [...out].sort();
}
