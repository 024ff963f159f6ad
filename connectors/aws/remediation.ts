// Taking AWS access away with the aws CLI: IAM users' keys, passwords, groups and policies, a
// role's trust of an outside account, a bucket's or KMS key's policy statement, and Identity
// Center assignments. Values are passed as
// --name=value so none can be taken for an option; commands run with credentials for the
// account named in the steps.
import type { Account, Credential, Grant } from '../../src/core/model.js';
import type { AccountRecords, ConnectorRemediation, Remediation } from '../../src/core/remediation.js';
import { command, option, pipeline, shellQuote } from '../../src/core/shell.js';

interface Principal {
  type: 'user' | 'role' | 'root' | 'other';
  name: string;
}

/**
 * What an IAM ARN names: arn:aws:iam::111111111111:user/path/name → user "name". An
 * arn:aws:iam::OTHER:root in a trust policy is another account, not this account's root user.
 */
function principalOf(id: string, account?: Account): Principal {
  const m = /^arn:aws[\w-]*:iam::(\d{12}):(user|role|root)(?:\/(.*))?$/.exec(id);
  const outside = account?.kind === 'external' || account?.kind === 'public';
  if (account?.kind === 'root' || (m?.[2] === 'root' && !outside)) return { type: 'root', name: 'root' };
  if (m && !outside && (m[2] === 'user' || m[2] === 'role')) {
    const rest = m[3] ?? '';
    return { type: m[2], name: account?.login ?? rest.slice(rest.lastIndexOf('/') + 1) };
  }
  return { type: 'other', name: account?.login ?? id };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function attribute(names: readonly string[], ...sources: (Record<string, unknown> | undefined)[]): string | undefined {
  for (const source of sources) for (const n of names) if (text(source?.[n])) return text(source?.[n]);
  return undefined;
}

function inAccount(target: string): string {
  return `Run these with credentials for AWS account ${target}.`;
}

function iam(...args: string[]): string {
  return command('aws', 'iam', ...args);
}

/** A key id the connector shortened (AKIA…WXYZ) is found again by its ends. */
function keyIdQuery(shortened: string): string | undefined {
  const m = /^([A-Z0-9]{4,})…([A-Z0-9]{2,})$/.exec(shortened);
  if (!m) return undefined;
  // JMESPath JSON literals (backticks), so the query holds no single quote to escape.
  return `AccessKeyMetadata[?starts_with(AccessKeyId, \`"${m[1]}"\`) && ends_with(AccessKeyId, \`"${m[2]}"\`)].AccessKeyId`;
}

function accessKeyCommands(user: string, keyId: string): string[] {
  if (/^A[KS]IA[A-Z0-9]{12,}$/.test(keyId)) {
    return [
      iam('update-access-key', option('--user-name', user), option('--access-key-id', keyId), '--status=Inactive'),
      iam('delete-access-key', option('--user-name', user), option('--access-key-id', keyId)),
    ];
  }
  const query = keyIdQuery(keyId);
  if (!query) return [];
  const find = iam('list-access-keys', option('--user-name', user), option('--query', query), '--output=text');
  return [
    pipeline(
      find,
      command(
        'xargs',
        '-r',
        '-n1',
        'aws',
        'iam',
        'update-access-key',
        option('--user-name', user),
        '--status=Inactive',
        '--access-key-id',
      ),
    ),
    pipeline(
      find,
      command('xargs', '-r', '-n1', 'aws', 'iam', 'delete-access-key', option('--user-name', user), '--access-key-id'),
    ),
  ];
}

function revokeCredential(credential: Credential, account?: Account): Remediation {
  const principal = principalOf(credential.account, account);
  const where = inAccount(credential.target);
  if (principal.type === 'root') {
    const what =
      credential.kind === 'password'
        ? 'change the root password and keep it sealed'
        : // The credential report names root's keys "root access key 1" and "… 2", not by id.
          `delete ${credential.id.startsWith('root access key') ? `the ${credential.id}` : `the root access key ${credential.id}`}`;
    // A member account whose organisation centralises root access needs no root sign-in: the
    // management account opens a root session scoped to deleting root credentials.
    const central =
      credential.kind === 'password'
        ? 'aws iam delete-login-profile (the root user then signs in by password recovery only)'
        : 'aws iam list-access-keys to find the key, then aws iam delete-access-key --access-key-id with it';
    return {
      steps: [
        `Sign in to account ${credential.target} as root › Security credentials, and ${what}.`,
        `Or, for a member account of an organisation with centralized root access: from the management account, aws sts assume-root --target-principal ${credential.target} --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials (with --region: it has no global endpoint), then with the credentials it returns, ${central}.`,
      ],
      commands: [],
    };
  }
  if (principal.type !== 'user') {
    return {
      steps: [`Revoke ${credential.kind} ${credential.id} of ${principal.name} in account ${credential.target}.`],
      commands: [],
    };
  }
  switch (credential.kind) {
    case 'access-key': {
      const commands = accessKeyCommands(principal.name, credential.id);
      return {
        steps: [
          `Deactivate the access key ${credential.id} of ${principal.name}, check nothing breaks, then delete it. ${where}`,
        ],
        commands,
      };
    }
    case 'password':
      return {
        steps: [`Delete ${principal.name}'s console password (login profile). ${where}`],
        commands: [iam('delete-login-profile', option('--user-name', principal.name))],
      };
    default:
      return { steps: [`Revoke ${credential.kind} ${credential.id} of ${principal.name}. ${where}`], commands: [] };
  }
}

/** An IAM user's access key deactivated, not deleted: it can be turned back on. */
function disableCredential(credential: Credential, account?: Account): Remediation {
  const principal = principalOf(credential.account, account);
  if (credential.kind !== 'access-key' || principal.type !== 'user') return revokeCredential(credential, account);
  return {
    steps: [
      `Deactivate the access key ${credential.id} of ${principal.name} until its owner confirms it (it can be turned back on). ${inAccount(credential.target)}`,
    ],
    commands: accessKeyCommands(principal.name, credential.id).slice(0, 1),
  };
}

function rotateCredential(credential: Credential, account?: Account): Remediation {
  const principal = principalOf(credential.account, account);
  const revoke = revokeCredential(credential, account);
  if (credential.kind === 'password' && principal.type === 'user') {
    return {
      steps: [
        `Set a new console password for ${principal.name} and give it only to the people who still use the account: IAM › Users › ${principal.name} › Security credentials › Manage console access. ${inAccount(credential.target)}`,
      ],
      commands: [],
    };
  }
  if (credential.kind !== 'access-key' || principal.type !== 'user') return revoke;
  return {
    steps: [
      `Create a new access key for ${principal.name}, give it to the people and systems that still need it, then retire the old one. ${inAccount(credential.target)}`,
      ...revoke.steps,
    ],
    commands: [iam('create-access-key', option('--user-name', principal.name)), ...revoke.commands],
  };
}

/** The trust-policy file a person edits: a plain name made from the role's. */
function trustFile(role: string): string {
  return `trust-policy-${role.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
}

/** The role whose trust lets the holder in (the first role of a path), and the account it lives in. */
function trustingRole(grant: Grant): { role?: string; account: string } {
  const role =
    attribute(['roleName', 'role'], grant.attributes) ??
    text(grant.viaName) ??
    attribute(['roleArn'], grant.attributes)?.replace(/^.*\//, '');
  return { ...(role ? { role } : {}), account: attribute(['roleAccount'], grant.attributes) ?? grant.target };
}

function removeTrust(grant: Grant, account?: Account): Remediation {
  const { role, account: roleAccount } = trustingRole(grant);
  const outsider = account?.login ?? grant.account;
  if (!role) {
    return {
      steps: [`Remove ${outsider} from the trust policy of the role that lets it in (account ${roleAccount}).`],
      commands: [],
    };
  }
  return {
    steps: [
      `Download the trust policy of the role ${role}, remove the statement (or principal) that trusts ${outsider}, and upload the edited document. ${inAccount(roleAccount)}`,
    ],
    commands: editTrustCommands(role),
  };
}

function editTrustCommands(role: string): string[] {
  const file = trustFile(role);
  return [
    `${iam('get-role', option('--role-name', role), '--query=Role.AssumeRolePolicyDocument', '--output=json')} > ${shellQuote(file)}`,
    iam('update-assume-role-policy', option('--role-name', role), option('--policy-document', `file://${file}`)),
  ];
}

