// IAM Identity Center, read from the caller's account (the management or delegated admin
// account): the identity store's users and groups, group memberships, the permission sets
// provisioned to each account with their policies, and who is assigned what. Group
// assignments are expanded to the group's members by the record builder.
import { GetPolicyCommand, GetPolicyVersionCommand, type IAMClient } from '@aws-sdk/client-iam';
import {
  type IdentitystoreClient,
  paginateListGroupMemberships,
  paginateListGroups,
  paginateListUsers,
} from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  paginateListAccountAssignments,
  paginateListCustomerManagedPolicyReferencesInPermissionSet,
  paginateListInstances,
  paginateListManagedPoliciesInPermissionSet,
  paginateListPermissionSetsProvisionedToAccount,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { Gap } from '../../src/core/model.js';
import { allPages } from './paging.js';
import { type NamedPolicy, parsePolicyDocument } from './policy.js';

export interface IcUser {
  id: string;
  userName: string;
  displayName?: string;
  emails: string[];
  /** UserStatus DISABLED: the user cannot sign in, so its assignments wait until it is enabled again. */
  disabled?: boolean;
}

export interface IcGroup {
  id: string;
  name: string;
  /** User ids. */
  members: string[];
}

/** A customer-managed policy a permission set names: it lives in each account it is provisioned to. */
export interface CustomerPolicyRef {
  name: string;
  path: string;
}

export interface IcPermissionSet {
  arn: string;
  name: string;
  /** AWS-managed and inline: the same in every account. */
  policies: NamedPolicy[];
  /** Resolved in each account the set is assigned in (records.ts). */
  customerManaged: CustomerPolicyRef[];
  /** The permissions boundary: an AWS-managed policy (read here) or a customer-managed one (per account). */
  boundary?: { policy: NamedPolicy } | { customer: CustomerPolicyRef };
}

/** The ARN a customer-managed reference stands for in one account. */
export function customerPolicyArn(accountId: string, ref: CustomerPolicyRef): string {
  const path = ref.path.endsWith('/') ? ref.path : `${ref.path}/`;
  return `arn:aws:iam::${accountId}:policy${path.startsWith('/') ? path : `/${path}`}${ref.name}`;
}

export interface IcAssignment {
  accountId: string;
  permissionSetArn: string;
  principalType: 'USER' | 'GROUP';
  principalId: string;
}

export interface IdentityCenterFacts {
  instanceArn: string;
  identityStoreId: string;
  users: Map<string, IcUser>;
  groups: Map<string, IcGroup>;
  permissionSets: Map<string, IcPermissionSet>;
  assignments: IcAssignment[];
}

interface ReadOptions {
  sso: SSOAdminClient;
  store: IdentitystoreClient;
  /** IAM of the same account, to read AWS-managed policy documents. */
  iam: IAMClient;
  accountIds: readonly string[];
  signal: AbortSignal;
  warn(message: string): void;
  gap(gap: Gap): void;
}

export async function readIdentityCenter(options: ReadOptions): Promise<IdentityCenterFacts | undefined> {
  const { sso, store, signal } = options;
  const send = { abortSignal: signal };
  const paging = <C>(client: C) => ({ client });

  const instances = [];
  for (const page of await allPages(paginateListInstances(paging(sso), {}, send), 'sso:ListInstances'))
    instances.push(...(page.Instances ?? []));
  const instance = instances.find((i) => i.InstanceArn && i.IdentityStoreId);
  if (!instance?.InstanceArn || !instance.IdentityStoreId) {
    options.gap({
      kind: 'aws.identity-center',
      detail: 'identityCenter is configured but the caller’s account shows no Identity Center instance',
    });
    return undefined;
  }
  if (instances.length > 1) options.warn(`${instances.length} Identity Center instances; read ${instance.InstanceArn}`);
  const InstanceArn = instance.InstanceArn;
  const IdentityStoreId = instance.IdentityStoreId;
  const facts: IdentityCenterFacts = {
    instanceArn: InstanceArn,
    identityStoreId: IdentityStoreId,
    users: new Map(),
    groups: new Map(),
    permissionSets: new Map(),
    assignments: [],
  };

  for (const page of await allPages(
    paginateListUsers(paging(store), { IdentityStoreId }, send),
    'identitystore:ListUsers',
  ))
    for (const u of page.Users ?? []) {
      if (!u.UserId) continue;
      const user: IcUser = {
        id: u.UserId,
        userName: u.UserName ?? u.UserId,
        emails: (u.Emails ?? []).flatMap((e) => (e.Value ? [e.Value.toLowerCase()] : [])).sort(),
      };
      if (u.DisplayName) user.displayName = u.DisplayName;
      if (u.UserStatus === 'DISABLED') user.disabled = true;
      facts.users.set(u.UserId, user);
    }
  for (const page of await allPages(
    paginateListGroups(paging(store), { IdentityStoreId }, send),
    'identitystore:ListGroups',
  ))
    for (const g of page.Groups ?? [])
      if (g.GroupId) facts.groups.set(g.GroupId, { id: g.GroupId, name: g.DisplayName ?? g.GroupId, members: [] });
  for (const group of facts.groups.values()) {
    for (const page of await allPages(
      paginateListGroupMemberships(paging(store), { IdentityStoreId, GroupId: group.id }, send),
      'identitystore:ListGroupMemberships',
    ))
      for (const m of page.GroupMemberships ?? []) {
        const member = m.MemberId && 'UserId' in m.MemberId ? m.MemberId.UserId : undefined;
        if (member) group.members.push(member);
      }
    group.members.sort();
  }

  for (const AccountId of options.accountIds) {
    const sets: string[] = [];
    for (const page of await allPages(
      paginateListPermissionSetsProvisionedToAccount(paging(sso), { InstanceArn, AccountId }, send),
      'sso:ListPermissionSetsProvisionedToAccount',
    ))
      sets.push(...(page.PermissionSets ?? []));
    for (const PermissionSetArn of sets.sort()) {
      for (const page of await allPages(
        paginateListAccountAssignments(paging(sso), { InstanceArn, AccountId, PermissionSetArn }, send),
        'sso:ListAccountAssignments',
      ))
        for (const a of page.AccountAssignments ?? []) {
          if (!a.PrincipalId || (a.PrincipalType !== 'USER' && a.PrincipalType !== 'GROUP')) continue;
          facts.assignments.push({
            accountId: a.AccountId ?? AccountId,
            permissionSetArn: PermissionSetArn,
            principalType: a.PrincipalType,
            principalId: a.PrincipalId,
          });
        }
      if (!facts.permissionSets.has(PermissionSetArn))
        facts.permissionSets.set(PermissionSetArn, await readPermissionSet(options, InstanceArn, PermissionSetArn));
    }
  }
  return facts;
}

