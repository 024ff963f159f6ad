// What changed since the previous complete scan. Only records of targets read in full in both
// scans are compared: a target that failed this time or last time, or whose gaps (what it could
// not see) differ between the two, says nothing about what was added or removed there.
import type { Drift, DriftChange } from '../core/drift.js';
import {
  type Account,
  accountKey,
  type Credential,
  grantIsLive,
  type Lane,
  type Level,
  levelRank,
  type Snapshot,
} from '../core/model.js';
import { byText } from '../core/order.js';

interface Held {
  level: Level;
  lanes: Set<Lane>;
}

export function computeDrift(scanned: Snapshot, current: Snapshot, since: string): Drift {
  // The previous scan, its accounts named as this scan names them.
  const { previous, renamed } = followRenames(scanned, current);
  const { comparable, notCompared } = comparability(previous, current);
  // An account is added or removed only when everything it holds, then and now, was compared:
  // an account whose grants lie in a project that could not be read is not "gone".
  const accountHidden = new Set<string>();
  for (const s of [previous, current])
    for (const r of [...s.grants, ...s.credentials])
      if (!comparable(r.system, r.target, r.resource))
        accountHidden.add(accountKey({ system: r.system, target: r.target, id: r.account }));
  const accountComparable = (a: { system: string; target: string; id: string }) =>
    !accountHidden.has(accountKey(a)) && comparable(a.system, a.target);
  const changes: DriftChange[] = [];
  const loginOf = new Map<string, string>();
  for (const a of [...previous.accounts, ...current.accounts]) loginOf.set(accountKey(a), a.login);

  for (const { from, to } of renamed)
    if (accountComparable(to))
      changes.push({
        kind: 'account-renamed',
        system: to.system,
        target: to.target,
        account: to.id,
        login: to.login,
        detail: `renamed from ${from.login}: the same user, the same access`,
      });

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
    if (!accountsBefore.has(key) && accountComparable(a)) {
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
    if (!accountsNow.has(key) && accountComparable(a)) {
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
    // Access lowered is access removed in part: shown in What changed, never flagged (the drift rule
    // flags additions only). Written as a removal of what it no longer holds, at its old level.
    if (levelRank(held.level) < levelRank(old.level))
      changes.push({
        ...base,
        level: old.level,
        lanes: [...old.lanes].sort(),
        kind: 'level-lowered',
        detail: `${old.level} became ${held.level}`,
      });
    const lost = [...old.lanes].filter((l) => !held.lanes.has(l)).sort();
    if (lost.length > 0)
      changes.push({ ...base, level: old.level, lanes: lost, kind: 'lane-lost', detail: `lost ${lost.join(', ')}` });
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

  const idOf = (c: Credential) => JSON.stringify([c.system, c.target, c.account, c.kind, c.id]);
  const slotOf = (c: Credential) => JSON.stringify([c.system, c.target, c.account, c.kind, c.resource ?? '']);
  const credentialsBefore = new Set(previous.credentials.map(idOf));
  // A key that replaced one of the same kind on the same account (the old one gone or turned off
  // since) is a rotation: the same access, a fresher secret. Rotating every 90 days, as policy
  // asks, must not read as access added each time; a key added beside one still active does.
  const activeNow = new Set(current.credentials.filter((c) => c.active).map(idOf));
  const retired = new Map<string, number>();
  for (const c of previous.credentials) {
    if (!c.active || activeNow.has(idOf(c)) || !comparable(c.system, c.target, c.resource)) continue;
    retired.set(slotOf(c), (retired.get(slotOf(c)) ?? 0) + 1);
  }
  for (const c of current.credentials) {
    // A key created inactive opens nothing yet.
    if (!c.active) continue;
    if (credentialsBefore.has(idOf(c))) continue;
    if (!comparable(c.system, c.target, c.resource)) continue;
    const replaces = retired.get(slotOf(c)) ?? 0;
    if (replaces > 0) retired.set(slotOf(c), replaces - 1);
    changes.push({
      kind: replaces > 0 ? 'credential-rotated' : 'credential-created',
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
      byText(a.system, b.system) ||
      byText(a.target, b.target) ||
      byText(a.account, b.account) ||
      byText(a.resource ?? '', b.resource ?? '') ||
      byText(a.kind, b.kind) ||
      byText(a.detail, b.detail),
  );
  return { since, changes, notCompared };
}

/**
 * The system's own number for a user (attributes.userId), where the account's id is a name the
 * user may change, or give up for someone else to take (a GitHub login).
 */
function userNumber(a: Account): string | undefined {
  const n = a.attributes?.userId;
  return typeof n === 'number' || (typeof n === 'string' && n !== '') ? String(n) : undefined;
}

/**
 * The previous scan as the current one names its accounts. A user who changed their login keeps
 * their number: their records are theirs under the new name, one rename and no access added or
 * removed. A login now held by another number is another user: the old one's records keep a name
 * of their own, so they show as removed and the new user's as added.
 */
function followRenames(
  previous: Snapshot,
  current: Snapshot,
): { previous: Snapshot; renamed: { from: Account; to: Account }[] } {
  const byNumber = (accounts: readonly Account[]) => {
    const out = new Map<string, Account>();
    for (const a of accounts) {
      const n = userNumber(a);
      if (n !== undefined) out.set(JSON.stringify([a.system, a.target, n]), a);
    }
    return out;
  };
  const numbersNow = byNumber(current.accounts);
  const idsNow = new Map(current.accounts.map((a) => [accountKey(a), a]));
  const newId = new Map<string, string>();
  const renamed: { from: Account; to: Account }[] = [];
  for (const [key, old] of byNumber(previous.accounts)) {
    const same = numbersNow.get(key);
    if (same) {
      // Renamed, even where someone else took the old login since (or two users swapped).
      if (same.id !== old.id) {
        newId.set(accountKey(old), same.id);
        renamed.push({ from: old, to: same });
      }
      continue;
    }
    const holder = idsNow.get(accountKey(old));
    if (holder && userNumber(holder) !== undefined && userNumber(holder) !== userNumber(old))
      newId.set(accountKey(old), `${old.id} (user ${userNumber(old)})`);
  }
  if (newId.size === 0) return { previous, renamed };
  const idOf = (system: string, target: string, id: string) => newId.get(accountKey({ system, target, id })) ?? id;
  return {
    previous: {
      ...previous,
      accounts: previous.accounts.map((a) => ({ ...a, id: idOf(a.system, a.target, a.id) })),
      grants: previous.grants.map((g) => ({ ...g, account: idOf(g.system, g.target, g.account) })),
      credentials: previous.credentials.map((c) => ({ ...c, account: idOf(c.system, c.target, c.account) })),
    },
    renamed,
  };
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
 * A record can be compared when every status it belongs to was read in full in both scans. A
 * record belongs to the status of its target (an AWS account, a GitHub organisation) and to that
 * of each path its resource lies in ("projects/x/datasets/d" lies in projects/x's); a record
 * that names none depends on its whole system being read in full both times.
 *
 * Read in full: the target was read (ok) and its gaps are the same in both scans. A gap is what a
 * target could not see (a bucket's policy refused): a gap new this week hides records that were
 * there last week, one gone this week shows records that were hidden. Either way the target says
 * nothing about what changed. A gap the same in both scans (the same kind, as many left out),
 * such as one acknowledged for good, hides the same in both, so the rest is still compared.
 */
export function comparability(
  previous: Pick<Snapshot, 'systems'>,
  current: Pick<Snapshot, 'systems'>,
): { comparable: (system: string, target: string, resource?: string) => boolean; notCompared: string[] } {
  const statesOf = (s: Pick<Snapshot, 'systems'>) => {
    const out = new Map<string, { ok: boolean; gaps: Set<string> }>();
    for (const st of s.systems) {
      const key = JSON.stringify([st.system, st.target]);
      const state = out.get(key) ?? { ok: true, gaps: new Set<string>() };
      state.ok &&= st.ok;
      for (const g of st.gaps ?? []) state.gaps.add(`${g.kind}${g.count === undefined ? '' : ` (${g.count})`}`);
      out.set(key, state);
    }
    return out;
  };
  const a = statesOf(previous);
  const b = statesOf(current);
  const statusOf = new Map<string, { system: string; target: string }>();
  for (const st of [...previous.systems, ...current.systems])
    statusOf.set(JSON.stringify([st.system, st.target]), { system: st.system, target: st.target });

  // Systems the previous scan read in full: only there is a target it did not find a new one.
  const readBefore = new Map<string, boolean>();
  for (const st of previous.systems) readBefore.set(st.system, (readBefore.get(st.system) ?? true) && st.ok);

  // Why each status named in either scan is not compared; absent when it is.
  const why = new Map<string, string>();
  const systemCompared = new Map<string, boolean>();
  for (const [key, { system, target }] of statusOf) {
    const before = a.get(key);
    const now = b.get(key);
    let reason: string | undefined;
    // A target found only now (a new project or account) was not there when the previous scan,
    // complete and full, discovered its system: everything it holds is new. A system the previous
    // scan did not read (newly configured, or a scan compared with that was narrowed) says
    // nothing of what changed. One found only in the previous scan may lie outside this scan's
    // --only: nothing is concluded of it.
    if (!before)
      reason =
        now?.ok === false
          ? `${system} ${target}`
          : readBefore.get(system) === true
            ? undefined
            : `${system} (not read in full by the scan compared with)`;
    else if (!now) reason = undefined;
    else if (!before.ok || !now.ok) reason = `${system} ${target}`;
    else {
      const changed = [...new Set([...before.gaps, ...now.gaps])]
        .filter((g) => !(before.gaps.has(g) && now.gaps.has(g)))
        .map((g) => g.replace(/ \(\d+\)$/, ''));
      if (changed.length > 0) reason = `${system} ${target} (gap ${[...new Set(changed)].sort().join(', ')})`;
    }
    const compared = now !== undefined && reason === undefined;
    if (!compared) why.set(key, reason ?? '');
    systemCompared.set(system, (systemCompared.get(system) ?? true) && compared);
  }

  const memo = new Map<string, boolean>();
  const comparable = (system: string, target: string, resource?: string): boolean => {
    const memoKey = JSON.stringify([system, target, resource ?? null]);
    const known = memo.get(memoKey);
    if (known !== undefined) return known;
    let named = false;
    let result = true;
    for (const name of [target, ...(resource === undefined ? [] : prefixes(resource))]) {
      const key = JSON.stringify([system, name]);
      if (!statusOf.has(key)) continue;
      named = true;
      if (why.has(key)) {
        result = false;
        break;
      }
    }
    if (!named) result = systemCompared.get(system) === true;
    memo.set(memoKey, result);
    return result;
  };
  const notCompared = [...new Set([...why.values()].filter((w) => w !== ''))].sort();
  return { comparable, notCompared };
}

/** "projects/x/buckets/b" → ["projects", "projects/x", "projects/x/buckets", "projects/x/buckets/b"]. */
function prefixes(resource: string): string[] {
  const parts = resource.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
