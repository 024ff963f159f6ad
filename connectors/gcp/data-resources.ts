// The data lane below projects: Cloud Storage buckets and BigQuery datasets keep IAM of their own,
// so a contractor can read a bucket of a project where they hold no role at all. Both are turned
// into bindings on the resource (projects/<p>/buckets/<b>, projects/<p>/datasets/<d>), which
// projectAccess judges like any other. Pure: what Google answered in, bindings out.
import { DATASET_SPECIAL_GROUP } from './convenience.js';
import type { PolicyAtNode } from './policy-node.js';
import type { ApiBinding, ApiDatasetAccess, ApiPolicy } from './schema.js';

export type DataResourceKind = 'buckets' | 'datasets';

/** projects/<p>/buckets/<b> or projects/<p>/datasets/<d>: how grants name a data resource. */
export function dataResourceName(projectId: string, kind: DataResourceKind, id: string): string {
  return `projects/${projectId}/${kind}/${id}`;
}

/** The parts of a data resource's name, or undefined for anything else (a project, a folder). */
export function parseDataResource(
  name: string | undefined,
): { projectId: string; kind: DataResourceKind; id: string } | undefined {
  const m = /^projects\/([^/]+)\/(buckets|datasets)\/(.+)$/.exec(name ?? '');
  return m ? { projectId: m[1]!, kind: m[2] as DataResourceKind, id: m[3]! } : undefined;
}

/**
 * Buckets keep the convenience members (`projectViewer:p`…) as Google writes them: convenience.ts
 * decides what each stands for, once every project's policy is read.
 */
export function bucketPolicy(projectId: string, bucket: string, policy: ApiPolicy): PolicyAtNode {
  const name = dataResourceName(projectId, 'buckets', bucket);
  return { name, label: name, bindings: policy.bindings ?? [] };
}

/** BigQuery's basic dataset roles are the predefined roles IAM maps them to. */
const DATASET_BASIC_ROLES: Readonly<Record<string, string>> = {
  READER: 'roles/bigquery.dataViewer',
  WRITER: 'roles/bigquery.dataEditor',
  OWNER: 'roles/bigquery.dataOwner',
};

/** BigQuery's special groups for the enclosing project's basic roles → the convenience kind. */
const CONVENIENCE_OF_GROUP = new Map(Object.entries(DATASET_SPECIAL_GROUP).map(([kind, group]) => [group, kind]));

/** The IAM member an access entry names, or undefined when it names no identity of its own. */
function datasetMember(entry: ApiDatasetAccess, projectId: string): string | undefined {
  if (entry.userByEmail) {
    // BigQuery keeps service accounts under userByEmail too; IAM writes them apart.
    const email = entry.userByEmail;
    return email.toLowerCase().endsWith('.gserviceaccount.com') ? `serviceAccount:${email}` : `user:${email}`;
  }
  if (entry.groupByEmail) return `group:${entry.groupByEmail}`;
  if (entry.domain) return `domain:${entry.domain}`;
  if (entry.iamMember) return entry.iamMember;
  if (entry.specialGroup === 'allAuthenticatedUsers') return 'allAuthenticatedUsers';
  // The enclosing project's basic roles, written as Cloud Storage writes them (convenience.ts).
  const basic = entry.specialGroup ? CONVENIENCE_OF_GROUP.get(entry.specialGroup) : undefined;
  if (basic) return `${basic}:${projectId}`;
  // Authorised views, routines and datasets are not identities.
  return undefined;
}

export function datasetPolicy(projectId: string, datasetId: string, access: readonly ApiDatasetAccess[]): PolicyAtNode {
  const name = dataResourceName(projectId, 'datasets', datasetId);
  const bindings: ApiBinding[] = [];
  for (const entry of access) {
    const member = datasetMember(entry, projectId);
    if (!member || !entry.role) continue;
    const binding: ApiBinding = { role: DATASET_BASIC_ROLES[entry.role] ?? entry.role, members: [member] };
    if (entry.condition) binding.condition = entry.condition;
    bindings.push(binding);
  }
  return { name, label: name, bindings };
}
