// Lane(s) and level of one GitHub grant. Pure: it reads only the grant (its resource and the
// facts collect() recorded in its attributes) and the config's lanes mapping, so it can be
// re-run on a saved inventory when the mapping changes.

import type { Classification } from '../../src/core/connector.js';
import { type Attributes, type Grant, LANES, type Lane, type Level, levelRank } from '../../src/core/model.js';
import { scopeMatcher as matcher } from '../../src/core/scope.js';
import { DEFAULT_PRODUCTION_ENVIRONMENTS, type GithubLanes } from './schema.js';

/** Raw GitHub permissions and roles, by what they let you do. */
const LEVEL_OF_PERMISSION: Readonly<Record<string, Level>> = {
  none: 'read',
  read: 'read',
  pull: 'read',
  triage: 'read',
  write: 'write',
  push: 'write',
  maintain: 'write',
  admin: 'admin',
  owner: 'admin',
};

export interface ClassifyConfig {
  lanes?: Partial<GithubLanes> | undefined;
}

export function levelOfPermission(permission: string, attributes?: Attributes): Level {
  const known = LEVEL_OF_PERMISSION[permission.toLowerCase()];
  if (known) return known;
  // A custom repository role: the level its definition reaches when it was read, else its base
  // role's (collect() records both).
  for (const fallback of [attributes?.customRoleLevel, attributes?.basePermission]) {
    const level = typeof fallback === 'string' ? LEVEL_OF_PERMISSION[fallback] : undefined;
    if (level) return level;
  }
  // An unknown role is assumed to write: overstating access is safer than hiding it.
  return 'write';
}

/** The lanes a repository falls in by its name and topics alone (no environments). */
export function repoLanes(
  fullName: string,
  topics: readonly string[],
  lanes: Partial<GithubLanes> | undefined,
): Lane[] {
  const out = new Set<Lane>();
  const name = fullName.toLowerCase();
  const topicSet = new Set(topics.map((t) => t.toLowerCase()));
  const matches = (globs: readonly string[] | undefined) => (globs ?? []).some((glob) => matcher(glob)(name));
  const tagged = (wanted: readonly string[] | undefined) => (wanted ?? []).some((t) => topicSet.has(t.toLowerCase()));
  if (matches(lanes?.production) || tagged(lanes?.topics?.production)) out.add('production');
  if (matches(lanes?.data) || tagged(lanes?.topics?.data)) out.add('data');
  if (out.size === 0) out.add('code');
  return sortLanes(out);
}

/** Whether a name is one of the production environments of this config. */
export function isProductionEnvironment(name: string, lanes: Partial<GithubLanes> | undefined): boolean {
  const globs = lanes?.productionEnvironments ?? DEFAULT_PRODUCTION_ENVIRONMENTS;
  return globs.some((glob) => matcher(glob)(name));
}

/** What membership alone reads: the organisation's internal repositories, as one resource. */
export const INTERNAL_VISIBILITY = 'internal visibility';

/** "northwind:internal": no repository is named so; approving northwind/* covers it (an alias). */
export function internalResource(org: string): string {
  return `${org}:internal`;
}

export function classifyGithubGrant(grant: Grant, config: ClassifyConfig): Classification {
  const attributes = grant.attributes ?? {};
  const granted = levelOfPermission(grant.permission, attributes);
  // An archived repository is read-only to everyone; only an admin may unarchive it.
  const level = attributes.archived === true && granted === 'write' ? 'read' : granted;
  const lanes = new Set<Lane>();
  const orgWide = !grant.resource.includes('/') || grant.resource.endsWith('/*');

  if (orgWide) {
    // Owners and the base permission reach every repo: their lanes are the lanes of the org's repos.
    const recorded = stringList(attributes.repoLanes).filter((l): l is Lane =>
      (LANES as readonly string[]).includes(l),
    );
    for (const lane of recorded.length > 0 ? recorded : LANES) lanes.add(lane);
  } else {
    for (const lane of repoLanes(grant.resource, stringList(attributes.topics), config.lanes)) lanes.add(lane);
  }
  // Writing to a repo that deploys to production without anyone else's review is production access.
  if (levelRank(level) >= levelRank('write') && deploysUnreviewed(attributes, config.lanes)) lanes.add('production');
  return { lanes: sortLanes(lanes), level };
}

function deploysUnreviewed(attributes: Attributes, lanes: Partial<GithubLanes> | undefined): boolean {
  const unreviewed = attributes.unreviewedEnvironments;
  if (Array.isArray(unreviewed)) return unreviewed.some((name) => isProductionEnvironment(name, lanes));
  return attributes.unreviewedProductionDeploy === true;
}

function stringList(value: Attributes[string] | undefined): string[] {
  return Array.isArray(value) ? value : [];
}

function sortLanes(lanes: Iterable<Lane>): Lane[] {
  const set = new Set(lanes);
  return LANES.filter((l) => set.has(l));
}
