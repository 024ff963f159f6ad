// From what one account's IAM (and Identity Center) said to the normalised records: one
// account per IAM user, role, root and outside principal; grants per principal and access
// category (admin, write, data read, metadata read) with the deciding statements as evidence;
// access keys and console passwords as credentials. Pure: no API call happens here.

import { normalizeEmail } from '../../src/core/identity.js';
import type { Account, Credential, Gap, Grant, Via } from '../../src/core/model.js';
import {
  type Actor,
  type AssumableRole,
  AssumeGraph,
  describePath,
  type Hop,
  type Reach,
  roleActor,
  ssoActor,
  userActor,
} from './assume-graph.js';
import type { AuthorizationDetails, IamRole, IamUser, PolicyRef } from './authorization.js';
import type { CredentialFacts, KeyFacts, UserCredentials } from './credentials.js';
import {
  type AccessCategory,
  accessJudge,
  type EffectiveAccess,
  type EvaluationInput,
  evaluateAccess,
  type ScpLevel,
} from './evaluator.js';
import {
  type CustomerPolicyRef,
  customerPolicyArn,
  type IcPermissionSet,
  type IdentityCenterFacts,
} from './identity-center.js';
import type { NamedPolicy } from './policy.js';
import type { OrganizationIdentity, Outsider } from './principal-conditions.js';
import { describeTrust, type TrustedPrincipal, trustedPrincipals } from './trust.js';

const SYSTEM = 'aws';

export interface Records {
  accounts: Account[];
  grants: Grant[];
  credentials: Credential[];
}

export interface AccountScan {
  accountId: string;
  accountName: string;
  accountTags: string[];
  details: AuthorizationDetails;
  credentials: CredentialFacts;
  /** Every account of the organisation (or of the config's list): trust from these is not outside. */
  organizationAccounts: ReadonlySet<string>;
  /** The service control policies over the account, root first (absent: none apply, or not read). */
  scps?: ScpLevel[];
  /** Identity Center is read: its reserved roles are reported through its assignments, not as roles. */
  identityCenter?: boolean;
  /** The organisation's id, for trust policies' aws:PrincipalOrgID conditions (absent: not read). */
  organization?: OrganizationIdentity;
}

/** What every account read says together: the roles each principal may become, and the accounts' names. */
export interface AwsWorld {
  graph: AssumeGraph;
  /** Every role a person may assume, by ARN, with what its policies amount to. */
  roles: ReadonlyMap<string, AssumableRole>;
  accounts: ReadonlyMap<string, { name: string; tags: string[] }>;
  /** Every account's managed policies by ARN: customer-managed ones resolve permission sets there. */
  policies: ReadonlyMap<string, ReadonlyMap<string, NamedPolicy>>;
  /** The service control policies over each account: they cap every principal there, permission sets included. */
  scps: ReadonlyMap<string, readonly ScpLevel[]>;
  /** Judges what principals' policies amount to, once per set of policies (evaluator.ts). */
  judge: (input: EvaluationInput) => EffectiveAccess;
  /**
   * What other accounts' resource policies (bucket and key policies naming a principal of this
   * organisation, or its account) give a holder: as the actor itself (none for an outsider), and
   * through each role it reaches. Absent: no account's resource policy names another's principals.
   */
  resourceGrants?: (holder: PathHolder, actor: Actor | undefined, reaches: readonly Reach[]) => Grant[];
}

/**
 * Service-linked roles belong to AWS services. AWSReservedSSO_ roles are Identity Center's
 * sessions: reported through its assignments when it is read, else as the roles they are.
 */
function isManagedByAws(role: IamRole, scan: Pick<AccountScan, 'identityCenter'>): boolean {
  return (
    role.path.startsWith('/aws-service-role/') ||
    (role.path.startsWith('/aws-reserved/') && (scan.identityCenter === true || !isIdentityCenterRole(role)))
  );
}

function isIdentityCenterRole(role: IamRole): boolean {
  return role.path.startsWith('/aws-reserved/sso.amazonaws.com/') && role.name.startsWith('AWSReservedSSO_');
}

type Judge = AwsWorld['judge'];

/** An account read, with what its roles amount to. */
export interface JudgedAccount {
  scan: AccountScan;
  roles: readonly AssumableRole[];
}