const managedCache = new WeakMap<IAMClient, Map<string, NamedPolicy>>();

async function readPermissionSet(
  options: ReadOptions,
  InstanceArn: string,
  PermissionSetArn: string,
): Promise<IcPermissionSet> {
  const { sso, signal } = options;
  const send = { abortSignal: signal };
  const described = await sso.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn }), send);
  const name = described.PermissionSet?.Name ?? PermissionSetArn;
  const policies: NamedPolicy[] = [];
  for (const page of await allPages(
    paginateListManagedPoliciesInPermissionSet({ client: sso }, { InstanceArn, PermissionSetArn }, send),
    'sso:ListManagedPoliciesInPermissionSet',
  ))
    for (const p of page.AttachedManagedPolicies ?? []) if (p.Arn) policies.push(await managedPolicy(options, p.Arn));
  const inline = await sso.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn, PermissionSetArn }), send);
  if (inline.InlinePolicy)
    policies.push({
      name: `${name} (inline)`,
      document: parsePolicyDocument(inline.InlinePolicy, `permission set ${name} inline policy`),
    });
  const customerManaged: CustomerPolicyRef[] = [];
  for (const page of await allPages(
    paginateListCustomerManagedPolicyReferencesInPermissionSet(
      { client: sso },
      { InstanceArn, PermissionSetArn },
      send,
    ),
    'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
  ))
    for (const ref of page.CustomerManagedPolicyReferences ?? [])
      if (ref.Name) customerManaged.push({ name: ref.Name, path: ref.Path ?? '/' });
  const boundary = await readBoundary(options, InstanceArn, PermissionSetArn);
  return { arn: PermissionSetArn, name, policies, customerManaged, ...(boundary ? { boundary } : {}) };
}

/** A permission set without a boundary answers ResourceNotFoundException: that is "none", not a failure. */
async function readBoundary(
  options: ReadOptions,
  InstanceArn: string,
  PermissionSetArn: string,
): Promise<IcPermissionSet['boundary']> {
  try {
    const answer = await options.sso.send(
      new GetPermissionsBoundaryForPermissionSetCommand({ InstanceArn, PermissionSetArn }),
      { abortSignal: options.signal },
    );
    const b = answer.PermissionsBoundary;
    if (b?.ManagedPolicyArn) return { policy: await managedPolicy(options, b.ManagedPolicyArn) };
    if (b?.CustomerManagedPolicyReference?.Name)
      return {
        customer: { name: b.CustomerManagedPolicyReference.Name, path: b.CustomerManagedPolicyReference.Path ?? '/' },
      };
    return undefined;
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

/** AWS-managed policies are the same in every account: read each once from the caller's IAM. */
async function managedPolicy(options: ReadOptions, arn: string): Promise<NamedPolicy> {
  let cache = managedCache.get(options.iam);
  if (!cache) {
    cache = new Map();
    managedCache.set(options.iam, cache);
  }
  const cached = cache.get(arn);
  if (cached) return cached;
  const send = { abortSignal: options.signal };
  const policy = await options.iam.send(new GetPolicyCommand({ PolicyArn: arn }), send);
  const versionId = policy.Policy?.DefaultVersionId;
  if (!versionId) throw new Error(`GetPolicy ${arn} answered without a default version`);
  const version = await options.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }), send);
  if (!version.PolicyVersion?.Document)
    throw new Error(`GetPolicyVersion ${arn} ${versionId} answered without a document`);
  const named = {
    name: policy.Policy?.PolicyName ?? arn,
    document: parsePolicyDocument(version.PolicyVersion.Document, arn),
  };
  cache.set(arn, named);
  return named;
}
