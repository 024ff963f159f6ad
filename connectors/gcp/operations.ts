// Every Google API method the collector may call, named by Google's own method ids (the
// discovery documents' `id`). One list serves the connector's `operations`, the emulator's
// log and router, and the contract test. All are reads: getIamPolicy is a POST on the wire
// but changes nothing.
export const GCP_OPERATIONS = [
  'cloudresourcemanager.organizations.search',
  'cloudresourcemanager.folders.search',
  'cloudresourcemanager.folders.get',
  'cloudresourcemanager.projects.search',
  'cloudresourcemanager.organizations.getIamPolicy',
  'cloudresourcemanager.folders.getIamPolicy',
  'cloudresourcemanager.projects.getIamPolicy',
  'iam.projects.serviceAccounts.list',
  'iam.projects.serviceAccounts.keys.list',
  'iam.projects.serviceAccounts.getIamPolicy',
  'iam.roles.get',
  'iam.organizations.roles.get',
  'iam.projects.roles.get',
  'cloudidentity.groups.lookup',
  'cloudidentity.groups.memberships.searchTransitiveMemberships',
  'storage.buckets.list',
  'storage.buckets.getIamPolicy',
  'bigquery.datasets.list',
  'bigquery.datasets.get',
  'iam.policies.listPolicies',
  'iam.policies.get',
] as const;
export type GcpOperation = (typeof GCP_OPERATIONS)[number];