/**
 * Judges an account's principals as soon as its read and its SCPs are in, while other accounts
 * are still being read: only who may assume which role waits for every account. Its users'
 * judgements are kept by the judge, for when the account's records are built.
 */
export function judgeAccount(scan: AccountScan, judge: Judge): JudgedAccount {
  // Missing policies are the account's gap to report, when it builds its records.
  const resolve = policyResolver(scan.details, () => {});
  for (const user of scan.details.users) judge(userInput(user, scan.details, resolve, scan.scps));
  const roles = scan.details.roles
    .filter((role) => !isManagedByAws(role, scan))
    .map((role) => assumableRole(scan, role, roleInput(role, resolve, scan.scps), judge));
  return { scan, roles };
}

/** The roles of every account read, and the graph of who may assume them. */
export function buildWorld(judged: readonly JudgedAccount[], judge: Judge): AwsWorld {
  const roles = new Map<string, AssumableRole>();
  const accounts = new Map<string, { name: string; tags: string[] }>();
  const policies = new Map<string, ReadonlyMap<string, NamedPolicy>>();
  const scps = new Map<string, readonly ScpLevel[]>();
  for (const { scan, roles: own } of judged) {
    accounts.set(scan.accountId, { name: scan.accountName, tags: scan.accountTags });
    policies.set(scan.accountId, scan.details.policies);
    if (scan.scps) scps.set(scan.accountId, scan.scps);
    for (const role of own) roles.set(role.arn, role);
  }
  return { graph: new AssumeGraph([...roles.values()]), roles, accounts, policies, scps, judge };
}

/** The world of one account alone (a test, or an account read without the others). */
function worldOf(scan: AccountScan): AwsWorld {
  const judge = accessJudge();
  return buildWorld([judgeAccount(scan, judge)], judge);
}

function assumableRole(
  scan: AccountScan,
  role: IamRole,
  input: EvaluationInput,
  judge: AwsWorld['judge'],
): AssumableRole {
  return {
    arn: role.arn,
    name: role.name,
    accountId: scan.accountId,
    trust: trustedPrincipals(role.trust, scan.accountId, scan.organizationAccounts, scan.organization),
    access: judge(input),
    actor: roleActor(role.arn, role.name, scan.accountId, input),
  };
}

interface PolicySource {
  policyArn?: string;
  policyName?: string;
  group?: string;
}

type Resolve = (
  refs: PolicyRef[],
  suffix?: string,
  sources?: Map<string, PolicySource>,
  group?: string,
) => NamedPolicy[];

/** Managed policies by reference, from the account's own details; a missing one is a gap. */
function policyResolver(details: AuthorizationDetails, gap: (g: Gap) => void): Resolve {
  return (refs, suffix = '', sources, group) =>
    refs.flatMap((ref) => {
      const policy = details.policies.get(ref.arn);
      if (!policy) {
        gap({
          kind: 'aws.policy-missing',
          detail: `managed policy ${ref.arn} is attached but was not in the authorization details: the access it gives is unknown`,
        });
        return [];
      }
      const name = `${policy.name}${suffix}`;
      sources?.set(name, { policyArn: ref.arn, ...(group ? { group } : {}) });
      return [{ name, document: policy.document }];
    });
}

function inlineSources(policies: NamedPolicy[], sources: Map<string, PolicySource>, group?: string): void {
  for (const p of policies)
    sources.set(group ? `${p.name} (group ${group})` : p.name, {
      policyName: p.name.replace(/ \(inline\)$/, ''),
      ...(group ? { group } : {}),
    });
}

/** A user's policies: inline and attached, its own and its groups', and its boundary. */
function userInput(
  user: IamUser,
  details: AuthorizationDetails,
  resolve: Resolve,
  scps: readonly ScpLevel[] | undefined,
  sources = new Map<string, PolicySource>(),
): EvaluationInput {
  const groups = new Map(details.groups.map((g) => [g.name, g]));
  inlineSources(user.inline, sources);
  const policies = [...user.inline, ...resolve(user.attached, '', sources)];
  for (const groupName of user.groups) {
    const group = groups.get(groupName);
    if (!group) continue;
    inlineSources(group.inline, sources, group.name);
    policies.push(
      ...group.inline.map((p) => ({ ...p, name: `${p.name} (group ${group.name})` })),
      ...resolve(group.attached, ` (group ${group.name})`, sources, group.name),
    );
  }
  const boundary = user.boundaryArn ? resolve([{ arn: user.boundaryArn, name: user.boundaryArn }]) : undefined;
  return { policies, ...readBoundary(boundary), ...(scps ? { scps } : {}) };
}

