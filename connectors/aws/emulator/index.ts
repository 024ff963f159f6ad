// The AWS sandbox: IAM and STS over awsQuery (form-encoded POST, XML answers, <member> lists,
// Marker/IsTruncated paging, URL-encoded policy documents, the credential report's states),
// Organizations, SSO Admin and Identity Store over awsJson1_1 (x-amz-target, NextToken).
// Every request is answered from the account its SigV4 access key id belongs to: the base
// key is the caller account's, and AssumeRole hands out keys that belong to the target.
import { createHash } from 'node:crypto';
import type { EmulatorOptions, FaultKind, RunningEmulator } from '../../../src/core/connector.js';
import {
  type EmulatorRequest,
  type EmulatorResponse,
  type Route,
  startHttpEmulator,
} from '../../../src/core/emulator-kit.js';
import { reservedSsoRole } from '../assume-graph.js';
import { CREDENTIAL_REPORT_COLUMNS, ROOT_USER } from '../credential-report.js';
import { AWS_OPERATIONS, JSON_TARGET_PREFIXES, QUERY_VERSIONS, rateWindowOf } from '../operations.js';
import { byCodePoint } from '../policy.js';
import { BUILTIN_AWS_MANAGED_POLICIES } from './policies.js';
import type { AwsScenario, ScenarioAccount, ScenarioIdentityCenter } from './scenario.js';

export const SANDBOX_ACCESS_KEY_ENV = 'LANEKEEPER_SANDBOX_AWS_ACCESS_KEY_ID';
export const SANDBOX_SECRET_KEY_ENV = 'LANEKEEPER_SANDBOX_AWS_SECRET_ACCESS_KEY';
const BASE_ACCESS_KEY = 'AKIALKSANDBOXCALLER1';
const BASE_SECRET = 'lanekeeper-sandbox-secret-key-not-real';
const REGION = 'us-east-1';
const DEFAULT_PAGE = 100;
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

interface Caller {
  account: string;
  arn: string;
}

interface ManagedPolicy {
  arn: string;
  name: string;
  path: string;
  document: Record<string, unknown>;
  createdAt: string;
}

class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const KNOWN = new Set<string>(AWS_OPERATIONS);

/**
 * A session's secret key or token, shaped as AWS's are: high-entropy base64, each session its
 * own, so a scan of the sandbox registers with the redactor what a scan of AWS does (two secrets
 * per account it assumes a role in, none sharing a prefix it could use).
 */
function sessionSecret(kind: string, account: string, session: number, blocks: number): string {
  return Array.from({ length: blocks }, (_, i) =>
    createHash('sha256').update(`${kind} ${account} ${session} ${i}`).digest('base64'),
  ).join('');
}