/**
 * A path into a role from inside the company. A trust that names the holder is cut in the
 * trust; a trust of the holder's whole account is cut in the holder's own policy (the
 * statement allowing sts:AssumeRole), or by narrowing the trust to the principals that need it.
 */
function cutAssumePath(grant: Grant, account?: Account): Remediation {
  if (attribute(['trustNamesHolder'], grant.attributes) !== 'false') return removeTrust(grant, account);
  const { role, account: roleAccount } = trustingRole(grant);
  const who = account?.login ?? grant.account;
  const allowedBy = attribute(['assumeAllowedBy'], grant.attributes);
  const target = role ?? 'the role';
  const statement = allowedBy ? ` (${allowedBy})` : '';
  const trusting = attribute(['assignmentAccount'], grant.attributes) ?? grant.target;
  const narrow = `Or narrow the trust policy of ${target} to the principals that need it, instead of every principal of account ${trusting} whose policies allow it. ${inAccount(roleAccount)}`;
  const permissionSet = attribute(['permissionSetName'], grant.attributes);
  if (permissionSet) return assumeThroughPermissionSet(grant, { who, target, statement, permissionSet, narrow, role });
  return {
    steps: [
      `Take sts:AssumeRole on ${target} away from ${who}: change the statement that allows it${statement}. ${inAccount(grant.target)}`,
      narrow,
    ],
    commands: role ? editTrustCommands(role) : [],
  };
}