function roleInput(
  role: IamRole,
  resolve: Resolve,
  scps: readonly ScpLevel[] | undefined,
  sources = new Map<string, PolicySource>(),
): EvaluationInput {
  inlineSources(role.inline, sources);
  const policies = [...role.inline, ...resolve(role.attached, '', sources)];
  const boundary = role.boundaryArn ? resolve([{ arn: role.boundaryArn, name: role.boundaryArn }]) : undefined;
  return { policies, ...readBoundary(boundary), ...(scps ? { scps } : {}) };
}

/**
 * A boundary that could not be resolved (its gap is named when resolving) is left out: it could
 * only narrow, so access is not understated, and an empty boundary would take every action away.
 */
function readBoundary(boundary: NamedPolicy[] | undefined): { boundary?: NamedPolicy[] } {
  return boundary && boundary.length > 0 ? { boundary } : {};
}

export interface GrantBase {
  target: string;
  account: string;
  resource: string;
  aliases: string[];
  /** The account's Organizations tags as "Key=Value", for lanes globs like "tag:env=prod". */
  accountTags: string[];
  via: Via;
  viaName?: string;
  /** Shown before the policy names: "can assume agency-deploy: ". */
  prefix?: string;
  /** Overrides the policy names in the permission (a permission set's name). */
  label?: string;
  evidence: string[];
  /** Where each policy (by the name the evaluator saw) comes from: its ARN, inline name, group. */
  sources?: ReadonlyMap<string, PolicySource>;
  /** Facts about the grant's origin for remediation (Identity Center instance, permission set, principal). */
  extra?: Record<string, string>;
}

