// The normalised inventory every connector produces and every later stage reads.
// zod schemas are the source of the types, so a saved inventory.json (or a shard
// from another runner) is validated with the same definitions the code compiles against.
import { z } from 'zod';

export const LANES = ['code', 'data', 'production'] as const;
export const LaneSchema = z.enum(LANES);
export type Lane = z.infer<typeof LaneSchema>;

export const LEVELS = ['read', 'write', 'admin'] as const;
export const LevelSchema = z.enum(LEVELS);
export type Level = z.infer<typeof LevelSchema>;

/** read < write < admin; used to ask "is the held level above the approved one". */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** Connector-specific facts kept as plain data so rules and reports can show them. */
export const AttributesSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]),
);
export type Attributes = z.infer<typeof AttributesSchema>;

export const AccountKindSchema = z.enum([
  'human',
  'bot',
  'service',
  'root',
  'group', // a GCP group, an Identity Center group: stands for people the register may name
  'external', // another organisation's principal: an AWS account outside the org, a Slack Connect team
  'public', // allUsers, allAuthenticatedUsers, a whole domain
  'unknown',
]);
export type AccountKind = z.infer<typeof AccountKindSchema>;

export const AccountStatusSchema = z.enum(['active', 'suspended', 'invited', 'deleted']);
export type AccountStatus = z.infer<typeof AccountStatusSchema>;

/**
 * An identity in one target of one system. `(system, target, id)` is its identity;
 * we never join those into a string that could be split wrongly (see accountKey).
 */
export const AccountSchema = z.object({
  system: z.string(),
  /** The org, AWS account id, GCP organisation/folder/project, or Slack team. */
  target: z.string(),
  /** Stable id in the system: GitHub login (lower-cased), IAM ARN, GCP member string, Slack user id. */
  id: z.string(),
  /** What a person recognises: login, user name, email. */
  login: z.string(),
  displayName: z.string().optional(),
  /** Every email the system tells us about, lower-cased; used for linking. */
  emails: z.array(z.string()),
  kind: AccountKindSchema,
  status: AccountStatusSchema,
  /** The account's role in the whole target: "owner", "admin", "member", "guest", "root"... */
  role: z.string().optional(),
  mfa: z.boolean().optional(),
  /**
   * Whether a person can sign in with it interactively (a console password, an SSO user, a
   * workspace member). false for keys-only identities, which MFA does not protect; absent when
   * the system does not say (a person's account then counts as one that can).
   */
  interactive: z.boolean().optional(),
  /**
   * When the system said it would remove the account (a Slack guest's expiry). A promise, not a
   * fact: whether the account still works is its status, so a date in the past on an active
   * account means the system failed to remove it, not that the access is gone.
   */
  endsAt: z.string().optional(),
  createdAt: z.string().optional(),
  lastActiveAt: z.string().optional(),
  /**
   * Set when the account stands for everyone with an address in an email domain (GCP's
   * domain: members). The company's own domains are insiders; any other domain is public.
   */
  domain: z.string().optional(),
  /** Other identities that may link this account: SAML NameIDs, verified-domain emails' sources... */
  identities: z.array(z.string()).optional(),
  attributes: AttributesSchema.optional(),
});
export type Account = z.infer<typeof AccountSchema>;

export const ViaSchema = z.enum([
  'direct',
  'team',
  'group',
  'role',
  'permission-set',
  'org-role', // org owner, workspace admin: a role over the whole target
  'inherited', // GCP folder/org binding seen from a project
  'membership', // Slack channel membership, workspace membership
]);
export type Via = z.infer<typeof ViaSchema>;

/** One permission one account holds on one resource, with the lane(s) and level it amounts to. */
export const GrantSchema = z.object({
  system: z.string(),
  target: z.string(),
  /** Account id within (system, target). */
  account: z.string(),
  /** The thing access is held on, in the connector's resource naming: "northwind/shop", "111111111111", "projects/shop-prod", "#support". */
  resource: z.string(),
  /** Raw permission as the system names it: "push", "roles/editor", a policy ARN, "guest". */
  permission: z.string(),
  via: ViaSchema,
  /** Team slug, group name, folder, permission-set name: where the grant comes from. */
  viaName: z.string().optional(),
  /**
   * When the system itself stops honouring the grant (a GCP condition's end): after it the grant
   * is not live. A removal the system only promised belongs on Account.endsAt.
   */
  expiresAt: z.string().optional(),
  /** Set by the connector's classify(); recomputed whenever an inventory is loaded. */
  lanes: z.array(LaneSchema),
  level: LevelSchema,
  /** Human-readable lines that explain the grant: the policy, the condition, where it was granted. */
  evidence: z.array(z.string()).optional(),
  attributes: AttributesSchema.optional(),
});
export type Grant = z.infer<typeof GrantSchema>;

/** A grant as a connector emits it: lanes and level are set by the pipeline's classify step. */
export type UnclassifiedGrant = Omit<Grant, 'lanes' | 'level'> & Partial<Pick<Grant, 'lanes' | 'level'>>;

export const CredentialKindSchema = z.enum(['access-key', 'deploy-key', 'pat', 'sa-key', 'app', 'password']);
export type CredentialKind = z.infer<typeof CredentialKindSchema>;

export const CredentialSchema = z.object({
  system: z.string(),
  target: z.string(),
  account: z.string(),
  kind: CredentialKindSchema,
  /** An identifier, never the secret, shortened for display (AKIA…WXYZ). */
  id: z.string(),
  /** What the credential opens, when narrower than the account (a deploy key's repo). */
  resource: z.string().optional(),
  createdAt: z.string().optional(),
  lastUsedAt: z.string().optional(),
  expiresAt: z.string().optional(),
  active: z.boolean(),
  attributes: AttributesSchema.optional(),
});
export type Credential = z.infer<typeof CredentialSchema>;

