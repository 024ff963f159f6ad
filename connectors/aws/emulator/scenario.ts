// What the AWS emulator serves: an organisation's accounts, each with its IAM users, groups,
// roles, customer-managed policies, root account and credential-report behaviour, and
// optionally an Identity Center instance in the caller's account. Dates are ISO instants.
import { z } from 'zod';

/** Scenario files may give dates; AWS answers with instants, so the emulator holds instants. */
const Instant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date or instant')
  .transform((s) => new Date(s).toISOString());
const AccountId = z.string().regex(/^\d{12}$/);
/** Policy documents as plain JSON objects; the emulator URL-encodes them as IAM does. */
const Document = z.record(z.string(), z.unknown());

const InlinePolicy = z.strictObject({ name: z.string().min(1), document: Document });
/** Customer-managed policy names of the same account, AWS-managed names, or full ARNs. */
const ManagedRefs = z.array(z.string().min(1)).default([]);

const ScenarioAccessKey = z.strictObject({
  id: z.string().regex(/^AKIA[A-Z0-9]{12,}$/),
  active: z.boolean().default(true),
  createdAt: Instant,
  lastUsedAt: Instant.optional(),
  lastUsedService: z.string().optional(),
  lastUsedRegion: z.string().optional(),
});

const ScenarioUser = z.strictObject({
  name: z.string().min(1),
  path: z.string().default('/'),
  createdAt: Instant,
  tags: z.record(z.string(), z.string()).default({}),
  groups: z.array(z.string()).default([]),
  inlinePolicies: z.array(InlinePolicy).default([]),
  managedPolicies: ManagedRefs,
  boundary: z.string().optional(),
  /** A console password: when it was set and last used. */
  password: z.strictObject({ createdAt: Instant, lastUsedAt: Instant.optional() }).optional(),
  mfa: z.boolean().default(false),
  accessKeys: z.array(ScenarioAccessKey).max(2).default([]),
});
export type ScenarioUser = z.infer<typeof ScenarioUser>;

const ScenarioGroup = z.strictObject({
  name: z.string().min(1),
  path: z.string().default('/'),
  createdAt: Instant.optional(),
  inlinePolicies: z.array(InlinePolicy).default([]),
  managedPolicies: ManagedRefs,
});

const ScenarioRole = z.strictObject({
  name: z.string().min(1),
  path: z.string().default('/'),
  createdAt: Instant,
  description: z.string().optional(),
  trust: Document,
  inlinePolicies: z.array(InlinePolicy).default([]),
  managedPolicies: ManagedRefs,
  boundary: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  lastUsed: z.strictObject({ at: Instant, region: z.string().default('us-east-1') }).optional(),
});
export type ScenarioRole = z.infer<typeof ScenarioRole>;

const ScenarioManagedPolicy = z.strictObject({
  name: z.string().min(1),
  path: z.string().default('/'),
  createdAt: Instant.optional(),
  document: Document,
});

const ScenarioRoot = z.strictObject({
  createdAt: Instant,
  mfa: z.boolean().default(true),
  passwordLastUsedAt: Instant.optional(),
  accessKeys: z
    .array(ScenarioAccessKey.omit({ id: true }).extend({ id: z.string().optional() }))
    .max(2)
    .default([]),
});

const ScenarioBucket = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
  region: z.string().default('us-east-1'),
  createdAt: Instant,
  /** The bucket policy; absent when the bucket has none (GetBucketPolicy answers NoSuchBucketPolicy). */
  policy: Document.optional(),
  /** GetBucketPolicy answers AccessDenied (the audit role lacks s3:GetBucketPolicy, or the policy denies it). */
  policyDenied: z.boolean().default(false),
});

const ScenarioKey = z.strictObject({
  id: z.string().regex(/^[0-9a-f-]{36}$/),
  /** KMS is regional: the key is listed only in its region's endpoint. */
  region: z.string().min(1).default('us-east-1'),
  /** The key policy; absent: AWS's default, which lets the account's own IAM policies decide. */
  policy: Document.optional(),
  /** GetKeyPolicy answers AccessDenied (the key's own policy does not let the audit role read it). */
  policyDenied: z.boolean().default(false),
});