export function buildAccountRecords(
  scan: AccountScan,
  warn: (m: string) => void,
  gap: (g: Gap) => void = () => {},
  world: AwsWorld = worldOf(scan),
): Records {
  const records: Records = { accounts: [], grants: [], credentials: [] };
  const { accountId: target, accountName, details } = scan;
  const resource = target;
  const aliases = [accountName];
  const { accountTags } = scan;
  const tagged: { accountTags?: string[] } = accountTags.length > 0 ? { accountTags } : {};
  const resolve = policyResolver(details, gap);

  // Root: unaffected by IAM policies, always administrator.
  const root = scan.credentials.root;
  const rootId = `arn:aws:iam::${target}:root`;
  const rootAccount: Account = {
    system: SYSTEM,
    target,
    id: rootId,
    login: 'root',
    displayName: `root user of ${accountName}`,
    emails: [],
    kind: 'root',
    status: 'active',
    role: 'root',
    attributes: {
      consolePassword: true,
      passwordLastUsed: root?.passwordLastUsedAt ?? null,
      activeAccessKeys: root ? root.keys.filter((k) => k.active).length : null,
      credentialsKnown: root !== undefined,
    },
  };
  if (root) rootAccount.mfa = root.mfa;
  const rootActive = latest([root?.passwordLastUsedAt, ...(root?.keys ?? []).map((k) => k.lastUsedAt)]);
  if (rootActive) rootAccount.lastActiveAt = rootActive;
  records.accounts.push(rootAccount);
  records.grants.push({
    system: SYSTEM,
    target,
    account: rootId,
    resource,
    permission: 'root user (all actions, not limited by IAM policies)',
    via: 'direct',
    lanes: [],
    level: 'admin',
    evidence: [
      ...usage(root?.keys ?? [], root?.passwordLastUsedAt, false),
      ...credentialSource(scan.credentials, undefined),
      'the root user of an account can do everything in it; IAM policies do not apply to it',
    ],
    attributes: { aliases, access: 'admin', ...tagged },
  });
  if (root) {
    for (const key of root.keys) records.credentials.push(keyCredential(target, rootId, key, 'root'));
    if (root.passwordLastUsedAt)
      records.credentials.push({
        system: SYSTEM,
        target,
        account: rootId,
        kind: 'password',
        id: 'console password',
        lastUsedAt: root.passwordLastUsedAt,
        active: true,
      });
  }

  for (const user of details.users) {
    const creds = scan.credentials.users.get(user.name);
    const sources = new Map<string, PolicySource>();
    const input = userInput(user, details, resolve, scan.scps, sources);
    const { boundary } = input;
    const access = world.judge(input);
    records.accounts.push(userAccount(target, user, creds));
    const evidence = [
      ...usage(creds?.keys ?? [], creds?.password?.lastUsedAt, creds?.password !== undefined),
      ...credentialSource(scan.credentials, user.name),
      ...(boundary ? [`permissions boundary: ${boundary.map((b) => b.name).join(', ')}`] : []),
    ];
    records.grants.push(
      ...grantsFromAccess(
        { target, account: user.arn, resource, aliases, accountTags, via: 'direct', evidence, sources },
        access,
      ),
    );
    const actor = userActor(user.arn, user.name, target, input);
    const reaches = world.graph.reachFrom(actor);
    const holder: PathHolder = { target, account: user.arn, start: user.name, evidence };
    for (const reach of reaches) records.grants.push(...reachGrants(holder, reach, world));
    records.grants.push(...(world.resourceGrants?.(holder, actor, reaches) ?? []));
    for (const key of creds?.keys ?? []) records.credentials.push(keyCredential(target, user.arn, key, user.name));
    if (creds?.password) {
      const password: Credential = {
        system: SYSTEM,
        target,
        account: user.arn,
        kind: 'password',
        id: 'console password',
        active: true,
      };
      if (creds.password.createdAt) password.createdAt = creds.password.createdAt;
      if (creds.password.lastUsedAt) password.lastUsedAt = creds.password.lastUsedAt;
      records.credentials.push(password);
    }
  }

  const outside = new Map<string, Account>();
  const ssoRoles = scan.identityCenter ? [] : details.roles.filter(isIdentityCenterRole).map((r) => r.name);
  if (ssoRoles.length > 0)
    gap({
      kind: 'aws.identity-center',
      detail: `Identity Center is not read (no identityCenter in the config): its roles ${ssoRoles.join(', ')} are reported as roles, without the people who may use them`,
      count: ssoRoles.length,
    });
  for (const role of details.roles) {
    // Identity Center's roles are reported through the assignments that create them, when it is read.
    if (isManagedByAws(role, scan)) continue;
    const sources = new Map<string, PolicySource>();
    const input = roleInput(role, resolve, scan.scps, sources);
    const self = world.roles.get(role.arn) ?? assumableRole(scan, role, input, world.judge);
    const { access, trust: trusted } = self;
    records.accounts.push(roleAccount(target, role, trusted.map(describeTrust)));
    records.grants.push(
      ...grantsFromAccess(
        { target, account: role.arn, resource, aliases, accountTags, via: 'direct', evidence: [], sources },
        access,
      ),
    );
    // What the role can go on to is its own access too: whoever holds the role (a CI job, a
    // service, a web identity) holds it, as a user's reach is the user's.
    const reaches = world.graph.reachFrom(self.actor);
    const holder: PathHolder = { target, account: role.arn, start: role.name };
    for (const reach of reaches) records.grants.push(...reachGrants(holder, reach, world));
    records.grants.push(...(world.resourceGrants?.(holder, self.actor, reaches) ?? []));
    for (const t of trusted) {
      if (t.kind === 'deleted') {
        warn(
          `${target}: role ${role.name} trusts ${t.principal}, a principal that was deleted; remove it from the trust policy`,
        );
        continue;
      }
      const open = outsider(t);
      if (!open) continue;
      if (!outside.has(open.id)) outside.set(open.id, outsideAccount(target, open));
      const account = outside.get(open.id) as Account;
      if (t.externalId && account.attributes) account.attributes.externalIdRequired = true;
      // The role itself, then every role it can go on to: all of it is the outsider's. Their
      // own side (their policies) is theirs, not ours to see: the trust is the whole reason.
      const first: Reach = {
        role: self,
        path: [{ role: self, named: true, allowedBy: [], evidence: [`${role.arn} ${describeTrust(t)}`] }],
      };
      const onward = reaches.map((r) => ({ role: r.role, path: [...first.path, ...r.path] }));
      const theirs: PathHolder = { target, account: open.id, start: open.label };
      for (const reach of [first, ...onward]) records.grants.push(...reachGrants(theirs, reach, world));
      records.grants.push(...(world.resourceGrants?.(theirs, undefined, [first, ...onward]) ?? []));
    }
  }
  records.accounts.push(...outside.values());
  return sortRecords(records);
}

