// Lane(s) and level of one GCP grant. Pure: it reads the grant (its project and the labels
// collect() recorded) and the config's lanes mapping, so it can be re-run on a saved inventory
// when the mapping changes.

import type { Classification } from '../../src/core/connector.js';
import {
  type Attributes,
  type Grant,
  LANES,
  type Lane,
  type Level,
  LevelSchema,
  levelRank,
} from '../../src/core/model.js';
import { matchesAny } from '../../src/core/scope.js';
import { ROLE_TABLE, type RoleEntry, type RoleReach } from './roles.js';
import type { GcpLanes } from './schema.js';

/** What a project is for, by the config's mapping: production wins over data, anything else is staging. */
export type ProjectClass = 'production' | 'data' | 'staging';

export interface ClassifyConfig {
  lanes?: Partial<GcpLanes> | undefined;
}

export function projectClass(
  projectId: string,
  labels: readonly string[],
  lanes: Partial<GcpLanes> | undefined,
): ProjectClass {
  const matches = (globs: readonly string[] | undefined) => matchesAny(globs ?? [], projectId);
  const labelled = (selector: string | undefined) => selector !== undefined && labels.includes(selector);
  if (matches(lanes?.production) || labelled(lanes?.labels?.production)) return 'production';
  if (matches(lanes?.data) || labelled(lanes?.labels?.data)) return 'data';
  return 'staging';
}

/** The lane a project's own work falls in: its metadata, and what basic roles reach first. */
const PROJECT_LANE: Readonly<Record<ProjectClass, Lane>> = { production: 'production', data: 'data', staging: 'code' };

/** Basic roles (owner, editor) reach everything in the project: on production that includes its data. */
const BASIC_ROLE_LANES: Readonly<Record<ProjectClass, Lane[]>> = {
  production: ['production', 'data'],
  data: ['data'],
  staging: ['code'],
};

export function roleEntry(role: string): RoleEntry | undefined {
  return (ROLE_TABLE as Readonly<Record<string, RoleEntry>>)[role];
}

/**
 * A role the table does not know and whose definition could not be read (a gap of its own):
 * production when its name says it administers or edits, otherwise a read of the project's own
 * lane. Overstating is safer than hiding access.
 */
export function unknownRoleEntry(role: string): RoleEntry {
  const name = role.slice(role.lastIndexOf('/') + 1);
  if (/admin|owner/i.test(name)) return { reach: 'production', level: 'admin' };
  if (/editor|writer|developer/i.test(name)) return { reach: 'production', level: 'write' };
  return { reach: 'metadata', level: 'read' };
}

export function classifyRole(role: string, klass: ProjectClass, attributes?: Attributes): Classification {
  const known = roleEntry(role) ?? judgedByPermissions(attributes) ?? unknownRoleEntry(role);
  // A viewer the project's own buckets or datasets let read (convenience.ts) reaches what the
  // other basic roles do, at reading: on a production project, its data too.
  const entry: RoleEntry = attributes?.viewerReadsData ? { reach: 'project', level: known.level } : known;
  // A deny policy that took some of the role's permissions away caps it at what is left.
  return { lanes: sortLanes(lanesOf(entry, klass)), level: cappedLevel(entry.level, attributes?.denyLevel) };
}

const REACHES: readonly unknown[] = ['project', 'metadata', 'data', 'production'];

/**
 * What collect() found a role's permissions to allow (see permissions.ts), when it could read
 * them: every reach (roleReaches), or the strongest alone (roleReach) in an inventory saved
 * before roles were judged by all of theirs.
 */
function judgedByPermissions(attributes: Attributes | undefined): RoleEntry | undefined {
  const level = LevelSchema.safeParse(attributes?.roleLevel);
  const listed = attributes?.roleReaches;
  const reaches = (Array.isArray(listed) ? listed : [attributes?.roleReach]).filter((r) => REACHES.includes(r));
  if (!level.success || reaches.length === 0) return undefined;
  const [reach, ...also] = reaches as RoleReach[];
  return { reach: reach!, level: level.data, ...(also.length > 0 ? { also } : {}) };
}

/** The lower of a role's level and the cap a deny policy left it (deny.ts records it). */
function cappedLevel(level: Level, cap: unknown): Level {
  const parsed = LevelSchema.safeParse(cap);
  return parsed.success && levelRank(parsed.data) < levelRank(level) ? parsed.data : level;
}

/** A role's lanes: the union of what each of its reaches gives on this project. */
function lanesOf(entry: RoleEntry, klass: ProjectClass): Lane[] {
  return [entry.reach, ...(entry.also ?? [])].flatMap((reach) => reachLanes(reach, klass));
}

function reachLanes(reach: RoleReach, klass: ProjectClass): Lane[] {
  switch (reach) {
    case 'project':
      return BASIC_ROLE_LANES[klass];
    case 'metadata':
      // A viewer of a data project reads its data too: BigQuery datasets grant READER to the
      // project's viewers by default. Elsewhere a viewer sees configuration in the project's lane.
      return [PROJECT_LANE[klass]];
    case 'data':
      return ['data'];
    case 'production':
      // Deploying, running or administering what runs is production access on a production
      // project; on a staging project it is that project's lane (what staging runs is not
      // production), and on a data project, its data.
      return [PROJECT_LANE[klass]];
  }
}

export function classifyGcpGrant(grant: Grant, config: ClassifyConfig): Classification {
  // projects/<id>, or a bucket or dataset inside it (projects/<id>/buckets/<b>): the project classes it.
  const projectId = grant.resource.startsWith('projects/')
    ? grant.resource.slice('projects/'.length).split('/')[0]!
    : grant.resource;
  return classifyRole(
    grant.permission,
    projectClass(projectId, projectLabels(grant.attributes), config.lanes),
    grant.attributes,
  );
}

function projectLabels(attributes: Attributes | undefined): string[] {
  const value = attributes?.projectLabels;
  return Array.isArray(value) ? value : [];
}

/** Labels as `key=value` strings, sorted: how grants carry them and how the config names them. */
export function labelSelectors(labels: Readonly<Record<string, string>> | null | undefined): string[] {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort();
}

function sortLanes(lanes: Iterable<Lane>): Lane[] {
  const set = new Set(lanes);
  return LANES.filter((l) => set.has(l));
}
