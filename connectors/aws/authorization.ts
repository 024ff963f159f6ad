// One account's IAM as GetAccountAuthorizationDetails tells it: users (groups, policies,
// boundary, tags), groups, roles (trust policy, last use) and the managed policies' default
// versions, with every URL-encoded document parsed. Read through all pages before use.
import {
  type GetAccountAuthorizationDetailsCommandOutput,
  type IAMClient,
  paginateGetAccountAuthorizationDetails,
} from '@aws-sdk/client-iam';
import { allPages } from './paging.js';
import { byCodePoint, type NamedPolicy, type PolicyDocument, parsePolicyDocument } from './policy.js';

export interface PolicyRef {
  name: string;
  arn: string;
}

interface Principal {
  name: string;
  arn: string;
  path: string;
  createdAt?: string;
  inline: NamedPolicy[];
  attached: PolicyRef[];
}

export interface IamUser extends Principal {
  groups: string[];
  boundaryArn?: string;
  tags: Record<string, string>;
}

export type IamGroup = Principal;

export interface IamRole extends Principal {
  trust: PolicyDocument;
  boundaryArn?: string;
  tags: Record<string, string>;
  lastUsedAt?: string;
}

export interface AuthorizationDetails {
  users: IamUser[];
  groups: IamGroup[];
  roles: IamRole[];
  /** Default version of every managed policy the account uses, by ARN. */
  policies: Map<string, NamedPolicy>;
}

export async function readAuthorizationDetails(iam: IAMClient, signal: AbortSignal): Promise<AuthorizationDetails> {
  const details: AuthorizationDetails = { users: [], groups: [], roles: [], policies: new Map() };
  for (const page of await allPages(
    paginateGetAccountAuthorizationDetails({ client: iam }, {}, { abortSignal: signal }),
    'iam:GetAccountAuthorizationDetails',
  )) {
    addPage(details, page);
  }
  for (const list of [details.users, details.groups, details.roles]) list.sort((a, b) => byCodePoint(a.arn, b.arn));
  return details;
}

function addPage(details: AuthorizationDetails, page: GetAccountAuthorizationDetailsCommandOutput): void {
  for (const u of page.UserDetailList ?? []) {
    const name = required(u.UserName, 'UserName');
    const user: IamUser = {
      ...principal(name, u.Arn, u.Path, u.CreateDate),
      inline: (u.UserPolicyList ?? []).map((p) => inline(p, `user ${name}`)),
      attached: refs(u.AttachedManagedPolicies),
      groups: [...(u.GroupList ?? [])].sort(),
      tags: tags(u.Tags),
    };
    if (u.PermissionsBoundary?.PermissionsBoundaryArn) user.boundaryArn = u.PermissionsBoundary.PermissionsBoundaryArn;
    details.users.push(user);
  }
  for (const g of page.GroupDetailList ?? []) {
    const name = required(g.GroupName, 'GroupName');
    details.groups.push({
      ...principal(name, g.Arn, g.Path, g.CreateDate),
      inline: (g.GroupPolicyList ?? []).map((p) => inline(p, `group ${name}`)),
      attached: refs(g.AttachedManagedPolicies),
    });
  }
  for (const r of page.RoleDetailList ?? []) {
    const name = required(r.RoleName, 'RoleName');
    const role: IamRole = {
      ...principal(name, r.Arn, r.Path, r.CreateDate),
      inline: (r.RolePolicyList ?? []).map((p) => inline(p, `role ${name}`)),
      attached: refs(r.AttachedManagedPolicies),
      trust: parsePolicyDocument(
        required(r.AssumeRolePolicyDocument, 'AssumeRolePolicyDocument'),
        `role ${name} trust`,
      ),
      tags: tags(r.Tags),
    };
    if (r.PermissionsBoundary?.PermissionsBoundaryArn) role.boundaryArn = r.PermissionsBoundary.PermissionsBoundaryArn;
    if (r.RoleLastUsed?.LastUsedDate) role.lastUsedAt = r.RoleLastUsed.LastUsedDate.toISOString();
    details.roles.push(role);
  }
  for (const p of page.Policies ?? []) {
    const arn = required(p.Arn, 'Policy.Arn');
    const name = p.PolicyName ?? arn;
    const version =
      (p.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion) ??
      (p.PolicyVersionList ?? []).find((v) => v.VersionId === p.DefaultVersionId);
    if (!version?.Document) throw new Error(`managed policy ${arn} came without its default version's document`);
    details.policies.set(arn, { name, document: parsePolicyDocument(version.Document, `policy ${name}`) });
  }
}

function principal(name: string, arn: string | undefined, path: string | undefined, created: Date | undefined) {
  const p: Principal = { name, arn: required(arn, `${name}.Arn`), path: path ?? '/', inline: [], attached: [] };
  if (created) p.createdAt = created.toISOString();
  return p;
}

function inline(p: { PolicyName?: string | undefined; PolicyDocument?: string | undefined }, owner: string) {
  const name = required(p.PolicyName, `${owner} inline PolicyName`);
  return {
    name: `${name} (inline)`,
    document: parsePolicyDocument(required(p.PolicyDocument, `${owner} ${name}`), `${owner} inline policy ${name}`),
  };
}

function refs(
  list: Array<{ PolicyName?: string | undefined; PolicyArn?: string | undefined }> | undefined,
): PolicyRef[] {
  return (list ?? [])
    .map((p) => ({ arn: required(p.PolicyArn, 'PolicyArn'), name: p.PolicyName ?? p.PolicyArn ?? '' }))
    .sort((a, b) => byCodePoint(a.arn, b.arn));
}

function tags(list: Array<{ Key?: string | undefined; Value?: string | undefined }> | undefined) {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key) out[t.Key] = t.Value ?? '';
  return out;
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`GetAccountAuthorizationDetails answer lacks ${what}`);
  return value;
}