/**
 * A path into a role from an Identity Center assignment: the permission set's statement allows
 * sts:AssumeRole. Deleting the assignment would take the rest of the set too, which the register
 * may approve; the set's statement (for everyone assigned it) or the role's trust is what to cut.
 */
function assumeThroughPermissionSet(
  grant: Grant,
  path: { who: string; target: string; statement: string; permissionSet: string; narrow: string; role?: string },
): Remediation {
  const instance = attribute(['instanceArn'], grant.attributes);
  const setArn = attribute(['permissionSetArn'], grant.attributes);
  const assigned = attribute(['assignmentAccount'], grant.attributes) ?? grant.resource;
  const steps = [
    `Take sts:AssumeRole on ${path.target} away from the permission set ${path.permissionSet}, which ${path.who} is assigned in account ${assigned}: change its statement that allows it${path.statement}, then provision the set again. It changes the set for everyone assigned it. Run with credentials for the Identity Center's account.`,
    path.narrow,
  ];
  const inline = /\(inline\)/.test(path.statement);
  const file = `permission-set-${path.permissionSet.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
  const setCommands =
    inline && instance && setArn
      ? [
          `${command('aws', 'sso-admin', 'get-inline-policy-for-permission-set', option('--instance-arn', instance), option('--permission-set-arn', setArn), '--query=InlinePolicy', '--output=text')} > ${shellQuote(file)}`,
          command(
            'aws',
            'sso-admin',
            'put-inline-policy-to-permission-set',
            option('--instance-arn', instance),
            option('--permission-set-arn', setArn),
            option('--inline-policy', `file://${file}`),
          ),
          command(
            'aws',
            'sso-admin',
            'provision-permission-set',
            option('--instance-arn', instance),
            option('--permission-set-arn', setArn),
            '--target-type=ALL_PROVISIONED_ACCOUNTS',
          ),
        ]
      : [];
  return { steps, commands: [...setCommands, ...(path.role ? editTrustCommands(path.role) : [])] };
}

