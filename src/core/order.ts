// The one place records and findings are ordered, for byte-for-byte reproducible snapshots and
// reports. Strings compare by code unit, never by locale: localeCompare follows the machine's
// LANG, and two runners must write the same file.

import type { Finding } from './finding.js';
import { severityRank } from './finding.js';
import type { Account, Credential, Grant, Secret, SystemStatus } from './model.js';

type Key<T> = (item: T) => string | number | undefined;

export function compareValues(a: string | number | undefined, b: string | number | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const s = typeof x === 'string' ? x : String(x);
  const t = typeof y === 'string' ? y : String(y);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** A comparator over several keys, the first difference deciding. */
export function byKeys<T>(...keys: Key<T>[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const order = compareValues(key(a), key(b));
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** A sorted copy. */
export function sorted<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  return [...items].sort(compare);
}

/** Evaluation's documented order: severity, rule, system, target, account, resource, fingerprint. */
export const compareFindings = byKeys<Finding>(
  (f) => severityRank(f.severity),
  (f) => f.rule,
  (f) => f.system,
  (f) => f.target,
  (f) => f.account,
  (f) => f.resource,
  (f) => f.fingerprint,
);

/** Text order by code unit. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const compareStatuses = byKeys<SystemStatus>(
  (s) => s.system,
  (s) => s.target,
);
export const compareAccounts = byKeys<Account>(
  (a) => a.system,
  (a) => a.target,
  (a) => a.id,
);
export const compareGrants = byKeys<Grant>(
  (g) => g.system,
  (g) => g.target,
  (g) => g.account,
  (g) => g.resource,
  (g) => g.permission,
  (g) => g.via,
  (g) => g.viaName,
  (g) => g.expiresAt,
);
export const compareCredentials = byKeys<Credential>(
  (c) => c.system,
  (c) => c.target,
  (c) => c.account,
  (c) => c.kind,
  (c) => c.id,
  (c) => c.resource,
);
export const compareSecrets = byKeys<Secret>(
  (s) => s.system,
  (s) => s.target,
  (s) => s.resource,
  (s) => s.name,
);

/** Register problems read best in file order: "register.yaml:9" before "register.yaml:10". */
export function compareNatural(a: string, b: string): number {
  const split = (s: string) => s.split(/(\d+)/);
  const [x, y] = [split(a), split(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i]!, y[i]!];
    const order = i % 2 === 1 && p !== q ? Number(p) - Number(q) || compareValues(p, q) : compareValues(p, q);
    if (order !== 0) return order;
  }
  return x.length - y.length;
}
