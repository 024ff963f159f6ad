// The gcp block of the config, and zod schemas for the few fields of Google's answers the
// collector reads (nothing more, so an API that grows new fields never breaks us).
import { z } from 'zod';
import { ConnectorCommonSchema } from '../../src/core/config.js';

const Glob = z.string().min(1);
/** `key=value`: a project label that puts a project in a lane. */
const LabelSelector = z.string().regex(/^[a-z0-9_-]+=[a-z0-9_-]*$/, 'a label written key=value (e.g. env=prod)');

export const GcpLanesSchema = z.strictObject({
  /** Globs over project ids of production projects. */
  production: z.array(Glob).default([]),
  /** Globs over project ids of projects that hold data (analytics, warehouses). */
  data: z.array(Glob).default([]),
  /** Project labels that class a project, for organisations that label projects instead of naming them. */
  labels: z.strictObject({ production: LabelSelector.optional(), data: LabelSelector.optional() }).default({}),
});
export type GcpLanes = z.infer<typeof GcpLanesSchema>;

export const GcpRetrySchema = z.strictObject({
  /** Attempts per call, the first included, on 429/5xx answers and dropped connections. */
  attempts: z.number().int().min(1).max(10).default(6),
  /** First backoff delay; doubled on each retry, with jitter. Tests set it to 1. */
  baseDelayMs: z.number().int().nonnegative().default(500),
});
export type GcpRetry = z.infer<typeof GcpRetrySchema>;