/** Identity Center: the instance, permission set and principal come with the grant from collect(). */
function deleteAssignment(grant: Grant, account?: Account): Remediation {
  const attrs = grant.attributes;
  const instance = attribute(['instanceArn'], attrs);
  const permissionSet = attribute(['permissionSetArn'], attrs);
  const principalId = attribute(['principalId', 'userId', 'groupId'], attrs, account?.attributes);
  const principalType =
    attribute(['principalType'], attrs, account?.attributes)?.toUpperCase() ??
    (account?.kind === 'group' ? 'GROUP' : 'USER');
  const who = account?.login ?? grant.account;
  // A path into a role starts from an assignment in another account than the role's.
  const assigned = attribute(['assignmentAccount'], attrs) ?? grant.resource;
  const setName = attribute(['permissionSetName'], attrs) ?? grant.viaName ?? grant.permission;
  const steps = [
    `Delete the Identity Center assignment of the permission set ${setName} to ${who} in account ${assigned} (IAM Identity Center › AWS accounts › ${assigned} › Users and groups). Run with credentials for the Identity Center's account.`,
  ];
  if (!instance || !permissionSet || !principalId) {
    steps.push(
      'Find the values: aws sso-admin list-instances; aws sso-admin list-permission-sets-provisioned-to-account; aws identitystore list-users.',
    );
    return { steps, commands: [] };
  }
  return {
    steps,
    commands: [
      command(
        'aws',
        'sso-admin',
        'delete-account-assignment',
        option('--instance-arn', instance),
        option('--target-id', assigned),
        '--target-type=AWS_ACCOUNT',
        option('--permission-set-arn', permissionSet),
        option('--principal-type', principalType),
        option('--principal-id', principalId),
      ),
    ],
  };
}

/** The account a bucket or key policy lives in: the grant's own, or another of the organisation's. */
function policyAccount(grant: Grant): string {
  return attribute(['policyAccount'], grant.attributes) ?? grant.target;
}

/** A user out of the Identity Center group whose assignment gives them the grant. */
function removeFromIcGroup(grant: Grant, account?: Account): Remediation {
  const store = attribute(['identityStoreId'], grant.attributes, account?.attributes);
  const groupId = attribute(['principalId'], grant.attributes);
  const userId = /:user\/([^/]+)$/.exec(account?.id ?? grant.account)?.[1];
  const who = account?.login ?? grant.account;
  const groupName = grant.viaName ?? groupId ?? 'the group';
  const set = attribute(['permissionSetName'], grant.attributes) ?? grant.permission;
  const assigned = attribute(['assignmentAccount'], grant.attributes) ?? grant.resource;
  const steps = [
    `Remove ${who} from the Identity Center group ${groupName} (IAM Identity Center › Groups › ${groupName}), which is assigned the permission set ${set} in account ${assigned}: the group's other members keep it. Run with credentials for the Identity Center's account.`,
  ];
  if (!store || !groupId || !userId) return { steps, commands: [] };
  const storeOption = option('--identity-store-id', store);
  return {
    steps,
    commands: [
      pipeline(
        command(
          'aws',
          'identitystore',
          'get-group-membership-id',
          storeOption,
          option('--group-id', groupId),
          option('--member-id', `UserId=${userId}`),
          '--query=MembershipId',
          '--output=text',
        ),
        command(
          'xargs',
          '-r',
          '-n1',
          'aws',
          'identitystore',
          'delete-group-membership',
          storeOption,
          '--membership-id',
        ),
      ),
    ],
  };
}

/** A bucket policy that names the holder (or anyone): the statement goes, or the principal from it. */
function removeFromBucketPolicy(bucket: string, grant: Grant, account?: Account): Remediation {
  const who = account?.kind === 'public' ? 'anyone (Principal "*")' : (account?.login ?? grant.account);
  const file = `bucket-policy-${bucket.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
  return {
    steps: [
      `Download the bucket policy of ${bucket}, remove the statement (or principal) that lets ${who} in, and upload the edited policy (an empty policy: aws s3api delete-bucket-policy). ${inAccount(policyAccount(grant))}`,
    ],
    commands: [
      `${command('aws', 's3api', 'get-bucket-policy', option('--bucket', bucket), '--query=Policy', '--output=text')} > ${shellQuote(file)}`,
      command('aws', 's3api', 'put-bucket-policy', option('--bucket', bucket), option('--policy', `file://${file}`)),
    ],
  };
}

