// The data file of actions that read stored data (not metadata): an object's bytes, a row, a
// secret's value, a log line, a query result. Held by someone on a production account, any
// of these puts them in the data lane. Names are exact IAM action names; matching is
// case-insensitive, as IAM's is. Keep it sorted by service; test/connectors/aws covers it.

export const DATA_READ_ACTIONS: readonly string[] = [
  'athena:GetQueryResults',
  'athena:GetQueryResultsStream',
  'cassandra:Select',
  'dynamodb:BatchGetItem',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:PartiQLSelect',
  'dynamodb:Query',
  'dynamodb:Scan',
  'ebs:GetSnapshotBlock',
  'ec2:GetPasswordData',
  'es:ESHttpGet',
  'glacier:GetJobOutput',
  'kinesis:GetRecords',
  'kms:Decrypt',
  'logs:FilterLogEvents',
  'logs:GetLogEvents',
  'logs:GetQueryResults',
  'logs:StartLiveTail',
  'neptune-db:ReadDataViaQuery',
  'rds-data:BatchExecuteStatement',
  'rds-data:ExecuteStatement',
  'rds-db:connect',
  'redshift-data:GetStatementResult',
  'redshift:GetClusterCredentials',
  's3:GetObject',
  's3:GetObjectVersion',
  's3-object-lambda:GetObject',
  'secretsmanager:GetSecretValue',
  'sqs:ReceiveMessage',
  'ssm:GetParameter',
  'ssm:GetParameterHistory',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'timestream:Select',
];

const lowerCased = new Set(DATA_READ_ACTIONS.map((a) => a.toLowerCase()));

export function isDataReadAction(action: string): boolean {
  return lowerCased.has(action.toLowerCase());
}

/**
 * Admin powers that stay admin on a named resource: writing a policy of one user, role or
 * group (often one's own), choosing a policy's version or who may assume a role, or lifting
 * a boundary, is writing oneself (or that principal) whatever access one likes.
 */
export const ESCALATION_ACTIONS: readonly string[] = [
  'iam:AddUserToGroup',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreatePolicyVersion',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy',
];

/**
 * Actions that let their holder become anyone in the account: write any IAM policy, mint
 * credentials for any user, change who may assume a role, rewrite the organisation.
 * Allowed on every resource, one of these is administrator power (and with it, everything
 * else). Identity Center's assignment actions are left out: they only matter in the
 * management account, where the organisation's admins hold them anyway.
 */
export const ADMIN_ACTIONS: readonly string[] = [
  ...ESCALATION_ACTIONS,
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:CreateUser',
  'iam:UpdateLoginProfile',
  'organizations:AttachPolicy',
  'organizations:CreateAccount',
  'organizations:DetachPolicy',
  'organizations:InviteAccountToOrganization',
].sort();

/** Verbs that only look (an action starting with one reads metadata unless it is a data read). */
export const READ_VERBS: readonly string[] = [
  'BatchGet',
  'Check',
  'Describe',
  'Estimate',
  'Generate',
  'Get',
  'Head',
  'List',
  'Lookup',
  'Preview',
  'Search',
  'Simulate',
  'Validate',
  'View',
];

/**
 * Verbs whose actions change something. The evaluator asks, for every service a policy names,
 * whether an action with each of these verbs would be allowed, so `ec2:*` or `Put*` count as
 * writes even when no concrete action in our lists is named.
 */
export const WRITE_VERBS: readonly string[] = [
  'Add',
  'Apply',
  'Associate',
  'Attach',
  'Authorize',
  'Cancel',
  'Copy',
  'Create',
  'Delete',
  'Deregister',
  'Detach',
  'Disable',
  'Disassociate',
  'Enable',
  'Execute',
  'Import',
  'Invoke',
  'Modify',
  'Publish',
  'Put',
  'Reboot',
  'Register',
  'Remove',
  'Replace',
  'Reset',
  'Restore',
  'Revoke',
  'Run',
  'Send',
  'Set',
  'Start',
  'Stop',
  'Tag',
  'Terminate',
  'Untag',
  'Update',
  'Upload',
  'Write',
];

/** Services probed even when no policy names them, so `*` and NotAction statements are judged. */
export const PROBE_SERVICES: readonly string[] = [
  'athena',
  'cloudformation',
  'cloudfront',
  'dynamodb',
  'ec2',
  'ecr',
  'ecs',
  'eks',
  'iam',
  'kms',
  'lambda',
  'logs',
  'organizations',
  'rds',
  'route53',
  's3',
  'secretsmanager',
  'sns',
  'sqs',
  'ssm',
  'sso',
];