const DISABLED_USER = 'the user is disabled in Identity Center: it cannot sign in until enabled again';

export function buildIdentityCenterRecords(
  ic: IdentityCenterFacts,
  target: string,
  accounts: ReadonlyMap<string, { name: string; tags: string[] }>,
  world?: AwsWorld,
  gap: (g: Gap) => void = () => {},
): Records {
  const records: Records = { accounts: [], grants: [], credentials: [] };
  const userId = (id: string) => `arn:aws:identitystore:::user/${id}`;
  for (const user of ic.users.values()) {
    const account: Account = {
      system: SYSTEM,
      target,
      id: userId(user.id),
      login: user.userName,
      emails: user.emails,
      kind: 'human',
      // A disabled user cannot sign in; its assignments stay and work again once it is enabled.
      status: user.disabled ? 'suspended' : 'active',
      role: 'identity-center-user',
      attributes: { identityStoreId: ic.identityStoreId },
    };
    if (user.displayName) account.displayName = user.displayName;
    records.accounts.push(account);
  }
  // A set's customer-managed policies and boundary live in each account: one evaluation per set and account.
  const inputs = new Map<string, EvaluationInput>();
  const accessBySet = new Map<string, EffectiveAccess>();
  const inputFor = (set: IcPermissionSet, accountId: string): EvaluationInput => {
    const key = `${set.arn} ${accountId}`;
    const known = inputs.get(key);
    if (known) return known;
    const resolve = (ref: CustomerPolicyRef, role: string): NamedPolicy[] => {
      const arn = customerPolicyArn(accountId, ref);
      const policy = world?.policies.get(accountId)?.get(arn);
      if (policy) return [{ name: `${policy.name} (customer-managed)`, document: policy.document }];
      gap({
        kind: 'aws.permission-set-policies',
        detail: `permission set ${set.name} names the customer-managed policy ${ref.path}${ref.name} as its ${role}, which was not found in account ${accountId}${world?.policies.has(accountId) ? '' : ' (the account was not read)'}: its access there is unknown`,
      });
      return [];
    };
    const policies = [...set.policies, ...set.customerManaged.flatMap((ref) => resolve(ref, 'policy'))];
    const boundary = !set.boundary
      ? undefined
      : 'policy' in set.boundary
        ? [set.boundary.policy]
        : resolve(set.boundary.customer, 'permissions boundary');
    const scps = world?.scps.get(accountId);
    const input: EvaluationInput = {
      policies,
      ...readBoundary(boundary),
      ...(scps ? { scps } : {}),
    };
    inputs.set(key, input);
    return input;
  };
  for (const assignment of ic.assignments) {
    const set = ic.permissionSets.get(assignment.permissionSetArn);
    if (!set) continue;
    const input = inputFor(set, assignment.accountId);
    const key = `${set.arn} ${assignment.accountId}`;
    let access = accessBySet.get(key);
    if (!access) {
      access = evaluateAccess(input);
      accessBySet.set(key, access);
    }
    const assigned = accounts.get(assignment.accountId);
    const group = assignment.principalType === 'GROUP' ? ic.groups.get(assignment.principalId) : undefined;
    const members = assignment.principalType === 'USER' ? [assignment.principalId] : (group?.members ?? []);
    const assignmentFacts = {
      instanceArn: ic.instanceArn,
      permissionSetArn: set.arn,
      permissionSetName: set.name,
      principalType: assignment.principalType,
      principalId: assignment.principalId,
      assignmentAccount: assignment.accountId,
    };
    const session = ssoActor(set.arn, set.name, assignment.accountId, input);
    const reaches = world?.graph.reachFrom(session) ?? [];
    for (const member of members) {
      const user = ic.users.get(member);
      if (!user) continue;
      const disabled = user.disabled ? [DISABLED_USER] : [];
      const holder: PathHolder = {
        target,
        account: userId(member),
        start: `${set.name} in ${assignment.accountId}`,
        evidence: disabled,
        extra: assignmentFacts,
      };
      for (const reach of reaches) records.grants.push(...reachGrants(holder, reach, world as AwsWorld));
      records.grants.push(...(world?.resourceGrants?.(holder, session, reaches) ?? []));
      records.grants.push(
        ...grantsFromAccess(
          {
            target,
            account: userId(member),
            resource: assignment.accountId,
            aliases: assigned ? [assigned.name] : [],
            accountTags: assigned?.tags ?? [],
            via: group ? 'group' : 'permission-set',
            ...(group ? { viaName: group.name } : { viaName: set.name }),
            label: set.name,
            extra: assignmentFacts,
            evidence: [
              ...disabled,
              `permission set ${set.name} (${input.policies.map((p) => p.name).join(', ') || 'no policies'}${input.boundary ? `; boundary ${input.boundary.map((p) => p.name).join(', ')}` : ''})${group ? `, assigned to group ${group.name}` : ''}`,
            ],
          },
          access,
        ),
      );
    }
  }
  return sortRecords(records);
}