/** A KMS key policy that names the holder (or anyone): the statement goes, or the principal from it. */
function removeFromKeyPolicy(keyId: string, grant: Grant, account?: Account): Remediation {
  const who = account?.kind === 'public' ? 'anyone (Principal "*")' : (account?.login ?? grant.account);
  const region = attribute(['keyRegion'], grant.attributes);
  const file = `key-policy-${keyId.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
  const where = region ? [option('--region', region)] : [];
  return {
    steps: [
      `Download the policy of the KMS key ${keyId}, remove the statement (or principal) that lets ${who} use it, and upload the edited policy. ${inAccount(policyAccount(grant))}`,
    ],
    commands: [
      `${command('aws', 'kms', 'get-key-policy', option('--key-id', keyId), '--policy-name=default', ...where, '--query=Policy', '--output=text')} > ${shellQuote(file)}`,
      command(
        'aws',
        'kms',
        'put-key-policy',
        option('--key-id', keyId),
        '--policy-name=default',
        ...where,
        option('--policy', `file://${file}`),
      ),
    ],
  };
}

function revokeGrant(grant: Grant, account?: Account): Remediation {
  const bucket = attribute(['bucket'], grant.attributes);
  if (bucket) return removeFromBucketPolicy(bucket, grant, account);
  const keyId = attribute(['keyId'], grant.attributes);
  if (keyId) return removeFromKeyPolicy(keyId, grant, account);
  // Access through a role is the role's trust letting the principal in: from outside, edit the
  // trust; from inside, the trust or the principal's own permission to assume it (a permission
  // set's, for a path that starts from an assignment: the assignment may hold approved access).
  if (account?.kind === 'external' || account?.kind === 'public') return removeTrust(grant, account);
  if (grant.via === 'role') return cutAssumePath(grant, account);
  // Identity Center access is an account assignment: a person's through a group's assignment is
  // cut by taking them out of the group (the group's other members keep it), else the assignment.
  if (grant.via === 'permission-set' || attribute(['permissionSetArn'], grant.attributes)) {
    const group = attribute(['principalType'], grant.attributes)?.toUpperCase() === 'GROUP';
    if (group && account?.kind !== 'group') return removeFromIcGroup(grant, account);
    return deleteAssignment(grant, account);
  }
  const principal = principalOf(grant.account, account);
  const where = inAccount(grant.target);
  if (principal.type !== 'user' && principal.type !== 'role') {
    return { steps: [`Remove ${grant.permission} from ${principal.name} in account ${grant.target}.`], commands: [] };
  }
  const nameOption = option(principal.type === 'user' ? '--user-name' : '--role-name', principal.name);
  if (grant.via === 'group' && principal.type === 'user') {
    const group = grant.viaName ?? attribute(['group', 'groupName'], grant.attributes);
    if (!group)
      return {
        steps: [`Remove ${principal.name} from the group that gives ${grant.permission}. ${where}`],
        commands: [],
      };
    return {
      steps: [`Remove ${principal.name} from the group ${group} (and with it every policy of the group). ${where}`],
      commands: [iam('remove-user-from-group', option('--group-name', group), nameOption)],
    };
  }
  const policyArn =
    attribute(['policyArn'], grant.attributes) ?? (grant.permission.startsWith('arn:') ? grant.permission : undefined);
  if (policyArn) {
    return {
      steps: [`Detach the policy ${policyArn} from ${principal.name}. ${where}`],
      commands: [
        iam(
          principal.type === 'user' ? 'detach-user-policy' : 'detach-role-policy',
          nameOption,
          option('--policy-arn', policyArn),
        ),
      ],
    };
  }
  const policyName = attribute(['policyName'], grant.attributes);
  if (!policyName) {
    // Several policies decide it together: the grant's permission names them for people, and no
    // one command takes them away.
    const kind = principal.type === 'user' ? 'user' : 'role';
    return {
      steps: [
        `Take ${grant.permission} away from ${principal.name}: detach or edit each policy that gives it (aws iam list-attached-${kind}-policies, list-${kind}-policies${kind === 'user' ? ', list-groups-for-user' : ''} name them). ${where}`,
      ],
      commands: [],
    };
  }
  return {
    steps: [`Delete the inline policy ${policyName} of ${principal.name}. ${where}`],
    commands: [
      iam(
        principal.type === 'user' ? 'delete-user-policy' : 'delete-role-policy',
        nameOption,
        option('--policy-name', policyName),
      ),
    ],
  };
}