const OrganizationId = z
  .string()
  .regex(/^(organizations\/)?\d+$/, 'an organisation id: digits, optionally prefixed "organizations/"')
  .transform((v) => v.replace(/^organizations\//, ''));

const FolderId = z
  .string()
  .regex(/^(folders\/)?\d+$/, 'a folder id: digits, optionally prefixed "folders/"')
  .transform((v) => v.replace(/^folders\//, ''));

export const GcpConfigSchema = z.strictObject({
  ...ConnectorCommonSchema.shape,
  /** Every project under this organisation (digits), unless folders/projects narrow it. */
  organization: z.union([OrganizationId, z.number().int().positive().transform(String)]).optional(),
  /** Only projects below these folders (ids). */
  folders: z.array(FolderId).optional(),
  /** Only projects whose id matches one of these globs. */
  projects: z.array(Glob).optional(),
  /** The sandbox's loopback server (http://127.0.0.1:PORT); Google's endpoints when absent. */
  endpoint: z.url().optional(),
  /** A bearer token, normally "${ENV}"; sandbox only. Application Default Credentials when absent. */
  accessToken: z.string().min(1).optional(),
  lanes: GcpLanesSchema.default(GcpLanesSchema.parse({})),
  retry: GcpRetrySchema.default(GcpRetrySchema.parse({})),
});
export type GcpConfig = z.infer<typeof GcpConfigSchema>;

// ---- Resource Manager v3 answers (as the client decodes them) ----

/** Enums arrive as names from the client's decoder, or as numbers from a raw `enum-encoding=int` answer. */
const EnumValue = z.union([z.string(), z.number()]).nullish();
const Labels = z.record(z.string(), z.string()).nullish();

export const ApiProjectSchema = z.object({
  /** projects/<number> */
  name: z.string().min(1),
  projectId: z.string().min(1),
  parent: z.string().nullish(),
  displayName: z.string().nullish(),
  state: EnumValue,
  labels: Labels,
});
export type ApiProject = z.infer<typeof ApiProjectSchema>;

export const ApiFolderSchema = z.object({
  /** folders/<id> */
  name: z.string().regex(/^folders\/\d+$/),
  parent: z.string().nullish(),
  displayName: z.string().nullish(),
  state: EnumValue,
});
export type ApiFolder = z.infer<typeof ApiFolderSchema>;

export const ApiOrganizationSchema = z.object({
  /** organizations/<id> */
  name: z.string().regex(/^organizations\/\d+$/),
  displayName: z.string().nullish(),
  state: EnumValue,
});
export type ApiOrganization = z.infer<typeof ApiOrganizationSchema>;

export const ApiConditionSchema = z.object({
  expression: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
});

export const ApiBindingSchema = z.object({
  role: z.string().min(1),
  members: z.array(z.string()).nullish(),
  condition: ApiConditionSchema.nullish(),
});
export type ApiBinding = z.infer<typeof ApiBindingSchema>;

export const ApiPolicySchema = z.object({
  version: z.number().nullish(),
  bindings: z.array(ApiBindingSchema).nullish(),
});
export type ApiPolicy = z.infer<typeof ApiPolicySchema>;

// ---- IAM v1 answers (REST JSON) ----

/**
 * One page of a REST list: Google's nextPageToken, and the items under the field each API names
 * (`accounts`, `items`, `datasets`…), a list the caller reads item by item.
 */
export const ApiPageSchema = z.object({ nextPageToken: z.string().nullish() }).catchall(z.unknown());
export const ApiPageItemsSchema = z.array(z.unknown()).nullish();

export const ApiServiceAccountSchema = z.object({
  email: z.string().min(3),
  uniqueId: z.string().nullish(),
  displayName: z.string().nullish(),
  description: z.string().nullish(),
  disabled: z.boolean().nullish(),
});
export type ApiServiceAccount = z.infer<typeof ApiServiceAccountSchema>;

export const ApiKeySchema = z.object({
  /** projects/<p>/serviceAccounts/<email>/keys/<keyId> */
  name: z.string().min(1),
  validAfterTime: z.string().nullish(),
  validBeforeTime: z.string().nullish(),
  keyType: z.string().nullish(),
  keyOrigin: z.string().nullish(),
  disabled: z.boolean().nullish(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyListSchema = z.object({ keys: z.array(z.unknown()).nullish() });

export const ApiRoleSchema = z.object({
  /** roles/x, organizations/<id>/roles/x or projects/<id>/roles/x */
  name: z.string().min(1),
  title: z.string().nullish(),
  includedPermissions: z.array(z.string()).nullish(),
});
export type ApiRole = z.infer<typeof ApiRoleSchema>;

/** groups:lookup: the group's resource name for its email. */
export const ApiGroupLookupSchema = z.object({ name: z.string().regex(/^groups\/[^/]+$/) });

/** One member a group reaches, directly or through nested groups (searchTransitiveMemberships). */
export const ApiTransitiveMembershipSchema = z.object({
  /** users/…, groups/…, or another member's resource name. */
  member: z.string().optional(),
  preferredMemberKey: z.array(z.object({ id: z.string().min(1), namespace: z.string().optional() })).min(1),
  relationType: z.string().optional(),
});
export type ApiTransitiveMembership = z.infer<typeof ApiTransitiveMembershipSchema>;

// ---- Cloud Storage JSON API and BigQuery v2 answers (REST JSON) ----

export const ApiBucketSchema = z.object({ name: z.string().min(1) });

export const ApiDatasetListItemSchema = z.object({
  datasetReference: z.object({ datasetId: z.string().min(1), projectId: z.string().min(1) }),
});

/**
 * One entry of a dataset's access list: a role (READER/WRITER/OWNER or roles/…) and exactly one
 * grantee field. `view`, `routine` and `dataset` entries authorise queries, not identities.
 */
export const ApiDatasetAccessSchema = z.object({
  role: z.string().nullish(),
  userByEmail: z.string().nullish(),
  groupByEmail: z.string().nullish(),
  domain: z.string().nullish(),
  specialGroup: z.string().nullish(),
  iamMember: z.string().nullish(),
  condition: ApiConditionSchema.nullish(),
});
export type ApiDatasetAccess = z.infer<typeof ApiDatasetAccessSchema>;

export const ApiDatasetSchema = z.object({ access: z.array(ApiDatasetAccessSchema).nullish() });

// ---- IAM v2 deny policies (REST JSON) ----

/** One entry of policies.listPolicies: its name only (Google leaves the rules out of the list). */
export const ApiDenyPolicyNameSchema = z.object({ name: z.string().min(1) });

export const ApiDenyRuleSchema = z.object({
  deniedPrincipals: z.array(z.string()).nullish(),
  exceptionPrincipals: z.array(z.string()).nullish(),
  deniedPermissions: z.array(z.string()).nullish(),
  exceptionPermissions: z.array(z.string()).nullish(),
  denialCondition: ApiConditionSchema.nullish(),
});
export type ApiDenyRule = z.infer<typeof ApiDenyRuleSchema>;

export const ApiDenyPolicySchema = z.object({
  /** policies/<url-encoded attachment point>/denypolicies/<id> */
  name: z.string().min(1),
  displayName: z.string().nullish(),
  rules: z.array(z.object({ denyRule: ApiDenyRuleSchema.nullish() })).nullish(),
});
export type ApiDenyPolicy = z.infer<typeof ApiDenyPolicySchema>;
