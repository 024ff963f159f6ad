// The aws block of the config. Credentials come from the default chain (env, profile, SSO,
// web identity in CI) unless the block gives static ones, which is how the sandbox does it.
import { z } from 'zod';
import { ConnectorCommonSchema } from '../../src/core/config.js';

const AccountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');
const Globs = z.array(z.string().min(1)).default([]);

export const ACCOUNT_CLASSES = ['production', 'data', 'staging'] as const;
export type AccountClass = (typeof ACCOUNT_CLASSES)[number];

export const AwsLanesSchema = z.strictObject({
  /** Globs over account ids and names of production accounts; "tag:env=prod" matches an Organizations tag. */
  production: Globs,
  /** Accounts whose main content is data (analytics, a data lake). */
  data: Globs,
  /** Staging, sandbox and development accounts: access there is the code lane. */
  staging: Globs,
  /** What an account no glob matches counts as; production by default, so a new account fails closed. */
  unmatched: z.enum(ACCOUNT_CLASSES).default('production'),
});
export type AwsLanes = z.infer<typeof AwsLanesSchema>;

export const AwsAccountSchema = z.strictObject({
  id: AccountId,
  name: z.string().min(1).optional(),
  /** Role to assume in that account; without it the account is read with the base credentials. */
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'a role ARN looks like arn:aws:iam::123456789012:role/name')
    .optional(),
  externalId: z.string().min(1).optional(),
});
export type AwsAccount = z.infer<typeof AwsAccountSchema>;

export const FORBIDDEN_ROLE = 'OrganizationAccountAccessRole';

export const AwsOrganizationSchema = z.strictObject({
  /** A read-only audit role deployed in every account (SecurityAudit or the policy in the README). */
  roleName: z
    .string()
    .min(1)
    .refine((name) => name.split('/').pop() !== FORBIDDEN_ROLE, {
      message: `${FORBIDDEN_ROLE} is an administrator role; deploy a read-only audit role (see connectors/aws/README.md) and name it here`,
    }),
  externalId: z.string().min(1).optional(),
});

export const AwsCredentialsSchema = z.strictObject({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
});
export type AwsCredentials = z.infer<typeof AwsCredentialsSchema>;

export const AwsConfigSchema = z
  .strictObject({
    ...ConnectorCommonSchema.shape,
    region: z.string().min(1).default('us-east-1'),
    /**
     * Regions whose regional resources (KMS keys) are read: every region the company uses. The
     * connector's `region` alone when absent.
     */
    regions: z.array(z.string().min(1)).min(1).optional(),
    /** One URL serving every AWS API the connector calls (the sandbox, a VPC endpoint proxy). */
    endpoint: z.url().optional(),
    credentials: AwsCredentialsSchema.optional(),
    accounts: z.array(AwsAccountSchema).min(1).optional(),
    organization: AwsOrganizationSchema.optional(),
    /** Read IAM Identity Center from the caller's account (the management or delegated admin account). */
    identityCenter: z.strictObject({ region: z.string().min(1).optional() }).optional(),
    lanes: AwsLanesSchema.default(AwsLanesSchema.parse({})),
  })
  .refine((c) => (c.accounts === undefined) !== (c.organization === undefined), {
    message: 'give exactly one of "accounts" (a list) or "organization" ({ "roleName": … })',
    path: ['accounts'],
  });
export type AwsConfig = z.infer<typeof AwsConfigSchema>;
