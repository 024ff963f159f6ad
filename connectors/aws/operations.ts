// Every AWS API operation the collector may call, as "<IAM service prefix>:<Action>", which is
// also how the emulator logs them and how the README's least-privilege policy names them.
export const AWS_OPERATIONS = [
  'sts:GetCallerIdentity',
  'sts:AssumeRole',
  'organizations:ListAccounts',
  'organizations:ListTagsForResource',
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListParents',
  'organizations:ListPoliciesForTarget',
  'organizations:DescribePolicy',
  'iam:GetAccountAuthorizationDetails',
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:ListUsers',
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
  'iam:ListMFADevices',
  'iam:GetLoginProfile',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'sso:ListInstances',
  'sso:ListPermissionSetsProvisionedToAccount',
  'sso:ListAccountAssignments',
  'sso:DescribePermissionSet',
  'sso:ListManagedPoliciesInPermissionSet',
  'sso:GetInlinePolicyForPermissionSet',
  'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
  'sso:GetPermissionsBoundaryForPermissionSet',
  'identitystore:ListUsers',
  'identitystore:ListGroups',
  'identitystore:ListGroupMemberships',
  's3:ListAllMyBuckets',
  's3:GetBucketPolicy',
  'kms:ListKeys',
  'kms:GetKeyPolicy',
] as const;
export type AwsOperation = (typeof AWS_OPERATIONS)[number];

/** The awsJson1_1 services: x-amz-target prefix → IAM service prefix. */
export const JSON_TARGET_PREFIXES: Record<string, string> = {
  AWSOrganizationsV20161128: 'organizations',
  SWBExternalService: 'sso',
  AWSIdentityStore: 'identitystore',
  TrentService: 'kms',
};

/** The awsQuery services: API version → IAM service prefix. */
export const QUERY_VERSIONS: Record<string, string> = {
  '2010-05-08': 'iam',
  '2011-06-15': 'sts',
};

/**
 * The request-rate window an operation counts against: AWS limits each account's rate per
 * service (IAM's, STS's and Organizations' quotas are apart). The emulator keys its windows by
 * it, and the bench's rate floor counts the fewest calls by it.
 */
export function rateWindowOf(account: string, operation: string): string {
  return `${account}/${operation.slice(0, operation.indexOf(':'))}`;
}