export async function startAwsEmulator(scenario: AwsScenario, options: EmulatorOptions): Promise<RunningEmulator> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE;
  const now = options.now.toISOString();
  const accounts = new Map(scenario.accounts.map((a) => [a.id, a]));
  const keys = new Map<string, Caller>([
    [
      BASE_ACCESS_KEY,
      { account: scenario.callerAccount, arn: `arn:aws:iam::${scenario.callerAccount}:user/${scenario.callerUser}` },
    ],
  ]);
  const reportCalls = new Map<string, number>();
  let requestSeq = 0;
  let sessionSeq = 0;
  const awsManaged: Record<string, Record<string, unknown>> = { ...BUILTIN_AWS_MANAGED_POLICIES };
  for (const p of scenario.awsManagedPolicies) awsManaged[p.name] = p.document;

  const requestId = () => {
    requestSeq += 1;
    return `00000000-0000-4000-8000-${String(requestSeq).padStart(12, '0')}`;
  };

  function accountOf(caller: Caller): ScenarioAccount {
    const account = accounts.get(caller.account);
    if (!account) throw new AwsError(403, 'AccessDenied', `account ${caller.account} is not in the scenario`);
    return account;
  }

  function resolveManaged(account: ScenarioAccount | undefined, ref: string): ManagedPolicy | undefined {
    const arnMatch = /^arn:aws:iam::(aws|\d{12}):policy(\/.*\/|\/)([^/]+)$/.exec(ref);
    const owner = arnMatch ? arnMatch[1] : undefined;
    const name = arnMatch ? (arnMatch[3] as string) : ref;
    if (account && (owner === undefined || owner === account.id)) {
      const own = account.policies.find((p) => p.name === name);
      if (own)
        return {
          arn: `arn:aws:iam::${account.id}:policy${own.path}${own.name}`,
          name: own.name,
          path: own.path,
          document: own.document,
          createdAt: own.createdAt ?? account.root.createdAt,
        };
    }
    if (owner === undefined || owner === 'aws') {
      const document = awsManaged[name];
      if (document)
        return {
          arn: `arn:aws:iam::aws:policy/${name}`,
          name,
          path: '/',
          document,
          createdAt: '2015-02-06T18:39:46Z',
        };
    }
    return undefined;
  }

  function managedOrThrow(account: ScenarioAccount, ref: string): ManagedPolicy {
    const policy = resolveManaged(account, ref);
    if (!policy) throw new Error(`scenario: policy "${ref}" is neither in account ${account.id} nor AWS-managed`);
    return policy;
  }

  // ---- IAM ----

  /**
   * The roles Identity Center creates in each account a permission set is assigned in, as IAM
   * lists them: AWSReservedSSO_<set>_<16 hex> under /aws-reserved/sso.amazonaws.com/, trusting
   * the instance's SAML provider, with the set's policies. One the scenario names itself is kept.
   * Made once per account: GetAccountAuthorizationDetails asks again for every page.
   */
  const reservedByAccount = new Map<string, ScenarioAccount['roles']>();
  function reservedSsoRoles(account: ScenarioAccount): ScenarioAccount['roles'] {
    let roles = reservedByAccount.get(account.id);
    if (!roles) {
      roles = makeReservedSsoRoles(account);
      reservedByAccount.set(account.id, roles);
    }
    return roles;
  }

  function makeReservedSsoRoles(account: ScenarioAccount): ScenarioAccount['roles'] {
    const ic = scenario.identityCenter;
    if (!ic) return [];
    const assigned = new Set(ic.assignments.filter((a) => a.account === account.id).map((a) => a.permissionSet));
    const named = (set: string) => {
      const reserved = reservedSsoRole(set);
      return (r: { name: string }) => reserved.test(r.name);
    };
    const provider = `arn:aws:iam::${account.id}:saml-provider/AWSSSO_${ic.instanceId.slice(7)}_DO_NOT_DELETE`;
    const inAccount = (name: string) => account.policies.some((p) => p.name === name);
    return ic.permissionSets
      .filter((set) => assigned.has(set.name) && !account.roles.some(named(set.name)))
      .map((set) => {
        const customer = set.customerManagedPolicies.map((c) => c.name).filter(inAccount);
        const boundary = !set.boundary
          ? undefined
          : 'managed' in set.boundary
            ? set.boundary.managed
            : inAccount(set.boundary.customer.name)
              ? set.boundary.customer.name
              : undefined;
        return {
          name: `AWSReservedSSO_${set.name}_${createHash('sha256').update(`${account.id}/${set.id}`).digest('hex').slice(0, 16)}`,
          path: '/aws-reserved/sso.amazonaws.com/',
          createdAt: account.root.createdAt,
          trust: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: provider },
                Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
              },
            ],
          },
          inlinePolicies: set.inlinePolicy ? [{ name: 'AwsSSOInlinePolicy', document: set.inlinePolicy }] : [],
          managedPolicies: [...set.managedPolicies, ...customer],
          ...(boundary ? { boundary } : {}),
          tags: {},
        };
      });
  }

  function authorizationDetails(account: ScenarioAccount): Array<[string, XmlObject]> {
    const entries: Array<[string, XmlObject]> = [];
    const used = new Map<string, { policy: ManagedPolicy; attachments: number; boundaries: number }>();
    const use = (ref: string, kind: 'attachments' | 'boundaries') => {
      const policy = managedOrThrow(account, ref);
      const entry = used.get(policy.arn) ?? { policy, attachments: 0, boundaries: 0 };
      entry[kind] += 1;
      used.set(policy.arn, entry);
      return policy;
    };
    const attached = (refs: string[]) =>
      refs.map((ref) => {
        const p = use(ref, 'attachments');
        return { PolicyName: p.name, PolicyArn: p.arn };
      });
    const boundary = (ref: string | undefined) =>
      ref === undefined
        ? undefined
        : { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: use(ref, 'boundaries').arn };
    const tags = (t: Record<string, string>) => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));

    for (const u of account.users)
      entries.push([
        'UserDetailList',
        {
          Path: u.path,
          UserName: u.name,
          UserId: principalId('AIDA', account.id, u.name),
          Arn: `arn:aws:iam::${account.id}:user${u.path}${u.name}`,
          CreateDate: u.createdAt,
          UserPolicyList: u.inlinePolicies.map((p) => ({ PolicyName: p.name, PolicyDocument: encodeDoc(p.document) })),
          GroupList: u.groups,
          AttachedManagedPolicies: attached(u.managedPolicies),
          PermissionsBoundary: boundary(u.boundary),
          Tags: tags(u.tags),
        },
      ]);
    for (const g of account.groups)
      entries.push([
        'GroupDetailList',
        {
          Path: g.path,
          GroupName: g.name,
          GroupId: principalId('AGPA', account.id, g.name),
          Arn: `arn:aws:iam::${account.id}:group${g.path}${g.name}`,
          CreateDate: g.createdAt ?? account.root.createdAt,
          GroupPolicyList: g.inlinePolicies.map((p) => ({ PolicyName: p.name, PolicyDocument: encodeDoc(p.document) })),
          AttachedManagedPolicies: attached(g.managedPolicies),
        },
      ]);
    for (const r of [...account.roles, ...reservedSsoRoles(account)])
      entries.push([
        'RoleDetailList',
        {
          Path: r.path,
          RoleName: r.name,
          RoleId: principalId('AROA', account.id, r.name),
          Arn: `arn:aws:iam::${account.id}:role${r.path}${r.name}`,
          CreateDate: r.createdAt,
          AssumeRolePolicyDocument: encodeDoc(r.trust),
          InstanceProfileList: [],
          RolePolicyList: r.inlinePolicies.map((p) => ({ PolicyName: p.name, PolicyDocument: encodeDoc(p.document) })),
          AttachedManagedPolicies: attached(r.managedPolicies),
          PermissionsBoundary: boundary(r.boundary),
          Tags: tags(r.tags),
          RoleLastUsed: r.lastUsed ? { LastUsedDate: r.lastUsed.at, Region: r.lastUsed.region } : {},
        },
      ]);
    for (const p of account.policies) managedOrThrow(account, p.name);
    const policies = new Map(used);
    for (const p of account.policies) {
      const policy = managedOrThrow(account, p.name);
      if (!policies.has(policy.arn)) policies.set(policy.arn, { policy, attachments: 0, boundaries: 0 });
    }
    for (const { policy, attachments, boundaries } of [...policies.values()].sort((a, b) =>
      byCodePoint(a.policy.arn, b.policy.arn),
    ))
      entries.push([
        'Policies',
        {
          PolicyName: policy.name,
          PolicyId: principalId('ANPA', account.id, policy.arn),
          Arn: policy.arn,
          Path: policy.path,
          DefaultVersionId: 'v1',
          AttachmentCount: attachments,
          PermissionsBoundaryUsageCount: boundaries,
          IsAttachable: true,
          CreateDate: policy.createdAt,
          UpdateDate: policy.createdAt,
          PolicyVersionList: [
            {
              Document: encodeDoc(policy.document),
              VersionId: 'v1',
              IsDefaultVersion: true,
              CreateDate: policy.createdAt,
            },
          ],
        },
      ]);
    return entries;
  }

  function credentialReport(account: ScenarioAccount): string {
    const na = 'N/A';
    const keyCells = (k: (typeof account.users)[number]['accessKeys'][number] | undefined) =>
      k
        ? [
            String(k.active),
            reportDate(k.createdAt),
            k.lastUsedAt ? reportDate(k.lastUsedAt) : na,
            k.lastUsedAt ? (k.lastUsedRegion ?? REGION) : na,
            k.lastUsedAt ? (k.lastUsedService ?? 'iam') : na,
          ]
        : ['false', na, na, na, na];
    const rows: string[][] = [];
    const root = account.root;
    const generated = Date.parse(account.reportGeneratedAt ?? now);
    if (account.reportHasRoot)
      rows.push([
        ROOT_USER,
        `arn:aws:iam::${account.id}:root`,
        reportDate(root.createdAt),
        'not_supported',
        root.passwordLastUsedAt ? reportDate(root.passwordLastUsedAt) : 'no_information',
        'not_supported',
        'not_supported',
        String(root.mfa),
        ...keyCells(root.accessKeys[0] as (typeof account.users)[number]['accessKeys'][number] | undefined),
        ...keyCells(root.accessKeys[1] as (typeof account.users)[number]['accessKeys'][number] | undefined),
        'false',
        na,
        'false',
        na,
      ]);
    // A report generated earlier knows nothing of users created since.
    for (const u of account.users.filter((user) => Date.parse(user.createdAt) <= generated)) {
      // Nor of keys created since.
      const known = u.accessKeys.filter((k) => Date.parse(k.createdAt) <= generated);
      rows.push([
        u.name,
        `arn:aws:iam::${account.id}:user${u.path}${u.name}`,
        reportDate(u.createdAt),
        String(u.password !== undefined),
        u.password ? (u.password.lastUsedAt ? reportDate(u.password.lastUsedAt) : 'no_information') : na,
        u.password ? reportDate(u.password.createdAt) : na,
        na,
        String(u.mfa),
        ...keyCells(known[0]),
        ...keyCells(known[1]),
        'false',
        na,
        'false',
        na,
      ]);
    }
    return `${[CREDENTIAL_REPORT_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\n')}`;
  }

  function userOf(account: ScenarioAccount, name: string | null) {
    const user = account.users.find((u) => u.name === name);
    if (!user) throw new AwsError(404, 'NoSuchEntity', `The user with name ${name} cannot be found.`);
    return user;
  }

  function handleIam(action: string, params: URLSearchParams, caller: Caller, fault?: FaultKind): XmlObject {
    const account = accountOf(caller);
    switch (action) {
      case 'GetAccountAuthorizationDetails': {
        const all = authorizationDetails(account);
        const { page, next } = pageWithFault(all, params.get('Marker'), maxItems(params), pageSize, fault);
        const result: XmlObject = {
          UserDetailList: [],
          GroupDetailList: [],
          RoleDetailList: [],
          Policies: [],
        };
        for (const [list, item] of page) (result[list] as XmlValue[]).push(item);
        return { ...result, IsTruncated: next !== undefined, Marker: next };
      }
      // A report generated before the scan (reportGeneratedAt) is handed out again, COMPLETE at
      // once. Otherwise the first call starts one, ready after reportPolls calls of either kind.
      case 'GenerateCredentialReport': {
        if (account.credentialReport === 'denied') throw accessDenied(caller, 'iam:GenerateCredentialReport');
        if (account.reportGeneratedAt) return { State: 'COMPLETE' };
        const calls = (reportCalls.get(account.id) ?? 0) + 1;
        reportCalls.set(account.id, calls);
        if (calls === 1)
          return { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' };
        if (calls <= account.reportPolls) return { State: 'INPROGRESS' };
        return { State: 'COMPLETE' };
      }
      case 'GetCredentialReport': {
        if (account.credentialReport === 'denied') throw accessDenied(caller, 'iam:GetCredentialReport');
        const calls = account.reportGeneratedAt ? Number.POSITIVE_INFINITY : (reportCalls.get(account.id) ?? 0);
        if (calls === 0)
          throw new AwsError(410, 'ReportNotPresent', 'Credential report not present. Call GenerateCredentialReport.');
        if (calls <= account.reportPolls) {
          reportCalls.set(account.id, calls + 1);
          throw new AwsError(404, 'ReportInProgress', 'Credential report generation is in progress.');
        }
        return {
          Content: Buffer.from(credentialReport(account)).toString('base64'),
          ReportFormat: 'text/csv',
          GeneratedTime: account.reportGeneratedAt ?? now,
        };
      }
      case 'ListUsers': {
        const users = account.users.map((u) => ({
          Path: u.path,
          UserName: u.name,
          UserId: principalId('AIDA', account.id, u.name),
          Arn: `arn:aws:iam::${account.id}:user${u.path}${u.name}`,
          CreateDate: u.createdAt,
          PasswordLastUsed: u.password?.lastUsedAt,
        }));
        const { page, next } = pageWithFault(users, params.get('Marker'), maxItems(params), pageSize, fault);
        return { Users: page, IsTruncated: next !== undefined, Marker: next };
      }
      case 'ListAccessKeys': {
        const user = userOf(account, params.get('UserName'));
        const items = user.accessKeys.map((k) => ({
          UserName: user.name,
          AccessKeyId: k.id,
          Status: k.active ? 'Active' : 'Inactive',
          CreateDate: k.createdAt,
        }));
        const { page, next } = pageWithFault(items, params.get('Marker'), maxItems(params), pageSize, fault);
        return { AccessKeyMetadata: page, IsTruncated: next !== undefined, Marker: next };
      }
      case 'GetAccessKeyLastUsed': {
        const id = params.get('AccessKeyId');
        for (const u of account.users) {
          const k = u.accessKeys.find((key) => key.id === id);
          if (k)
            return {
              UserName: u.name,
              AccessKeyLastUsed: {
                LastUsedDate: k.lastUsedAt,
                ServiceName: k.lastUsedAt ? (k.lastUsedService ?? 'iam') : 'N/A',
                Region: k.lastUsedAt ? (k.lastUsedRegion ?? REGION) : 'N/A',
              },
            };
        }
        throw accessDenied(caller, 'iam:GetAccessKeyLastUsed');
      }
      case 'ListMFADevices': {
        const user = userOf(account, params.get('UserName'));
        const items = user.mfa
          ? [
              {
                UserName: user.name,
                SerialNumber: `arn:aws:iam::${account.id}:mfa/${user.name}`,
                EnableDate: user.createdAt,
              },
            ]
          : [];
        const { page, next } = pageWithFault(items, params.get('Marker'), maxItems(params), pageSize, fault);
        return { MFADevices: page, IsTruncated: next !== undefined, Marker: next };
      }
      case 'GetLoginProfile': {
        const user = userOf(account, params.get('UserName'));
        if (!user.password)
          throw new AwsError(404, 'NoSuchEntity', `Login Profile for User ${user.name} cannot be found.`);
        return {
          LoginProfile: { UserName: user.name, CreateDate: user.password.createdAt, PasswordResetRequired: false },
        };
      }
      case 'GetPolicy':
      case 'GetPolicyVersion': {
        const arn = params.get('PolicyArn') ?? '';
        const policy = resolveManaged(arn.includes('::aws:') ? undefined : account, arn);
        if (!policy) throw new AwsError(404, 'NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
        if (action === 'GetPolicy')
          return {
            Policy: {
              PolicyName: policy.name,
              PolicyId: principalId('ANPA', account.id, policy.arn),
              Arn: policy.arn,
              Path: policy.path,
              DefaultVersionId: 'v1',
              AttachmentCount: 0,
              IsAttachable: true,
              CreateDate: policy.createdAt,
              UpdateDate: policy.createdAt,
            },
          };
        if (params.get('VersionId') !== 'v1')
          throw new AwsError(404, 'NoSuchEntity', `Policy ${arn} version ${params.get('VersionId')} does not exist.`);
        return {
          PolicyVersion: {
            Document: encodeDoc(policy.document),
            VersionId: 'v1',
            IsDefaultVersion: true,
            CreateDate: policy.createdAt,
          },
        };
      }
      default:
        throw new AwsError(400, 'InvalidAction', `Could not find operation ${action}`);
    }
  }

  // ---- STS ----

  function handleSts(action: string, params: URLSearchParams, caller: Caller): XmlObject {
    if (action === 'GetCallerIdentity')
      return { Arn: caller.arn, UserId: principalId('AIDA', caller.account, caller.arn), Account: caller.account };
    // AssumeRole
    const roleArn = params.get('RoleArn') ?? '';
    const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    const target = match ? accounts.get(match[1] as string) : undefined;
    const role = target?.roles.find((r) => r.name === match?.[2]);
    if (!target || !role || target.assumeRole === 'denied' || target.status !== 'ACTIVE')
      throw accessDenied(caller, 'sts:AssumeRole', roleArn);
    sessionSeq += 1;
    const accessKeyId = `ASIALK${target.id}${String(sessionSeq).padStart(2, '0')}`.slice(0, 20);
    const session = params.get('RoleSessionName') ?? 'session';
    const arn = `arn:aws:sts::${target.id}:assumed-role/${role.name}/${session}`;
    keys.set(accessKeyId, { account: target.id, arn });
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: sessionSecret('secret', target.id, sessionSeq, 1).slice(0, 40),
        SessionToken: `IQoJb3JpZ2luX2Vj${sessionSecret('token', target.id, sessionSeq, 12)}`,
        Expiration: new Date(options.now.getTime() + 3_600_000).toISOString(),
      },
      AssumedRoleUser: { AssumedRoleId: `${principalId('AROA', target.id, role.name)}:${session}`, Arn: arn },
    };
  }

  // ---- KMS (awsJson1_1, Limit/Marker/Truncated paging; the keys of the caller's account) ----

  /** KMS is regional: a request reaches the keys of the region it was signed for. */
  function handleKms(action: string, input: Record<string, unknown>, caller: Caller, region: string): unknown {
    const account = accountOf(caller);
    if (account.keys === null)
      throw new AwsError(
        400,
        'AccessDeniedException',
        `User: ${caller.arn} is not authorized to perform: kms:ListKeys`,
      );
    const keys = account.keys.filter((k) => k.region === region).sort((a, b) => byCodePoint(a.id, b.id));
    const arn = (id: string) => `arn:aws:kms:${region}:${account.id}:key/${id}`;
    if (action === 'ListKeys') {
      const limit = Math.min(pageSize, typeof input.Limit === 'number' ? input.Limit : 100);
      const marker = typeof input.Marker === 'string' ? input.Marker : undefined;
      const start = marker === undefined ? 0 : keys.findIndex((k) => k.id > marker);
      const page = start < 0 ? [] : keys.slice(start, start + limit);
      const truncated = start >= 0 && start + limit < keys.length;
      return {
        Keys: page.map((k) => ({ KeyId: k.id, KeyArn: arn(k.id) })),
        Truncated: truncated,
        ...(truncated ? { NextMarker: page.at(-1)?.id } : {}),
      };
    }
    const key = keys.find((k) => k.id === input.KeyId || arn(k.id) === input.KeyId);
    if (!key) throw new AwsError(400, 'NotFoundException', `Key '${String(input.KeyId)}' does not exist`);
    if (key.policyDenied)
      throw new AwsError(
        400,
        'AccessDeniedException',
        `User: ${caller.arn} is not authorized to perform: kms:GetKeyPolicy`,
      );
    const policy = key.policy ?? {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${account.id}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    };
    return { Policy: JSON.stringify(policy), PolicyName: 'default' };
  }

  // ---- Organizations, SSO Admin, Identity Store (awsJson1_1) ----

  /** DescribeOrganization as AWS answers it to any account of the organisation, and to one in none. */
  function describeOrganization(caller: Caller): unknown {
    const org = scenario.organization;
    if (!org || !accounts.has(caller.account))
      throw new AwsError(400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
    const management = scenario.callerAccount;
    return {
      Organization: {
        Id: org.id,
        Arn: `arn:aws:organizations::${management}:organization/${org.id}`,
        FeatureSet: 'ALL',
        MasterAccountId: management,
        MasterAccountArn: `arn:aws:organizations::${management}:account/${org.id}/${management}`,
        MasterAccountEmail: accounts.get(management)?.email ?? `aws+${management}@example.invalid`,
        AvailablePolicyTypes: org.scpsEnabled ? [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] : [],
      },
    };
  }

  function handleJson(service: string, action: string, input: Record<string, unknown>, caller: Caller): unknown {
    const token = typeof input.NextToken === 'string' ? input.NextToken : undefined;
    const max = typeof input.MaxResults === 'number' ? input.MaxResults : undefined;
    const paged = <T>(items: readonly T[], key: string) => {
      const { page, next } = pageOf(items, token, Math.min(max ?? DEFAULT_PAGE, pageSize));
      return next === undefined ? { [key]: page } : { [key]: page, NextToken: next };
    };
    if (service === 'organizations') {
      // Any account of an organisation may describe it; the rest is the management account's.
      if (action === 'DescribeOrganization') return describeOrganization(caller);
      if (!scenario.organization || caller.account !== scenario.callerAccount)
        throw new AwsError(
          400,
          'AccessDeniedException',
          'You don’t have permissions to access this resource. Call from the management account.',
        );
      const org = scenario.organization;
      const orgId = org.id;
      const ROOT_ID = 'r-lk00';
      const FULL_ACCESS = {
        id: 'p-FullAWSAccess',
        name: 'FullAWSAccess',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      };
      const summary = (p: { id: string; name: string }) => ({
        Id: p.id,
        Arn: `arn:aws:organizations::${scenario.callerAccount}:policy/${orgId}/service_control_policy/${p.id}`,
        Name: p.name,
        Type: 'SERVICE_CONTROL_POLICY',
        AwsManaged: p.id === FULL_ACCESS.id,
      });
      switch (action) {
        case 'ListRoots':
          return paged(
            [
              {
                Id: ROOT_ID,
                Name: 'Root',
                Arn: `arn:aws:organizations::${scenario.callerAccount}:root/${orgId}/${ROOT_ID}`,
                PolicyTypes: org.scpsEnabled ? [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] : [],
              },
            ],
            'Roots',
          );
        case 'ListParents': {
          const child = String(input.ChildId);
          const unit = org.units.find((u) => u.id === child);
          const holder = org.units.find((u) => u.accounts.includes(child));
          if (!unit && !accounts.has(child))
            throw new AwsError(400, 'ChildNotFoundException', `We can't find a child with ID ${child}.`);
          const parent = unit ? (unit.parent ?? ROOT_ID) : (holder?.id ?? ROOT_ID);
          return paged([{ Id: parent, Type: parent === ROOT_ID ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }], 'Parents');
        }
        case 'ListPoliciesForTarget': {
          const target = String(input.TargetId);
          const policies = [FULL_ACCESS, ...org.scps.filter((p) => p.targets.includes(target))];
          return paged(policies.map(summary), 'Policies');
        }
        case 'DescribePolicy': {
          const policy = [FULL_ACCESS, ...org.scps].find((p) => p.id === input.PolicyId);
          if (!policy) throw new AwsError(400, 'PolicyNotFoundException', `We can't find a policy with the PolicyId.`);
          return { Policy: { PolicySummary: summary(policy), Content: JSON.stringify(policy.document) } };
        }
      }
      if (action === 'ListTagsForResource') {
        const account = accounts.get(String(input.ResourceId));
        if (!account)
          throw new AwsError(
            400,
            'TargetNotFoundException',
            `Account ${String(input.ResourceId)} is not in the organization.`,
          );
        return paged(
          Object.entries(account.tags).map(([Key, Value]) => ({ Key, Value })),
          'Tags',
        );
      }
      return paged(
        scenario.accounts.map((a) => ({
          Id: a.id,
          Arn: `arn:aws:organizations::${scenario.callerAccount}:account/${orgId}/${a.id}`,
          Email: a.email ?? `aws+${a.id}@example.invalid`,
          Name: a.name,
          Status: a.status,
          State: a.status,
          JoinedMethod: a.id === scenario.callerAccount ? 'CREATED' : 'INVITED',
          JoinedTimestamp: Date.parse(a.root.createdAt) / 1000,
        })),
        'Accounts',
      );
    }
    const ic = caller.account === scenario.callerAccount ? scenario.identityCenter : undefined;
    const instanceArn = ic ? `arn:aws:sso:::instance/${ic.instanceId}` : undefined;
    if (service === 'sso' && action === 'ListInstances')
      return paged(
        ic
          ? [
              {
                InstanceArn: instanceArn,
                IdentityStoreId: ic.identityStoreId,
                OwnerAccountId: scenario.callerAccount,
                Name: 'lanekeeper-sandbox',
                Status: 'ACTIVE',
              },
            ]
          : [],
        'Instances',
      );
    if (!ic) throw new AwsError(400, 'ResourceNotFoundException', 'Identity Center is not enabled in this account.');
    if (service === 'sso') {
      if (input.InstanceArn !== instanceArn)
        throw new AwsError(400, 'ResourceNotFoundException', `Instance ${String(input.InstanceArn)} not found.`);
      return handleSso(ic, action, input, paged);
    }
    if (input.IdentityStoreId !== ic.identityStoreId)
      throw new AwsError(
        400,
        'ResourceNotFoundException',
        `Identity store ${String(input.IdentityStoreId)} not found.`,
      );
    switch (action) {
      case 'ListUsers':
        return paged(
          ic.users.map((u) => ({
            UserId: u.id,
            UserName: u.userName,
            DisplayName: u.displayName,
            Emails: u.emails.map((Value, i) => ({ Value, Type: 'work', Primary: i === 0 })),
            UserStatus: u.status,
            IdentityStoreId: ic.identityStoreId,
          })),
          'Users',
        );
      case 'ListGroups':
        return paged(
          ic.groups.map((g) => ({ GroupId: g.id, DisplayName: g.displayName, IdentityStoreId: ic.identityStoreId })),
          'Groups',
        );
      case 'ListGroupMemberships': {
        const group = ic.groups.find((g) => g.id === input.GroupId);
        if (!group) throw new AwsError(400, 'ResourceNotFoundException', `Group ${String(input.GroupId)} not found.`);
        return paged(
          group.members.map((name) => {
            const user = ic.users.find((u) => u.userName === name);
            return {
              IdentityStoreId: ic.identityStoreId,
              MembershipId: `m-${group.id}-${user?.id ?? name}`,
              GroupId: group.id,
              MemberId: { UserId: user?.id ?? name },
            };
          }),
          'GroupMemberships',
        );
      }
      default:
        throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${action}`);
    }
  }

  function handleSso(
    ic: ScenarioIdentityCenter,
    action: string,
    input: Record<string, unknown>,
    paged: <T>(items: readonly T[], key: string) => unknown,
  ): unknown {
    const psArn = (id: string) => `arn:aws:sso:::permissionSet/${ic.instanceId}/${id}`;
    const permissionSet = () => {
      const ps = ic.permissionSets.find((p) => psArn(p.id) === input.PermissionSetArn);
      if (!ps)
        throw new AwsError(
          400,
          'ResourceNotFoundException',
          `Permission set ${String(input.PermissionSetArn)} not found.`,
        );
      return ps;
    };
    const assignmentsTo = (accountId: unknown) => ic.assignments.filter((a) => a.account === accountId);
    switch (action) {
      case 'ListPermissionSetsProvisionedToAccount': {
        const names = new Set(assignmentsTo(input.AccountId).map((a) => a.permissionSet));
        return paged(
          ic.permissionSets.filter((p) => names.has(p.name)).map((p) => psArn(p.id)),
          'PermissionSets',
        );
      }
      case 'ListAccountAssignments': {
        const ps = permissionSet();
        return paged(
          assignmentsTo(input.AccountId)
            .filter((a) => a.permissionSet === ps.name)
            .map((a) => ({
              AccountId: a.account,
              PermissionSetArn: psArn(ps.id),
              PrincipalType: a.user !== undefined ? 'USER' : 'GROUP',
              PrincipalId:
                a.user !== undefined
                  ? (ic.users.find((u) => u.userName === a.user)?.id ?? a.user)
                  : (ic.groups.find((g) => g.displayName === a.group)?.id ?? a.group),
            })),
          'AccountAssignments',
        );
      }
      case 'DescribePermissionSet': {
        const ps = permissionSet();
        return {
          PermissionSet: {
            Name: ps.name,
            PermissionSetArn: psArn(ps.id),
            Description: ps.description,
            CreatedDate: options.now.getTime() / 1000 - 86_400 * 365,
            SessionDuration: 'PT1H',
          },
        };
      }
      case 'ListManagedPoliciesInPermissionSet':
        return paged(
          permissionSet().managedPolicies.map((name) => ({ Name: name, Arn: `arn:aws:iam::aws:policy/${name}` })),
          'AttachedManagedPolicies',
        );
      case 'GetInlinePolicyForPermissionSet': {
        const ps = permissionSet();
        return { InlinePolicy: ps.inlinePolicy ? JSON.stringify(ps.inlinePolicy) : '' };
      }
      case 'GetPermissionsBoundaryForPermissionSet': {
        const b = permissionSet().boundary;
        if (!b) throw new AwsError(400, 'ResourceNotFoundException', 'Could not find PermissionsBoundary');
        return {
          PermissionsBoundary:
            'managed' in b
              ? { ManagedPolicyArn: `arn:aws:iam::aws:policy/${b.managed}` }
              : { CustomerManagedPolicyReference: { Name: b.customer.name, Path: b.customer.path } },
        };
      }
      case 'ListCustomerManagedPolicyReferencesInPermissionSet':
        return paged(
          permissionSet().customerManagedPolicies.map((p) => ({ Name: p.name, Path: p.path })),
          'CustomerManagedPolicyReferences',
        );
      default:
        throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${action}`);
    }
  }

  // ---- wire ----

  // ---- S3 (REST, path-style: GET / lists buckets, GET /{bucket}?policy reads a policy) ----

  const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

  function handleS3(action: string, req: EmulatorRequest, caller: Caller): EmulatorResponse {
    const account = accountOf(caller);
    if (action === 'ListAllMyBuckets') {
      if (account.buckets === null) throw new AwsError(403, 'AccessDenied', 'Access Denied');
      const all = [...account.buckets].sort((a, b) => byCodePoint(a.name, b.name));
      const max = Math.min(pageSize, Number(req.query.get('max-buckets') ?? 10_000) || 10_000);
      const after = req.query.get('continuation-token');
      const start = after === null ? 0 : all.findIndex((b) => b.name > after);
      const page = start < 0 ? [] : all.slice(start, start + max);
      const more = start >= 0 && start + max < all.length;
      const buckets = page
        .map(
          (b) =>
            `<Bucket><Name>${escapeXml(b.name)}</Name><CreationDate>${b.createdAt}</CreationDate><BucketRegion>${escapeXml(b.region)}</BucketRegion></Bucket>`,
        )
        .join('');
      const token = more ? `<ContinuationToken>${escapeXml(page.at(-1)?.name ?? '')}</ContinuationToken>` : '';
      return xmlResponse(
        200,
        `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>${account.id}</ID></Owner><Buckets>${buckets}</Buckets>${token}</ListAllMyBucketsResult>`,
      );
    }
    const name = decodeURIComponent(req.path.replace(/^\/|\/$/g, ''));
    const bucket = account.buckets?.find((b) => b.name === name);
    if (!bucket) throw new AwsError(404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (bucket.policyDenied) throw new AwsError(403, 'AccessDenied', 'Access Denied');
    if (!bucket.policy) throw new AwsError(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(bucket.policy) };
  }

  function s3Error(status: number, code: string, message: string): EmulatorResponse {
    return xmlResponse(
      status,
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId()}</RequestId></Error>`,
    );
  }

  function route(req: EmulatorRequest): Route | undefined {
    if (req.method === 'GET' && req.path === '/')
      return {
        operation: 's3:ListAllMyBuckets',
        params: { protocol: 's3', service: 's3', action: 'ListAllMyBuckets' },
      };
    if (req.method === 'GET' && req.query.has('policy') && /^\/[^/]+\/?$/.test(req.path))
      return { operation: 's3:GetBucketPolicy', params: { protocol: 's3', service: 's3', action: 'GetBucketPolicy' } };
    if (req.method !== 'POST' || req.path !== '/') return undefined;
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const [prefix = '', action = ''] = target.split('.');
      const service = JSON_TARGET_PREFIXES[prefix];
      const operation = `${service}:${action}`;
      return service && KNOWN.has(operation) ? { operation, params: { protocol: 'json', service, action } } : undefined;
    }
    const form = new URLSearchParams(req.body);
    const service = QUERY_VERSIONS[form.get('Version') ?? ''];
    const action = form.get('Action') ?? '';
    const operation = `${service}:${action}`;
    return service && KNOWN.has(operation) ? { operation, params: { protocol: 'query', service, action } } : undefined;
  }

  /** The region a SigV4 request was signed for: its credential scope (AKID/date/region/service/aws4_request). */
  function signedRegion(req: EmulatorRequest): string {
    const auth = req.headers.authorization;
    return (typeof auth === 'string' ? /Credential=[^/,\s]+\/\d{8}\/([^/]+)\//.exec(auth)?.[1] : undefined) ?? REGION;
  }

  function callerOf(req: EmulatorRequest): Caller | undefined {
    const auth = req.headers.authorization;
    const key = typeof auth === 'string' ? /Credential=([^/,\s]+)\//.exec(auth)?.[1] : undefined;
    return key ? keys.get(key) : undefined;
  }

  function handle(req: EmulatorRequest, r: Route, ctx: { fault?: FaultKind }): EmulatorResponse {
    const { protocol, service = '', action = '' } = r.params;
    const caller = callerOf(req);
    if (protocol === 's3') {
      try {
        if (!caller)
          throw new AwsError(
            403,
            'InvalidAccessKeyId',
            'The AWS Access Key Id you provided does not exist in our records.',
          );
        return handleS3(action, req, caller);
      } catch (e) {
        if (!(e instanceof AwsError)) throw e;
        return s3Error(e.status, e.code, e.message);
      }
    }
    try {
      if (!caller)
        throw protocol === 'json'
          ? new AwsError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.')
          : new AwsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      if (protocol === 'json') {
        const input = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
        if (service === 'kms') return jsonResponse(200, handleKms(action, input, caller, signedRegion(req)));
        return jsonResponse(200, handleJson(service, action, input, caller));
      }
      const params = new URLSearchParams(req.body);
      const result =
        service === 'sts' ? handleSts(action, params, caller) : handleIam(action, params, caller, ctx.fault);
      return xmlResponse(200, queryEnvelope(action, service === 'sts' ? STS_NS : IAM_NS, result, requestId()));
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      return protocol === 'json'
        ? jsonResponse(e.status, { __type: e.code, message: e.message })
        : xmlResponse(
            e.status,
            queryError(
              service === 'sts' ? STS_NS : IAM_NS,
              e.status < 500 ? 'Sender' : 'Receiver',
              e.code,
              e.message,
              requestId(),
            ),
          );
    }
  }

  function renderFault(kind: FaultKind, _req: EmulatorRequest, r: Route): EmulatorResponse {
    if (r.params.protocol === 's3') {
      // S3 throttles with 503 SlowDown; its server errors are XML too.
      if (kind === 'rate-limit' || kind === 'secondary-rate-limit')
        return s3Error(503, 'SlowDown', 'Please reduce your request rate.');
      const status = kind === 'bad-gateway' ? 502 : kind === 'unavailable' ? 503 : 500;
      return s3Error(
        status,
        status === 503 ? 'ServiceUnavailable' : 'InternalError',
        'We encountered an internal error. Please try again.',
      );
    }
    const json = r.params.protocol === 'json';
    const ns = r.params.service === 'sts' ? STS_NS : IAM_NS;
    if (kind === 'rate-limit' || kind === 'secondary-rate-limit') {
      if (!json) return xmlResponse(400, queryError(ns, 'Sender', 'Throttling', 'Rate exceeded', requestId()));
      const code = r.params.service === 'organizations' ? 'TooManyRequestsException' : 'ThrottlingException';
      return jsonResponse(400, { __type: code, message: 'Rate exceeded' });
    }
    const status = kind === 'bad-gateway' ? 502 : kind === 'unavailable' ? 503 : 500;
    const code = status === 503 ? 'ServiceUnavailable' : json ? 'InternalServerException' : 'ServiceFailure';
    if (json) return jsonResponse(status, { __type: code, message: 'An internal error occurred.' });
    return xmlResponse(status, queryError(ns, 'Receiver', code, 'An internal error occurred.', requestId()));
  }

  // A request counts against the account that signed it, in its service's window.
  const caller = (req: EmulatorRequest, r: Route) => rateWindowOf(callerOf(req)?.account ?? '', r.operation);
  const http = await startHttpEmulator({ options, route, handle, renderFault, caller });
  const config: Record<string, unknown> = {
    endpoint: http.url,
    region: REGION,
    credentials: { accessKeyId: `\${${SANDBOX_ACCESS_KEY_ENV}}`, secretAccessKey: `\${${SANDBOX_SECRET_KEY_ENV}}` },
    ...(scenario.organization
      ? { organization: { roleName: scenario.organization.auditRole } }
      : { accounts: scenario.accounts.map((a) => ({ id: a.id, name: a.name })) }),
    ...(scenario.identityCenter ? { identityCenter: {} } : {}),
  };
  return {
    url: http.url,
    config,
    env: { [SANDBOX_ACCESS_KEY_ENV]: BASE_ACCESS_KEY, [SANDBOX_SECRET_KEY_ENV]: BASE_SECRET },
    requests: http.requests,
    close: () => http.close(),
  };
}

// ---- helpers ----

type XmlValue = string | number | boolean | undefined | XmlValue[] | XmlObject;
interface XmlObject {
  [key: string]: XmlValue;
}

function toXml(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value))
    return value.length === 0 ? `<${name}/>` : `<${name}>${value.map((v) => toXml('member', v)).join('')}</${name}>`;
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => toXml(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

function queryEnvelope(action: string, ns: string, result: XmlObject, id: string): string {
  const body = Object.entries(result)
    .map(([k, v]) => toXml(k, v))
    .join('');
  return `<${action}Response xmlns="${ns}"><${action}Result>${body}</${action}Result><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`;
}

function queryError(ns: string, type: string, code: string, message: string, id: string): string {
  return `<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`;
}

function xmlResponse(status: number, body: string): EmulatorResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'sandbox' }, body };
}

function jsonResponse(status: number, body: unknown): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'sandbox' },
    body: JSON.stringify(body),
  };
}

function accessDenied(caller: Caller, action: string, resource?: string): AwsError {
  return new AwsError(
    403,
    'AccessDenied',
    `User: ${caller.arn} is not authorized to perform: ${action}${resource ? ` on resource: ${resource}` : ''}`,
  );
}

/** IAM's ids: a four-letter prefix and 17 characters, stable for a name. */
function principalId(prefix: string, account: string, name: string): string {
  return prefix + createHash('sha256').update(`${account}/${name}`).digest('hex').slice(0, 17).toUpperCase();
}

/** IAM URL-encodes documents on the wire (RFC 3986, as encodeURIComponent does). */
function encodeDoc(document: Record<string, unknown>): string {
  return encodeURIComponent(JSON.stringify(document));
}

/** The credential report's instant form: `2026-05-04T10:11:12+00:00`. */
function reportDate(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function maxItems(params: URLSearchParams): number | undefined {
  const v = params.get('MaxItems');
  return v ? Number.parseInt(v, 10) : undefined;
}

/**
 * IAM-style paging over opaque markers. The marker carries the position and a counter, so an
 * empty page (IAM may return fewer items than asked, even none) still moves the marker on.
 * The paging faults model a broken server: `empty-page` links on without items, and
 * `repeat-cursor` hands back the marker it was given.
 */
function pageWithFault<T>(
  items: readonly T[],
  marker: string | null,
  max: number | undefined,
  pageSize: number,
  fault: FaultKind | undefined,
): { page: T[]; next?: string } {
  const start = marker ? decodeMarker(marker) : 0;
  if (fault === 'empty-page') return { page: [], next: encodeMarker(start, nextSkew()) };
  const size = Math.max(1, Math.min(max ?? DEFAULT_PAGE, pageSize));
  const page = items.slice(start, start + size);
  const end = start + page.length;
  // The first page has no marker to repeat: it is served as usual.
  if (fault === 'repeat-cursor' && marker) return { page, next: marker };
  return end < items.length ? { page, next: encodeMarker(end, 0) } : { page };
}

let skew = 0;
function nextSkew(): number {
  skew += 1;
  return skew;
}

function encodeMarker(position: number, skew: number): string {
  return Buffer.from(JSON.stringify({ p: position, s: skew })).toString('base64');
}

function decodeMarker(marker: string): number {
  try {
    const { p } = JSON.parse(Buffer.from(marker, 'base64').toString('utf8')) as { p: number };
    return Number.isInteger(p) && p >= 0 ? p : 0;
  } catch {
    return 0;
  }
}

/** awsJson paging: NextToken is opaque to clients; ours is the next position. */
function pageOf<T>(items: readonly T[], token: string | undefined, size: number): { page: T[]; next?: string } {
  const start = token ? decodeMarker(token) : 0;
  const page = items.slice(start, start + Math.max(1, size));
  const end = start + page.length;
  return end < items.length ? { page, next: encodeMarker(end, 0) } : { page };
}
