// What the GCP emulator serves: one resource tree described the way an admin thinks of it (an
// organisation, folders, projects, who is bound to which role where, service accounts and their
// keys). The emulator derives Google's answers from it (project numbers, etags, paging).
import { z } from 'zod';

const Instant = z.string().min(10);

const ConditionSchema = z.strictObject({
  title: z.string().min(1),
  description: z.string().optional(),
  expression: z.string().min(1),
});

export const ScenarioBindingSchema = z.strictObject({
  role: z.string().min(1),
  members: z.array(z.string().min(1)).min(1),
  condition: ConditionSchema.optional(),
});
export type ScenarioBinding = z.infer<typeof ScenarioBindingSchema>;

const Bindings = z.array(ScenarioBindingSchema).default([]);
/**
 * The scanner may see the resource but not read its IAM policy (nor, for a project, its service
 * accounts): answered 403 PERMISSION_DENIED.
 */
const Denied = z.boolean().default(false);

export const ScenarioKeySchema = z.strictObject({
  /** 40 hex digits, as Google writes key ids. */
  id: z.string().regex(/^[0-9a-f]{16,64}$/),
  validAfterTime: Instant,
  /** Absent: Google's "never expires" sentinel, 9999-12-31T23:59:59Z. */
  validBeforeTime: Instant.optional(),
  disabled: z.boolean().default(false),
  keyAlgorithm: z.string().default('KEY_ALG_RSA_2048'),
});

export const ScenarioServiceAccountSchema = z.strictObject({
  email: z.string().regex(/^[^@\s]+@[^@\s]+$/),
  displayName: z.string().optional(),
  description: z.string().optional(),
  disabled: z.boolean().default(false),
  keys: z.array(ScenarioKeySchema).default([]),
  /** Its own IAM policy: who may act as it (roles/iam.serviceAccountTokenCreator on this account alone). */
  bindings: Bindings,
  /** Its IAM policy may not be read (no iam.serviceAccounts.getIamPolicy): 403. */
  policyDenied: Denied,
});

/** A Cloud Storage bucket: bindings beyond the project-convenience ones every bucket starts with. */
export const ScenarioBucketSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, 'a bucket name'),
  bindings: Bindings,
  /** Its IAM policy may not be read: 403. */
  denied: Denied,
});

/** One entry of a dataset's access list, as BigQuery writes it. */
const ScenarioAccessEntrySchema = z.strictObject({
  role: z.string().min(1),
  userByEmail: z.string().optional(),
  groupByEmail: z.string().optional(),
  domain: z.string().optional(),
  specialGroup: z.string().optional(),
  iamMember: z.string().optional(),
  view: z.strictObject({ projectId: z.string(), datasetId: z.string(), tableId: z.string() }).optional(),
  /** An IAM condition on the entry: shown only to a request for access policy version 3. */
  condition: ConditionSchema.optional(),
});

/** A BigQuery dataset: access entries beyond the project special groups every dataset starts with. */
export const ScenarioDatasetSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_]{1,1024}$/, 'a dataset id'),
  access: z.array(ScenarioAccessEntrySchema).default([]),
  denied: Denied,
});

export const ScenarioProjectSchema = z.strictObject({
  projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a project id (6-30 lower-case letters, digits, -)'),
  /** The project number; derived from the position when absent. */
  number: z.string().regex(/^\d+$/).optional(),
  displayName: z.string().optional(),
  /** folders/<id> or organizations/<id>; absent for a project outside any organisation. */
  parent: z
    .string()
    .regex(/^(folders|organizations)\/\d+$/)
    .optional(),
  labels: z.record(z.string(), z.string()).default({}),
  state: z.enum(['ACTIVE', 'DELETE_REQUESTED']).default('ACTIVE'),
  denied: Denied,
  bindings: Bindings,
  serviceAccounts: z.array(ScenarioServiceAccountSchema).default([]),
  buckets: z.array(ScenarioBucketSchema).default([]),
  datasets: z.array(ScenarioDatasetSchema).default([]),
  /** The scanner may not list the project's buckets (or datasets): 403. */
  bucketsDenied: Denied,
  datasetsDenied: Denied,
  /** The BigQuery API is off in this project: Google answers 403 SERVICE_DISABLED, naming it. */
  bigqueryDisabled: z.boolean().default(false),
});
export type ScenarioProject = z.infer<typeof ScenarioProjectSchema>;

export const ScenarioFolderSchema = z.strictObject({
  id: z.string().regex(/^\d+$/),
  displayName: z.string().min(1),
  parent: z.string().regex(/^(folders|organizations)\/\d+$/),
  /** Hidden from folders:search (the scanner cannot list it) but readable with folders.get. */
  unlisted: z.boolean().default(false),
  denied: Denied,
  bindings: Bindings,
});

/** A role IAM can describe: custom roles of the organisation or a project, or predefined roles. */
export const ScenarioRoleSchema = z.strictObject({
  name: z.string().regex(/^((organizations|projects)\/[^/]+\/)?roles\/[A-Za-z0-9_.]+$/),
  title: z.string().min(1),
  includedPermissions: z.array(z.string().min(1)).default([]),
});

export const GcpScenarioSchema = z.strictObject({
  organization: z
    .strictObject({
      id: z.string().regex(/^\d+$/),
      /** The organisation's domain, its display name in Resource Manager. */
      domain: z.string().min(1),
      denied: Denied,
      bindings: Bindings,
    })
    .optional(),
  folders: z.array(ScenarioFolderSchema).default([]),
  projects: z.array(ScenarioProjectSchema).default([]),
  /** Roles iam.roles.get can answer for; any other role is NOT_FOUND. */
  roles: z.array(ScenarioRoleSchema).default([]),
  /**
   * Google groups Cloud Identity can look up, with their direct members as IAM writes them
   * (user:…, serviceAccount:…, group:… for a nested group). A group not listed is NOT_FOUND.
   */
  groups: z
    .array(z.strictObject({ email: z.string().regex(/^[^@\s]+@[^@\s]+$/), members: z.array(z.string().min(1)) }))
    .default([]),
  /** The scanner may not read Cloud Identity groups: every groups call answers 403. */
  groupsDenied: Denied,
  /** IAM v2 deny policies, each attached to the organisation, a folder or a project (by id). */
  denyPolicies: z
    .array(
      z.strictObject({
        attachedTo: z.string().regex(/^(organizations\/\d+|folders\/\d+|projects\/[a-z][a-z0-9-]+)$/),
        id: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
        displayName: z.string().optional(),
        rules: z.array(
          z.strictObject({
            deniedPrincipals: z.array(z.string()).default([]),
            exceptionPrincipals: z.array(z.string()).default([]),
            deniedPermissions: z.array(z.string()).default([]),
            exceptionPermissions: z.array(z.string()).default([]),
            denialCondition: z.strictObject({ title: z.string().optional(), expression: z.string() }).optional(),
          }),
        ),
      }),
    )
    .default([]),
  /** The scanner may not read deny policies (no iam.denypolicies.*): 403. */
  denyPoliciesDenied: Denied,
});
export type GcpScenario = z.infer<typeof GcpScenarioSchema>;