/** Who holds a path: the account the grants belong to, how the path starts, what remediation needs. */
export interface PathHolder {
  target: string;
  account: string;
  start: string;
  /** Lines about the holder itself (its keys and their last use), shown first. */
  evidence?: readonly string[];
  extra?: Record<string, string>;
}

/**
 * What a path to a role gives its holder: the role's access, as "can assume ROLE", with the
 * path and each hop's reason as evidence. Remediation cuts the first hop: the role it enters,
 * in its account, and whether the trust names the holder or trusts its whole account.
 */
function reachGrants(holder: PathHolder, reach: Reach, world: AwsWorld): Grant[] {
  const { role } = reach;
  const place = world.accounts.get(role.accountId);
  return grantsFromAccess(
    {
      target: holder.target,
      account: holder.account,
      resource: role.accountId,
      aliases: place ? [place.name] : [],
      accountTags: place?.tags ?? [],
      via: 'role',
      viaName: role.name,
      prefix: `can assume ${role.name}: `,
      ...pathTo(holder, reach),
    },
    role.access,
  );
}

/** A path's evidence (the holder's lines, the path, each hop's reason) and what remediation needs to cut it. */
export function pathTo(holder: PathHolder, reach: Reach): { evidence: string[]; extra: Record<string, string> } {
  const { role } = reach;
  const first = reach.path[0] as Hop;
  return {
    evidence: [
      ...(holder.evidence ?? []),
      describePath(holder.start, reach.path),
      ...reach.path.flatMap((h) => h.evidence),
    ],
    extra: {
      ...holder.extra,
      roleArn: role.arn,
      roleName: first.role.name,
      roleAccount: first.role.accountId,
      trustNamesHolder: String(first.named),
      ...(first.allowedBy.length > 0 ? { assumeAllowedBy: first.allowedBy.join('; ') } : {}),
    },
  };
}

export type { Outsider };

/** A trusted principal outside the organisation, anyone, or any holder of a web-identity token. */
export function outsider(
  t: Pick<TrustedPrincipal, 'kind' | 'principal' | 'accountId' | 'webIdentity'>,
): Outsider | undefined {
  if (t.kind === 'external' || t.kind === 'public') {
    const label = t.accountId ?? t.principal;
    return {
      id: t.principal,
      label,
      ...(t.accountId ? { accountId: t.accountId } : {}),
      kind: t.kind,
      displayName: t.kind === 'public' ? 'anyone (Principal "*")' : `AWS account ${label} (outside the organisation)`,
    };
  }
  if (t.webIdentity?.anyone)
    return { id: t.principal, label: t.webIdentity.host, kind: 'public', displayName: t.webIdentity.who };
  return undefined;
}