/**
 * Actions that start code running as a role one passes (iam:PassRole): with PassRole, any of
 * these lends the holder that role's access, so the pair counts as admin.
 */
export const COMPUTE_WITH_ROLE_ACTIONS: readonly string[] = [
  'cloudformation:CreateStack',
  'codebuild:CreateProject',
  'datapipeline:CreatePipeline',
  'ec2:RunInstances',
  'ecs:RegisterTaskDefinition',
  'ecs:RunTask',
  'glue:CreateDevEndpoint',
  'glue:CreateJob',
  'lambda:CreateFunction',
  'lambda:UpdateFunctionConfiguration',
  'sagemaker:CreateNotebookInstance',
  'sagemaker:CreateTrainingJob',
];

/**
 * The resources IAM checks for each action above that is judged by the resource it is allowed
 * on: the resource types the Service Authorization Reference marks required, as ARN patterns
 * (`*` for each part that varies), every one of which a statement must allow. `"*"` stands for an
 * action that takes no resource: only a statement on `"*"` allows it. So `Allow * on
 * arn:aws:s3:::uploads/*` allows no iam:PutUserPolicy (users only) and no ec2:RunInstances.
 */
export const RESOURCES_OF: Readonly<Record<string, readonly string[]>> = {
  'cloudformation:CreateStack': ['arn:*:cloudformation:*:*:stack/*/*'],
  'codebuild:CreateProject': ['arn:*:codebuild:*:*:project/*'],
  'datapipeline:CreatePipeline': ['*'],
  'ec2:RunInstances': [
    'arn:*:ec2:*::image/*',
    'arn:*:ec2:*:*:instance/*',
    'arn:*:ec2:*:*:network-interface/*',
    'arn:*:ec2:*:*:security-group/*',
    'arn:*:ec2:*:*:subnet/*',
  ],
  'ecs:RegisterTaskDefinition': ['arn:*:ecs:*:*:task-definition/*:*'],
  'ecs:RunTask': ['arn:*:ecs:*:*:task-definition/*:*'],
  'glue:CreateDevEndpoint': ['*'],
  'glue:CreateJob': ['arn:*:glue:*:*:job/*'],
  'iam:AddUserToGroup': ['arn:*:iam::*:group/*'],
  'iam:AttachGroupPolicy': ['arn:*:iam::*:group/*'],
  'iam:AttachRolePolicy': ['arn:*:iam::*:role/*'],
  'iam:AttachUserPolicy': ['arn:*:iam::*:user/*'],
  'iam:CreateAccessKey': ['arn:*:iam::*:user/*'],
  'iam:CreateLoginProfile': ['arn:*:iam::*:user/*'],
  'iam:CreatePolicyVersion': ['arn:*:iam::*:policy/*'],
  'iam:CreateUser': ['arn:*:iam::*:user/*'],
  'iam:DeleteRolePermissionsBoundary': ['arn:*:iam::*:role/*'],
  'iam:DeleteUserPermissionsBoundary': ['arn:*:iam::*:user/*'],
  'iam:PassRole': ['arn:*:iam::*:role/*'],
  'iam:PutGroupPolicy': ['arn:*:iam::*:group/*'],
  'iam:PutRolePolicy': ['arn:*:iam::*:role/*'],
  'iam:PutUserPolicy': ['arn:*:iam::*:user/*'],
  'iam:SetDefaultPolicyVersion': ['arn:*:iam::*:policy/*'],
  'iam:UpdateAssumeRolePolicy': ['arn:*:iam::*:role/*'],
  'iam:UpdateLoginProfile': ['arn:*:iam::*:user/*'],
  'lambda:CreateFunction': ['arn:*:lambda:*:*:function:*'],
  'lambda:UpdateFunctionConfiguration': ['arn:*:lambda:*:*:function:*'],
  'organizations:AttachPolicy': ['arn:*:organizations::*:policy/o-*/*/p-*'],
  'organizations:CreateAccount': ['*'],
  'organizations:DetachPolicy': ['arn:*:organizations::*:policy/o-*/*/p-*'],
  'organizations:InviteAccountToOrganization': ['arn:*:organizations::*:account/o-*/*'],
  'sagemaker:CreateNotebookInstance': ['arn:*:sagemaker:*:*:notebook-instance/*'],
  'sagemaker:CreateTrainingJob': ['arn:*:sagemaker:*:*:training-job/*'],
  // Root of a member account, from the management account: a change made there, not a role.
  'sts:AssumeRoot': ['arn:*:iam::*:root'],
};
