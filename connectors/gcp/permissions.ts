// What a role allows, judged by its permissions rather than its name: a custom role called
// "viewer" that holds resourcemanager.projects.setIamPolicy is an administrator. This is how
// roles outside the role table (custom roles, new predefined ones) are classed, and the table's
// predefined roles come out the same when they are expressed by their permission lists (tested
// against Google's published definitions).
import type { Level } from '../../src/core/model.js';
import type { RoleReach } from './roles.js';

/** Services whose contents are the company's data: reading them is reading data. */
const DATA_SERVICES = new Set([
  'alloydb',
  'bigquery',
  'bigtable',
  'cloudkms',
  'cloudsql',
  'datastore',
  'firestore',
  'logging',
  'memcache',
  'pubsub',
  'redis',
  'secretmanager',
  'spanner',
  'storage',
]);

/** Services that run or ship the running system: changing them changes production. */
const PRODUCTION_SERVICES = new Set([
  'appengine',
  'artifactregistry',
  'cloudbuild',
  'cloudfunctions',
  'cloudscheduler',
  'compute',
  'container',
  'dns',
  'iam',
  'resourcemanager',
  'run',
  'serviceusage',
  'workflows',
]);

/**
 * Reads of contents, not of configuration: each is a data read. (Everything else that only
 * gets or lists is a read of metadata.)
 */
const DATA_READS = new Set([
  'bigquery.models.getData',
  'bigquery.rowAccessPolicies.getFilteredData',
  'bigquery.tables.createSnapshot',
  'bigquery.readsessions.update',
  'bigtable.instances.executeQuery',
  // Connecting to a database: what it may do there is the database's own grants, not IAM's.
  'cloudsql.instances.executeSql',
  'cloudsql.instances.login',
  'pubsub.snapshots.seek',
  'pubsub.topics.attachSubscription',
  'bigquery.tables.export',
  'bigquery.tables.getData',
  'bigquery.tables.replicateData',
  'bigquery.readsessions.create',
  'bigquery.readsessions.getData',
  'bigquery.jobs.create',
  'bigtable.tables.readRows',
  'cloudkms.cryptoKeyVersions.useToDecrypt',
  'cloudsql.instances.connect',
  'datastore.entities.get',
  'datastore.entities.list',
  'logging.logEntries.list',
  'logging.privateLogEntries.list',
  'logging.views.access',
  'pubsub.subscriptions.consume',
  'secretmanager.versions.access',
  'spanner.databases.read',
  'spanner.databases.select',
  'storage.objects.get',
  'storage.objects.list',
]);

/**
 * Permissions that make their holder an administrator without a setIamPolicy: they mint
 * credentials or sign as a service account (acting as anything it can reach), create or define
 * identities and roles, open a root shell, or switch whole services and clusters on and off.
 */
const ADMIN_PERMISSIONS = new Set([
  'appengine.runtimes.actAsAdmin',
  'cloudscheduler.jobs.create',
  'cloudscheduler.jobs.delete',
  'cloudsql.instances.create',
  'cloudsql.instances.delete',
  'compute.instances.osAdminLogin',
  'container.clusters.create',
  'container.clusters.delete',
  'datastore.databases.create',
  'datastore.databases.delete',
  'dns.managedZones.create',
  'dns.managedZones.delete',
  'iam.roles.create',
  'iam.roles.delete',
  'iam.roles.update',
  'iam.serviceAccountKeys.create',
  'iam.serviceAccounts.create',
  'iam.serviceAccounts.delete',
  'iam.serviceAccounts.implicitDelegation',
  'iam.serviceAccounts.signBlob',
  'iam.serviceAccounts.signJwt',
  'resourcemanager.folders.create',
  'resourcemanager.folders.delete',
  'resourcemanager.folders.move',
  'serviceusage.services.disable',
  'serviceusage.services.enable',
]);

/** Verbs that only look: get…, list…, search… and the like. */
const READ_VERB =
  /^(get|list|search|read|select|query|sample|ping|view|fetch|describe|check|lookup|test|analyze|export|download|fullView|partition|beginReadOnly|capacity|usePrivate|compute|validate|translate)/;

/**
 * Permissions named like changes that only look: sessions and consistency tokens a reader needs,
 * a cluster's endpoint (what one may do there is Kubernetes RBAC's), Kubernetes self-reviews, an
 * upgrade pre-check.
 */
const READS = new Set([
  'bigtable.tables.generateConsistencyToken',
  'cloudsql.instances.preCheckMajorVersionUpgrade',
  'container.clusters.connect',
  'container.selfSubjectAccessReviews.create',
  'container.selfSubjectRulesReviews.create',
  'container.tokenReviews.create',
  'spanner.sessions.create',
  'spanner.sessions.delete',
]);

/** Calling a running service (a Cloud Run service or job, a function): a read of production. */
const INVOKES = /^(run\.(routes\.invoke|instances\.invoke|jobs\.run)|cloudfunctions\.functions\.(invoke|call))$/;

/** Using a service, not changing it: enabling one's own requests against its quota. */
const USES = new Set(['serviceusage.services.use']);

/**
 * Running as a service account and creating something that runs (a VM, a service, a function,
 * a build) is running with that account's access: the pair is an escalation to administrator.
 */