export const ScenarioAccountSchema = z.strictObject({
  id: AccountId,
  name: z.string().min(1),
  email: z.string().optional(),
  status: z.enum(['ACTIVE', 'SUSPENDED']).default('ACTIVE'),
  /** Organizations tags of the account. */
  tags: z.record(z.string(), z.string()).default({}),
  root: ScenarioRoot,
  users: z.array(ScenarioUser).default([]),
  groups: z.array(ScenarioGroup).default([]),
  roles: z.array(ScenarioRole).default([]),
  policies: z.array(ScenarioManagedPolicy).default([]),
  /** `denied`: GenerateCredentialReport answers AccessDenied, so the per-user fallback runs. */
  credentialReport: z.enum(['available', 'denied']).default('available'),
  /** How many report calls (GenerateCredentialReport or GetCredentialReport) a new report takes to be ready. */
  reportPolls: z.number().int().nonnegative().default(1),
  /**
   * When the report AWS hands out was generated, before the scan (it reuses one for four hours):
   * users and keys created later are not in it. Absent: the scan's first call generates one.
   */
  reportGeneratedAt: Instant.optional(),
  /** false: the report has no <root_account> row (a report edited or truncated on the way). */
  reportHasRoot: z.boolean().default(true),
  /** `denied`: AssumeRole into this account answers AccessDenied (the audit role is missing). */
  assumeRole: z.enum(['allowed', 'denied']).default('allowed'),
  /** S3 buckets with their policies; null: ListBuckets answers AccessDenied. */
  buckets: z.array(ScenarioBucket).nullable().default([]),
  /** KMS keys with their regions and key policies; null: ListKeys answers AccessDenied (in every region). */
  keys: z.array(ScenarioKey).nullable().default([]),
});
export type ScenarioAccount = z.infer<typeof ScenarioAccountSchema>;

const IdentityCenterSchema = z.strictObject({
  instanceId: z.string().regex(/^ssoins-[0-9a-f]{16}$/),
  identityStoreId: z.string().regex(/^d-[0-9a-f]{10}$/),
  users: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        userName: z.string().min(1),
        displayName: z.string().optional(),
        emails: z.array(z.string()).default([]),
        /** Identity Store's UserStatus: a DISABLED user cannot sign in. */
        status: z.enum(['ENABLED', 'DISABLED']).default('ENABLED'),
      }),
    )
    .default([]),
  groups: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        displayName: z.string().min(1),
        /** User names of the members. */
        members: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  permissionSets: z
    .array(
      z.strictObject({
        id: z.string().regex(/^ps-[0-9a-f]{16}$/),
        name: z.string().min(1),
        description: z.string().optional(),
        /** AWS-managed policy names. */
        managedPolicies: z.array(z.string()).default([]),
        inlinePolicy: Document.optional(),
        /** Customer-managed policies it references by name (and path), as they exist in each account. */
        customerManagedPolicies: z
          .array(z.strictObject({ name: z.string().min(1), path: z.string().default('/') }))
          .default([]),
        /** Its permissions boundary: an AWS-managed policy name, or a customer-managed reference. */
        boundary: z
          .union([
            z.strictObject({ managed: z.string().min(1) }),
            z.strictObject({ customer: z.strictObject({ name: z.string().min(1), path: z.string().default('/') }) }),
          ])
          .optional(),
      }),
    )
    .default([]),
  assignments: z
    .array(
      z
        .strictObject({
          account: AccountId,
          permissionSet: z.string().min(1),
          user: z.string().optional(),
          group: z.string().optional(),
        })
        .refine((a) => (a.user === undefined) !== (a.group === undefined), 'give exactly one of user or group'),
    )
    .default([]),
});
export type ScenarioIdentityCenter = z.infer<typeof IdentityCenterSchema>;

export const AwsScenarioSchema = z.strictObject({
  /** The account the sandbox's base credentials belong to (the management account). */
  callerAccount: AccountId,
  /** The base credentials' IAM user name in the caller account. */
  callerUser: z.string().default('lanekeeper-scanner'),
  /** Organization mode with this audit role; without it the sandbox config lists the accounts. */
  organization: z
    .strictObject({
      auditRole: z.string().min(1),
      /** The organisation's id, as DescribeOrganization answers it (and bucket policies name it). */
      id: z
        .string()
        .regex(/^o-[a-z0-9]{10,32}$/)
        .default('o-lanekeeper0'),
      /** Organizational units: accounts not in one sit under the root. */
      units: z
        .array(
          z.strictObject({
            id: z.string().regex(/^ou-[a-z0-9]{4}-[a-z0-9]{8}$/),
            /** The parent OU; the root when absent. */
            parent: z.string().optional(),
            accounts: z.array(AccountId).default([]),
          }),
        )
        .default([]),
      /** Service control policies besides AWS's FullAWSAccess (attached everywhere, as AWS does). */
      scps: z
        .array(
          z.strictObject({
            id: z.string().regex(/^p-[a-z0-9]{8}$/),
            name: z.string().min(1),
            document: Document,
            /** r-… (the root), ou-… or account ids. */
            targets: z.array(z.string()).min(1),
          }),
        )
        .default([]),
      /** false: the organisation has not enabled SCPs (the root lists no such policy type). */
      scpsEnabled: z.boolean().default(true),
    })
    .optional(),
  accounts: z.array(ScenarioAccountSchema).min(1),
  identityCenter: IdentityCenterSchema.optional(),
  /** AWS-managed policies beyond the emulator's built-in ones. */
  awsManagedPolicies: z.array(z.strictObject({ name: z.string().min(1), document: Document })).default([]),
});
export type AwsScenario = z.infer<typeof AwsScenarioSchema>;