/** A named secret a person with access could have read (GitHub Actions secrets): names and dates only. */
export const SecretSchema = z.object({
  system: z.string(),
  target: z.string(),
  /** Where it lives: the org, or the repo it belongs to. */
  resource: z.string(),
  name: z.string(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  /** What the system says of it besides (a GitHub org secret's visibility: all, private, selected). */
  attributes: AttributesSchema.optional(),
});
export type Secret = z.infer<typeof SecretSchema>;

/**
 * Something the scan could not see on a target that was otherwise read: a permission the token
 * lacks, records that failed their schema, a part of the hierarchy that answered with errors.
 * A target with a gap is incomplete unless the config acknowledges that kind of gap.
 */
export const GapSchema = z.object({
  /** "<system>.<what>" ("github.two-factor", "aws.credential-report"), or "records-invalid". */
  kind: z.string().min(1),
  /** What could not be seen and why, in one line. Redacted. */
  detail: z.string(),
  /** How many records it left out, where that is known. */
  count: z.number().int().nonnegative().optional(),
});
export type Gap = z.infer<typeof GapSchema>;

export const SystemStatusSchema = z.object({
  system: z.string(),
  target: z.string(),
  ok: z.boolean(),
  /** Why it failed: which call, which answer. Redacted. */
  error: z.string().optional(),
  /** Notes for the reader that do not change what was seen (a deleted principal left in a trust policy). */
  warnings: z.array(z.string()),
  /** What could not be seen on this target: each makes it incomplete unless acknowledged. */
  gaps: z.array(GapSchema).default([]),
  calls: z.number().int().nonnegative(),
  /** Of the calls, how many the system answered "not modified" (kept answers, not charged to its rate limit). */
  unchanged: z.number().int().nonnegative().optional(),
  /** Wall time of the read. Kept out of inventory.json and the reports, which must be the same bytes for the same state. */
  durationMs: z.number().nonnegative().optional(),
  collectedAt: z.string(),
});
export type SystemStatus = z.infer<typeof SystemStatusSchema>;

export const SNAPSHOT_SCHEMA_VERSION = 1;

/** A target one shard's discovery found and left to another shard (`collect --only`). */
export const TargetRefSchema = z.object({ system: z.string(), target: z.string() });
export type TargetRef = z.infer<typeof TargetRefSchema>;

export const SnapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  collectedAt: z.string(),
  /** Shards only: the company and register it was collected for; a merge refuses shards of another. */
  source: z.object({ organization: z.string().optional(), registerDigest: z.string().optional() }).optional(),
  /** Shards only: targets discovered but out of this shard's --only; another shard must have read them. */
  skipped: z.array(TargetRefSchema).optional(),
  systems: z.array(SystemStatusSchema),
  accounts: z.array(AccountSchema),
  grants: z.array(GrantSchema),
  credentials: z.array(CredentialSchema),
  secrets: z.array(SecretSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** A snapshot's lists of records, its bulk: what is read and kept a record at a time. */
export const SNAPSHOT_LISTS = ['accounts', 'grants', 'credentials', 'secrets'] as const;
export type SnapshotList = (typeof SNAPSHOT_LISTS)[number];
/** The schema of one record of each list. */
export const SNAPSHOT_RECORD_SCHEMAS: Record<SnapshotList, z.ZodType> = {
  accounts: AccountSchema,
  grants: GrantSchema,
  credentials: CredentialSchema,
  secrets: SecretSchema,
};
/** A snapshot without its lists of records. */
export const SnapshotHeadSchema = SnapshotSchema.omit({
  accounts: true,
  grants: true,
  credentials: true,
  secrets: true,
});

export interface AccountRef {
  system: string;
  target: string;
  id: string;
}

/** A map key for an account that cannot collide: JSON of the tuple, never a joined string. */
export function accountKey(ref: AccountRef): string {
  return JSON.stringify([ref.system, ref.target, ref.id]);
}

export function grantAccountKey(grant: Pick<Grant, 'system' | 'target' | 'account'>): string {
  return accountKey({ system: grant.system, target: grant.target, id: grant.account });
}

/**
 * The names a grant's resource answers to: the resource itself, then its aliases (an AWS
 * account's name), which a connector gives as a string or a list of strings. Coverage, the
 * register's scope check, the report's timelines and AWS's lanes all read aliases here, so an
 * alias names the resource for every one of them or for none.
 */
export function resourceNames(grant: Pick<Grant, 'resource' | 'attributes'>): string[] {
  return [grant.resource, ...resourceAliases(grant)];
}

/** A grant's resource's aliases alone (see resourceNames); none for most grants, without a list made. */
export function resourceAliases(grant: Pick<Grant, 'attributes'>): readonly string[] {
  const aliases = grant.attributes?.aliases;
  if (aliases === undefined) return NO_ALIASES;
  return (Array.isArray(aliases) ? aliases : [aliases]).filter((a): a is string => typeof a === 'string');
}

const NO_ALIASES: readonly string[] = Object.freeze([]);

/**
 * A grant with a time limit (a GCP condition, a Slack guest expiry) that has passed is no longer
 * access. A limit that cannot be read counts as live: unknown is never "expired". Evaluation,
 * offboarding, the register's first draft and access.csv all ask this one question.
 */
export function grantIsLive(grant: Pick<Grant, 'expiresAt'>, now: Date): boolean {
  if (grant.expiresAt === undefined) return true;
  const at = Date.parse(grant.expiresAt);
  return Number.isNaN(at) || at > now.getTime();
}