const ACTS_AS = 'iam.serviceAccounts.actAs';
const CREATES_COMPUTE =
  /^(compute\.instances\.create|run\.(services|jobs)\.create|cloudfunctions\.functions\.create|cloudbuild\.builds\.create|appengine\.applications\.create|container\.pods\.create|dataflow\.jobs\.create|composer\.environments\.create|workflows\.workflows\.create|cloudscheduler\.jobs\.create)$/;

/**
 * A permission's place: 'other' is a change to a service neither data nor production (a
 * companion service bundled in many roles, such as dataplex or dataform): it counts only when
 * nothing else in the role does, and then as production, overstated rather than hidden.
 */
type PermissionReach = RoleReach | 'other';

/**
 * Bundled into many compute and deploy roles for Cloud KMS Autokey: they create a key on demand
 * or read the project's setting, and neither reads or changes what is stored.
 */
const COMPANIONS = new Set(['cloudkms.keyHandles.create', 'cloudkms.projects.showEffectiveAutokeyConfig']);

export interface PermissionClass {
  /** The strongest of reaches (production, then data): how the evidence names the role first. */
  reach: RoleReach;
  /**
   * Everything the role reaches, strongest first: a role that deploys and reads BigQuery rows
   * reaches production and data, and keeps both lanes (classify.ts), as the same permissions
   * split across two roles would.
   */
  reaches: RoleReach[];
  /** The highest level of any permission that counts: setIamPolicy on a bucket is admin, whatever else the role does. */
  level: Level;
  /** The permissions that decided it, a few at most, for the evidence. */
  decisive: string[];
  /** Each reach with its own level and the permissions that decided it, for the evidence. */
  parts: PermissionPart[];
}

export interface PermissionPart {
  reach: RoleReach;
  level: Level;
  decisive: string[];
}

const LEVEL_RANK: Record<Level, number> = { read: 0, write: 1, admin: 2 };

/** One permission's reach and level. */
export function classifyPermission(permission: string): { reach: PermissionReach; level: Level } {
  const [service = '', ...rest] = permission.split('.');
  const verb = rest.at(-1) ?? '';
  if (COMPANIONS.has(permission)) return { reach: 'other', level: 'read' };
  const home: PermissionReach = DATA_SERVICES.has(service)
    ? 'data'
    : PRODUCTION_SERVICES.has(service)
      ? 'production'
      : 'other';
  if (verb === 'setIamPolicy' || ADMIN_PERMISSIONS.has(permission)) return { reach: home, level: 'admin' };
  if (DATA_READS.has(permission)) return { reach: 'data', level: 'read' };
  if (INVOKES.test(permission)) return { reach: 'production', level: 'read' };
  // Getting a token as a service account is using it: production, as acting as it is.
  if (permission === 'iam.serviceAccounts.getAccessToken') return { reach: 'production', level: 'write' };
  if (READ_VERB.test(verb) || READS.has(permission) || USES.has(permission))
    return { reach: 'metadata', level: 'read' };
  return { reach: home, level: 'write' };
}

/**
 * A role's reaches and level from its whole permission list. Production and data each count
 * whenever any permission reaches them: the lanes are their union and the level the highest,
 * so a role is classed as the same permissions split across several roles would be. Companion
 * services count only when neither does (as production), metadata only when nothing else does.
 */
export function classifyPermissions(permissions: readonly string[]): PermissionClass {
  const classes = permissions.map((p) => ({ permission: p, ...classifyPermission(p) }));
  const escalates = permissions.includes(ACTS_AS) && permissions.some((p) => CREATES_COMPUTE.test(p));
  // Running as a service account and creating something that runs is production administration.
  const escalation = escalates
    ? [
        { permission: ACTS_AS, reach: 'production' as const, level: 'admin' as const },
        ...permissions
          .filter((p) => CREATES_COMPUTE.test(p))
          .slice(0, 2)
          .map((p) => ({ permission: p, reach: 'production' as const, level: 'admin' as const })),
      ]
    : [];
  const main = [...escalation, ...classes.filter((c) => c.reach === 'production' || c.reach === 'data')];
  const counted =
    main.length > 0
      ? main
      : classes.some((c) => c.reach === 'other')
        ? classes.filter((c) => c.reach === 'other').map((c) => ({ ...c, reach: 'production' as const }))
        : classes;
  if (counted.length === 0) return { reach: 'metadata', reaches: ['metadata'], level: 'read', decisive: [], parts: [] };
  const parts = (['production', 'data', 'metadata'] as const).flatMap((reach): PermissionPart[] => {
    const inReach = counted.filter((c) => c.reach === reach);
    if (inReach.length === 0) return [];
    const level = inReach.reduce<Level>((top, c) => (LEVEL_RANK[c.level] > LEVEL_RANK[top] ? c.level : top), 'read');
    // The evidence names the permissions at that level, the escalation rather than any others.
    const decisive =
      reach === 'production' && escalates
        ? escalation.map((c) => c.permission)
        : [...new Set(inReach.filter((c) => c.level === level).map((c) => c.permission))].sort().slice(0, 3);
    return [{ reach, level, decisive }];
  });
  const level = parts.reduce<Level>((top, p) => (LEVEL_RANK[p.level] > LEVEL_RANK[top] ? p.level : top), 'read');
  return {
    reach: parts[0]!.reach,
    reaches: parts.map((p) => p.reach),
    level,
    decisive: parts.flatMap((p) => p.decisive),
    parts,
  };
}