/** What IAM refuses to delete a user with, each listed and removed, then the user (AWS's own order). */
const USER_ATTACHMENTS: readonly { list: string; query: string; remove: string; by: string; what: string }[] = [
  {
    list: 'list-access-keys',
    query: 'AccessKeyMetadata[].AccessKeyId',
    remove: 'delete-access-key',
    by: '--access-key-id',
    what: 'access keys',
  },
  {
    list: 'list-signing-certificates',
    query: 'Certificates[].CertificateId',
    remove: 'delete-signing-certificate',
    by: '--certificate-id',
    what: 'signing certificates',
  },
  {
    list: 'list-ssh-public-keys',
    query: 'SSHPublicKeys[].SSHPublicKeyId',
    remove: 'delete-ssh-public-key',
    by: '--ssh-public-key-id',
    what: 'SSH keys',
  },
  {
    list: 'list-service-specific-credentials',
    query: 'ServiceSpecificCredentials[].ServiceSpecificCredentialId',
    remove: 'delete-service-specific-credential',
    by: '--service-specific-credential-id',
    what: 'Git and other service credentials',
  },
  {
    list: 'list-mfa-devices',
    query: 'MFADevices[].SerialNumber',
    remove: 'deactivate-mfa-device',
    by: '--serial-number',
    what: 'MFA devices',
  },
  {
    list: 'list-user-policies',
    query: 'PolicyNames',
    remove: 'delete-user-policy',
    by: '--policy-name',
    what: 'inline policies',
  },
  {
    list: 'list-attached-user-policies',
    query: 'AttachedPolicies[].PolicyArn',
    remove: 'detach-user-policy',
    by: '--policy-arn',
    what: 'attached policies',
  },
  {
    list: 'list-groups-for-user',
    query: 'Groups[].GroupName',
    remove: 'remove-user-from-group',
    by: '--group-name',
    what: 'groups',
  },
];

function deleteIamUser(user: string, target: string): Remediation {
  const name = option('--user-name', user);
  return {
    steps: [
      `Delete the IAM user ${user}: first its console password and ${USER_ATTACHMENTS.map((a) => a.what).join(', ')}, which IAM refuses to delete a user with, then the user. ${inAccount(target)}`,
    ],
    commands: [
      iam('delete-login-profile', name),
      ...USER_ATTACHMENTS.map(({ list, query, remove, by }) =>
        pipeline(
          iam(list, name, option('--query', query), '--output=text'),
          command('xargs', '-r', '-n1', 'aws', 'iam', remove, name, by),
        ),
      ),
      iam('delete-user', name),
    ],
  };
}

function removeAccount(account: Account, records: AccountRecords): Remediation {
  const principal = principalOf(account.id, account);
  const parts: Remediation[] = [];
  if (principal.type === 'user') {
    // IAM refuses to delete a user that still has a password, keys, MFA devices, SSH keys,
    // certificates, service credentials, policies or groups. What it has is listed at the time the
    // commands run: a grant's description names its policies for people, not for IAM. Everything
    // the user reaches (roles it assumes, buckets naming it) goes with it.
    for (const c of records.credentials) parts.push(revokeCredential(c, account));
    parts.push(deleteIamUser(principal.name, account.target));
  } else if (principal.type === 'root') {
    parts.push({
      steps: [
        `The root user of ${account.target} cannot be removed: secure it (MFA, no access keys, sealed password).`,
      ],
      commands: [],
    });
  } else if (principal.type === 'role' && account.kind !== 'external') {
    for (const g of records.grants) parts.push(revokeGrant(g, account));
    parts.push({
      steps: [
        `Delete the role ${principal.name} if nothing uses it any more (aws iam delete-role). ${inAccount(account.target)}`,
      ],
      commands: [],
    });
  } else {
    for (const g of records.grants) parts.push(revokeGrant(g, account));
    if (records.grants.some((g) => g.via === 'permission-set') && account.kind !== 'group') {
      parts.push({
        steps: [`Disable ${account.login} in IAM Identity Center › Users so no new assignment reaches them.`],
        commands: [],
      });
    }
  }
  return {
    steps: [...new Set(parts.flatMap((p) => p.steps))],
    commands: [...new Set(parts.flatMap((p) => p.commands))],
  };
}

export const remediation = {
  revokeGrant,
  removeAccount,
  revokeCredential,
  disableCredential,
  rotateCredential,
} satisfies ConnectorRemediation;