/** One grant per access category that matters: admin alone, else write and data read, else read. */
export function grantsFromAccess(base: GrantBase, access: EffectiveAccess): Grant[] {
  const categories: AccessCategory[] = access.admin
    ? ['admin']
    : [
        ...(access.write ? (['write'] as const) : []),
        ...(access.dataRead ? (['data-read'] as const) : []),
        ...(!access.write && access.read ? (['read'] as const) : []),
      ];
  return categories.map((category) => {
    const names = base.label ?? (access.policies[category].join(', ') || 'no policy');
    const detail =
      category === 'data-read'
        ? ` (data read: ${summariseActions(access.actions['data-read'])})`
        : category === 'read'
          ? ' (metadata read)'
          : '';
    const grant: Grant = {
      system: SYSTEM,
      target: base.target,
      account: base.account,
      resource: base.resource,
      permission: `${base.prefix ?? ''}${names}${detail}`,
      via: base.via,
      lanes: [],
      level: 'read',
      evidence: [...base.evidence, ...access.evidence[category], ...access.narrowing, ...access.notes],
      attributes: {
        aliases: base.aliases,
        access: category,
        ...(base.accountTags.length > 0 ? { accountTags: base.accountTags } : {}),
      },
    };
    if (base.viaName) grant.viaName = base.viaName;
    Object.assign(grant.attributes ?? {}, base.extra ?? {}, originOf(access.policies[category], base.sources));
    const group = groupOf(access.policies[category], base.sources);
    if (group && base.via === 'direct') {
      // Every deciding policy is a group's: the access goes with the group membership.
      grant.via = 'group';
      grant.viaName = group;
    }
    return grant;
  });
}

/** How the access is used: the credentials that open it and their last use, shown with each grant. */
/** Where a principal's credential facts come from: the report (and how old it was), or a direct read. */
function credentialSource(facts: CredentialFacts, userName: string | undefined): string[] {
  if (userName !== undefined && facts.readOneByOne.includes(userName)) {
    return facts.source === 'credential-report'
      ? ['keys, password and MFA read directly: the user is newer than the credential report']
      : ['keys, password and MFA read directly: the credential report is denied'];
  }
  if (facts.source !== 'credential-report' || !facts.reportGeneratedAt) return [];
  return [
    `keys and password as of the credential report generated ${facts.reportGeneratedAt.slice(0, 16).replace('T', ' ')} UTC`,
  ];
}

function usage(keys: readonly KeyFacts[], passwordLastUsed: string | undefined, hasPassword: boolean): string[] {
  const lines = keys
    .filter((k) => k.active)
    .map((k) => {
      const id = k.id ? shortenKeyId(k.id) : `access key ${k.slot ?? '?'}`;
      const used = k.lastUsedAt
        ? `last used ${k.lastUsedAt.slice(0, 10)}${k.lastUsedService ? ` (${k.lastUsedService})` : ''}`
        : 'never used';
      return `active access key ${id}, ${used}`;
    });
  if (passwordLastUsed) lines.push(`console password last used ${passwordLastUsed.slice(0, 10)}`);
  else if (hasPassword) lines.push('console password, never used');
  return lines;
}

/** The one policy that decided a grant, so remediation can detach or delete exactly it. */
function originOf(names: readonly string[], sources?: ReadonlyMap<string, PolicySource>): Record<string, string> {
  const only = names.length === 1 ? sources?.get(names[0] as string) : undefined;
  if (only?.policyArn) return { policyArn: only.policyArn };
  if (only?.policyName) return { policyName: only.policyName };
  return {};
}

function groupOf(names: readonly string[], sources?: ReadonlyMap<string, PolicySource>): string | undefined {
  const groups = new Set(names.map((n) => sources?.get(n)?.group));
  const [only] = [...groups];
  return groups.size === 1 && only !== undefined ? only : undefined;
}

function summariseActions(actions: readonly string[]): string {
  if (actions.length === 0) return 'by wildcard';
  return actions.length <= 4 ? actions.join(', ') : `${actions.slice(0, 4).join(', ')} and ${actions.length - 4} more`;
}

const SERVICE_TAG_KEYS = ['lanekeeper:kind', 'kind', 'type', 'usage'];
const SERVICE_TAG_VALUES = ['service', 'bot', 'automation', 'machine', 'ci'];
const SERVICE_NAME = /(^|[-_.])(ci|cd|bot|svc|service|deploy|deployer|automation|terraform|github-actions)([-_.]|$)/i;
// The address of whoever signs in as the user. Not an owner's (`owner-email`): linking a shared
// or service user to its owner would make it that person's own account, and hide its findings.
const EMAIL_TAG_KEYS = ['email', 'e-mail', 'mail', 'lanekeeper:email'];

