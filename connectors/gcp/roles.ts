// The role → lane table: data only, read by classify.ts and checked by its test. Add a role
// here when a customer meets one; a role not listed falls back to the name rule in classify.ts.
//
// reach:
//   project    a basic role: its lanes are the project's (production project → production + data,
//              data project → data, any other project → code)
//   metadata   sees configuration, not contents: read, in the lane of the project
//   data       reads or changes what is stored (BigQuery, Cloud Storage, Cloud SQL, secrets…)
//   production deploys, runs or changes the running system, or can act as someone who does
//              (service account impersonation, IAM administration): the production lane on a
//              production project, the project's own lane elsewhere
// also: further reaches of a role that holds both kinds (builds that read and write buckets,
// IAM administration that also sets datasets' and buckets' policies): its lanes are the union.
import type { Level } from '../../src/core/model.js';

export type RoleReach = 'project' | 'metadata' | 'data' | 'production';

export interface RoleEntry {
  reach: RoleReach;
  level: Level;
  also?: readonly RoleReach[];
}

export const ROLE_TABLE = {
  // Basic roles
  'roles/owner': { reach: 'project', level: 'admin' },
  'roles/editor': { reach: 'project', level: 'write' },
  'roles/viewer': { reach: 'metadata', level: 'read' },

  // Configuration only
  'roles/browser': { reach: 'metadata', level: 'read' },
  'roles/iam.roleViewer': { reach: 'metadata', level: 'read' },
  'roles/iam.serviceAccountViewer': { reach: 'metadata', level: 'read' },
  'roles/resourcemanager.folderViewer': { reach: 'metadata', level: 'read' },
  'roles/resourcemanager.organizationViewer': { reach: 'metadata', level: 'read' },
  'roles/compute.viewer': { reach: 'metadata', level: 'read' },
  'roles/container.viewer': { reach: 'metadata', level: 'read' },
  'roles/run.viewer': { reach: 'metadata', level: 'read' },
  'roles/cloudsql.viewer': { reach: 'metadata', level: 'read' },
  'roles/monitoring.viewer': { reach: 'metadata', level: 'read' },
  'roles/bigquery.metadataViewer': { reach: 'metadata', level: 'read' },
  'roles/serviceusage.serviceUsageConsumer': { reach: 'metadata', level: 'read' },

  // Data
  // Lists every log entry (and Datastore entity): its permissions read data, whatever its name says.
  'roles/iam.securityReviewer': { reach: 'data', level: 'read' },
  'roles/bigquery.dataViewer': { reach: 'data', level: 'read' },
  'roles/bigquery.filteredDataViewer': { reach: 'data', level: 'read' },
  'roles/bigquery.readSessionUser': { reach: 'data', level: 'read' },
  'roles/bigquery.jobUser': { reach: 'data', level: 'read' },
  // Creates datasets of its own and copies data into them: a write, judged by its permissions.
  'roles/bigquery.user': { reach: 'data', level: 'write' },
  'roles/bigquery.dataEditor': { reach: 'data', level: 'write' },
  'roles/bigquery.dataOwner': { reach: 'data', level: 'admin' },
  'roles/bigquery.admin': { reach: 'data', level: 'admin' },
  'roles/storage.objectViewer': { reach: 'data', level: 'read' },
  'roles/storage.legacyBucketReader': { reach: 'data', level: 'read' },
  'roles/storage.legacyObjectReader': { reach: 'data', level: 'read' },
  // What every bucket grants the project's editors and owners: lists, writes and sets its IAM.
  'roles/storage.legacyBucketOwner': { reach: 'data', level: 'admin' },
  'roles/storage.legacyBucketWriter': { reach: 'data', level: 'write' },
  'roles/storage.legacyObjectOwner': { reach: 'data', level: 'admin' },
  'roles/storage.objectCreator': { reach: 'data', level: 'write' },
  'roles/storage.objectUser': { reach: 'data', level: 'write' },
  'roles/storage.objectAdmin': { reach: 'data', level: 'admin' },
  'roles/storage.admin': { reach: 'data', level: 'admin' },
  'roles/cloudsql.client': { reach: 'data', level: 'read' },
  'roles/cloudsql.instanceUser': { reach: 'data', level: 'read' },
  'roles/cloudsql.editor': { reach: 'data', level: 'write' },
  'roles/cloudsql.admin': { reach: 'data', level: 'admin' },
  'roles/secretmanager.secretAccessor': { reach: 'data', level: 'read' },
  'roles/secretmanager.secretVersionManager': { reach: 'data', level: 'write' },
  'roles/secretmanager.admin': { reach: 'data', level: 'admin' },
  'roles/spanner.databaseReader': { reach: 'data', level: 'read' },
  'roles/spanner.databaseUser': { reach: 'data', level: 'write' },
  'roles/spanner.databaseAdmin': { reach: 'data', level: 'admin' },
  'roles/spanner.admin': { reach: 'data', level: 'admin' },
  'roles/datastore.viewer': { reach: 'data', level: 'read' },
  'roles/datastore.user': { reach: 'data', level: 'write' },
  'roles/datastore.owner': { reach: 'data', level: 'admin' },
  'roles/bigtable.reader': { reach: 'data', level: 'read' },
  'roles/bigtable.user': { reach: 'data', level: 'write' },
  'roles/bigtable.admin': { reach: 'data', level: 'admin' },
  'roles/pubsub.subscriber': { reach: 'data', level: 'read' },
  'roles/pubsub.publisher': { reach: 'data', level: 'write' },
  'roles/pubsub.editor': { reach: 'data', level: 'write' },
  'roles/pubsub.admin': { reach: 'data', level: 'admin' },
  'roles/logging.viewer': { reach: 'data', level: 'read' },
  'roles/logging.privateLogViewer': { reach: 'data', level: 'read' },
  'roles/cloudkms.cryptoKeyDecrypter': { reach: 'data', level: 'read' },

  // Deploy and runtime
  'roles/run.invoker': { reach: 'production', level: 'read' },
  'roles/run.developer': { reach: 'production', level: 'write' },
  'roles/run.admin': { reach: 'production', level: 'admin' },
  'roles/container.developer': { reach: 'production', level: 'write' },
  'roles/container.admin': { reach: 'production', level: 'admin' },
  'roles/container.clusterAdmin': { reach: 'production', level: 'admin' },
  'roles/compute.osLogin': { reach: 'production', level: 'write' },
  'roles/compute.osAdminLogin': { reach: 'production', level: 'admin' },
  'roles/compute.instanceAdmin': { reach: 'production', level: 'admin' },
  'roles/compute.instanceAdmin.v1': { reach: 'production', level: 'admin' },
  'roles/compute.networkAdmin': { reach: 'production', level: 'admin' },
  'roles/compute.securityAdmin': { reach: 'production', level: 'admin' },
  'roles/compute.admin': { reach: 'production', level: 'admin' },
  'roles/cloudfunctions.invoker': { reach: 'production', level: 'read' },
  'roles/cloudfunctions.developer': { reach: 'production', level: 'write' },
  'roles/cloudfunctions.admin': { reach: 'production', level: 'admin' },
  'roles/appengine.deployer': { reach: 'production', level: 'write' },
  'roles/appengine.appAdmin': { reach: 'production', level: 'admin' },
  // Builds read and write what is stored (sources in buckets, logs, Pub/Sub): data as well.
  'roles/cloudbuild.builds.builder': { reach: 'production', level: 'write', also: ['data'] },
  'roles/cloudbuild.builds.editor': { reach: 'production', level: 'write' },
  'roles/artifactregistry.writer': { reach: 'production', level: 'write' },
  'roles/artifactregistry.admin': { reach: 'production', level: 'admin' },
  'roles/cloudscheduler.admin': { reach: 'production', level: 'admin' },
  'roles/dns.admin': { reach: 'production', level: 'admin' },
  'roles/serviceusage.serviceUsageAdmin': { reach: 'production', level: 'admin' },

  // Acting as a service account, or granting roles, is holding whatever that reaches
  'roles/iam.serviceAccountUser': { reach: 'production', level: 'write' },
  'roles/iam.workloadIdentityUser': { reach: 'production', level: 'write' },
  'roles/iam.serviceAccountTokenCreator': { reach: 'production', level: 'admin' },
  'roles/iam.serviceAccountKeyAdmin': { reach: 'production', level: 'admin' },
  'roles/iam.serviceAccountAdmin': { reach: 'production', level: 'admin' },
  // Sets the IAM of datasets, buckets and secrets itself and lists private logs: data as well.
  'roles/iam.securityAdmin': { reach: 'production', level: 'admin', also: ['data'] },
  'roles/iam.roleAdmin': { reach: 'production', level: 'admin' },
  'roles/resourcemanager.projectIamAdmin': { reach: 'production', level: 'admin' },
  'roles/resourcemanager.folderIamAdmin': { reach: 'production', level: 'admin' },
  'roles/resourcemanager.folderAdmin': { reach: 'production', level: 'admin' },
  'roles/resourcemanager.organizationAdmin': { reach: 'production', level: 'admin' },
} as const satisfies Readonly<Record<string, RoleEntry>>;
