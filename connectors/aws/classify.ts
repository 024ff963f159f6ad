// Lanes and level of one AWS grant. The collector records what a principal can do in an
// account (attributes.access: admin | write | data-read | read, from the policy evaluator);
// the account's class under the config's lanes mapping turns that into lanes, so a saved
// inventory re-judged under a new mapping is judged right.

import type { Classification } from '../../src/core/connector.js';
import { type Grant, type Lane, type Level, resourceNames } from '../../src/core/model.js';
import { scopeMatcher as matcher } from '../../src/core/scope.js';
import type { AccessCategory } from './evaluator.js';
import type { AccountClass, AwsConfig, AwsLanes } from './schema.js';

/**
 * The account's id, names (grant.resource and attributes.aliases) and tags ("tag:env=prod",
 * from attributes.accountTags) against the globs, production first.
 */
export function accountClassOf(names: readonly string[], lanes: AwsLanes): AccountClass {
  for (const cls of ['production', 'data', 'staging'] as const) {
    const globs = lanes[cls];
    if (globs.some((glob) => names.some((name) => matcher(glob)(name)))) return cls;
  }
  return lanes.unmatched;
}

export function classifyAwsGrant(grant: Grant, config: Pick<AwsConfig, 'lanes'>): Classification {
  const names = [...resourceNames(grant), ...stringsOf(grant.attributes?.accountTags).map((tag) => `tag:${tag}`)];
  return classifyAccess(accessOf(grant), accountClassOf(names, config.lanes));
}

/**
 * Production account: administration reaches production and its data, changes are
 * production, data reads are data, metadata reads are production read. A data account is
 * all data; staging is all code.
 */
export function classifyAccess(access: AccessCategory, cls: AccountClass): Classification {
  const level: Level = access === 'admin' ? 'admin' : access === 'write' ? 'write' : 'read';
  let lanes: Lane[];
  if (cls === 'staging') lanes = ['code'];
  else if (cls === 'data') lanes = ['data'];
  else if (access === 'admin') lanes = ['data', 'production'];
  else if (access === 'data-read') lanes = ['data'];
  else lanes = ['production'];
  return { lanes, level };
}

function accessOf(grant: Grant): AccessCategory {
  const access = grant.attributes?.access;
  if (access === 'admin' || access === 'write' || access === 'data-read' || access === 'read') return access;
  return grant.level === 'admin' ? 'admin' : grant.level === 'write' ? 'write' : 'read';
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : [];
}