function userAccount(target: string, user: IamUser, creds: UserCredentials | undefined): Account {
  const tag = (keys: string[]) =>
    Object.entries(user.tags)
      .filter(([k]) => keys.includes(k.toLowerCase()))
      .map(([, v]) => v.trim());
  const taggedService = tag(SERVICE_TAG_KEYS).some((v) => SERVICE_TAG_VALUES.includes(v.toLowerCase()));
  const namedService = !creds?.password && SERVICE_NAME.test(user.name);
  const emails = new Set(
    tag(EMAIL_TAG_KEYS)
      .filter((v) => v.includes('@'))
      .map(normalizeEmail),
  );
  if (user.name.includes('@')) emails.add(normalizeEmail(user.name));
  const account: Account = {
    system: SYSTEM,
    target,
    id: user.arn,
    login: user.name,
    displayName: user.name,
    emails: [...emails].sort(),
    kind: taggedService || namedService ? 'service' : 'human',
    status: 'active',
    role: 'iam-user',
    attributes: {
      consolePassword: creds?.password !== undefined,
      passwordLastUsed: creds?.password?.lastUsedAt ?? null,
      groups: user.groups,
      path: user.path,
    },
  };
  if (creds?.mfa !== undefined) account.mfa = creds.mfa;
  // Only a console password signs a person in; access keys are MFA's business only through policies.
  if (creds) account.interactive = creds.password !== undefined;
  if (user.createdAt) account.createdAt = user.createdAt;
  const active = latest([creds?.password?.lastUsedAt, ...(creds?.keys ?? []).map((k) => k.lastUsedAt)]);
  if (active) account.lastActiveAt = active;
  return account;
}

function roleAccount(target: string, role: IamRole, trustedBy: string[]): Account {
  const account: Account = {
    system: SYSTEM,
    target,
    id: role.arn,
    login: role.name,
    displayName: role.name,
    emails: [],
    kind: 'service',
    status: 'active',
    role: 'iam-role',
    attributes: { trustedBy, path: role.path },
  };
  if (role.createdAt) account.createdAt = role.createdAt;
  if (role.lastUsedAt) account.lastActiveAt = role.lastUsedAt;
  return account;
}

export function outsideAccount(target: string, o: Outsider): Account {
  return {
    system: SYSTEM,
    target,
    id: o.id,
    login: o.label,
    displayName: o.displayName,
    emails: [],
    kind: o.kind,
    status: 'active',
    role: 'trusted-principal',
    attributes: { accountId: o.accountId ?? null, externalIdRequired: false },
  };
}

function keyCredential(target: string, account: string, key: KeyFacts, owner: string): Credential {
  const credential: Credential = {
    system: SYSTEM,
    target,
    account,
    kind: 'access-key',
    id: key.id ? shortenKeyId(key.id) : `${owner} access key ${key.slot ?? '?'}`,
    active: key.active,
  };
  if (key.createdAt) credential.createdAt = key.createdAt;
  if (key.lastUsedAt) credential.lastUsedAt = key.lastUsedAt;
  const attributes: Record<string, string | number> = {};
  if (key.slot) attributes.slot = key.slot;
  if (key.lastUsedService) attributes.lastUsedService = key.lastUsedService;
  if (key.lastUsedRegion) attributes.lastUsedRegion = key.lastUsedRegion;
  if (Object.keys(attributes).length > 0) credential.attributes = attributes;
  return credential;
}

/** AKIAIOSFODNN7EXAMPLE → AKIA…MPLE: enough to find the key in the console, never the whole id. */
export function shortenKeyId(id: string): string {
  return id.length <= 8 ? id : `${id.slice(0, 4)}…${id.slice(-4)}`;
}

function latest(dates: Array<string | undefined>): string | undefined {
  return dates
    .filter((d): d is string => d !== undefined)
    .sort()
    .pop();
}

export function sortRecords(records: Records): Records {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  records.accounts.sort((a, b) => cmp(a.target, b.target) || cmp(a.id, b.id));
  records.grants.sort(
    (a, b) =>
      cmp(a.target, b.target) ||
      cmp(a.account, b.account) ||
      cmp(a.resource, b.resource) ||
      cmp(a.permission, b.permission) ||
      cmp(a.via, b.via) ||
      cmp(a.viaName ?? '', b.viaName ?? ''),
  );
  records.credentials.sort(
    (a, b) => cmp(a.target, b.target) || cmp(a.account, b.account) || cmp(a.kind, b.kind) || cmp(a.id, b.id),
  );
  return records;
}
