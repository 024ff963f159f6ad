// Who may assume a role, read from its trust policy: the same account, another account of
// the organisation, an account outside it (an agency, a former contractor), a SAML or OIDC
// provider, an AWS service, anyone (`*`), or a principal that was deleted (IAM then shows
// its bare unique id, AROA…/AIDA…). Outside principals become accounts of their own.
import { globMatches } from './evaluator.js';
import {
  byCodePoint,
  listOf,
  type PolicyDocument,
  type Principal,
  principalNames,
  type Statement,
  statementsOf,
} from './policy.js';
import { decidesReach, namesAnOrganization, type OrganizationIdentity, reachOf } from './principal-conditions.js';

export type TrustKind = 'same-account' | 'organization' | 'external' | 'federated' | 'service' | 'public' | 'deleted';

export interface TrustedPrincipal {
  kind: TrustKind;
  /** Normalised: an account id becomes arn:aws:iam::ID:root. */
  principal: string;
  accountId?: string;
  /** sts:ExternalId in the condition: the mark of a third party's role. */
  externalId: boolean;
  /**
   * For "*" read from an Allow with NotPrincipal: the principals it leaves out (as written). IAM
   * refuses NotPrincipal in a trust policy today; one that has it is read as it says.
   */
  except?: string[];
  /** The statement's condition keys, shown as evidence (not evaluated). */
  conditions: string[];
  /** For a Principal "*" its conditions keep to some accounts or organisations: how, in words. */
  keptBy?: string;
  /** The assume actions the trust allows it (sts:AssumeRole, …WithSAML, …WithWebIdentity). */
  actions: string[];
  /**
   * For a web-identity provider (OIDC): whose tokens the conditions let in, or, when no
   * condition on the subject narrows it, that anyone with a token from the provider may.
   */
  webIdentity?: WebIdentityAudience;
  statement: Statement;
}

export interface WebIdentityAudience {
  /** The provider's host: token.actions.githubusercontent.com. */
  host: string;
  /** True when any subject the provider issues tokens for may assume the role. */
  anyone: boolean;
  /** Who may, in words: "any repository on GitHub (no condition on sub)", "repo:northwind/*". */
  who: string;
}

const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'];

export function trustedPrincipals(
  trust: PolicyDocument,
  roleAccount: string,
  organizationAccounts: ReadonlySet<string>,
  /** What an aws:PrincipalOrgID condition is checked against; unknown, no organisation is taken as ours. */
  organization?: OrganizationIdentity,
): TrustedPrincipal[] {
  const out = new Map<string, TrustedPrincipal>();
  for (const statement of statementsOf(trust)) {
    if (statement.Effect !== 'Allow' || !allowsAssume(statement)) continue;
    const conditions = conditionKeys(statement);
    const externalId = conditions.some((k) => k.toLowerCase() === 'sts:externalid');
    const actions = assumeActions(statement);
    const add = (
      p: Omit<TrustedPrincipal, 'externalId' | 'conditions' | 'statement' | 'actions'>,
      keys = conditions,
    ) => {
      const seen = out.get(p.principal);
      if (seen) {
        seen.actions = [...new Set([...seen.actions, ...actions])].sort(byCodePoint);
        // Anyone twice: left out only where both statements leave them out.
        if (seen.except) {
          const also = new Set(p.except ?? []);
          const both = seen.except.filter((e) => also.has(e));
          if (both.length > 0) seen.except = both;
          else delete seen.except;
        }
      } else out.set(p.principal, { ...p, externalId, conditions: keys, actions, statement });
    };
    if (statement.NotPrincipal !== undefined) {
      // Everyone but those it names: anyone, as a Principal "*" is, unless it names everyone.
      const except = principalNames(statement.NotPrincipal);
      if (!awsPrincipalsIn(statement.NotPrincipal).includes('*'))
        add({ kind: 'public', principal: '*', except: [...except].sort(byCodePoint) });
      continue;
    }
    const principal = statement.Principal;
    if (principal === undefined) continue;
    // A "*" kept by its conditions to the organisation (or to some accounts) is a trust of those
    // accounts: their principals still need their own policy, as with a trust of an account.
    // The conditions that kept it were read: only the others are shown as not evaluated.
    const star = () => {
      const unread = conditionKeys(statement, (operator, key) => !decidesReach(operator, key));
      for (const p of keptTo(statement, roleAccount, organizationAccounts, organization)) add(p, unread);
    };
    if (principal === '*') {
      star();
      continue;
    }
    for (const [type, values] of Object.entries(principal)) {
      for (const value of listOf(values)) {
        if (type === 'AWS' && value === '*') star();
        else if (type === 'AWS') add(awsPrincipal(value, roleAccount, organizationAccounts));
        else if (type === 'Federated') {
          const webIdentity = actions.includes(WEB_IDENTITY) ? webIdentityAudience(value, statement) : undefined;
          add({ kind: 'federated', principal: value, ...(webIdentity ? { webIdentity } : {}) });
        } else if (type === 'Service') add({ kind: 'service', principal: value });
      }
    }
  }
  return [...out.values()].sort((a, b) => byCodePoint(a.principal, b.principal));
}

type Kept = Omit<TrustedPrincipal, 'externalId' | 'conditions' | 'statement' | 'actions'>;

/** Whom a Principal "*" trust reaches, read from its conditions as a resource policy's are. */
function keptTo(
  statement: Statement,
  roleAccount: string,
  organizationAccounts: ReadonlySet<string>,
  organization: OrganizationIdentity | undefined,
): Kept[] {
  const root = (account: string) => `arn:aws:iam::${account}:root`;
  const reach = reachOf(
    statement,
    (a) => organizationAccounts.has(a),
    (a) => ({ id: root(a), label: a, accountId: a, kind: 'external', displayName: `AWS account ${a}` }),
    organization,
  );
  if (reach === 'anyone') return [{ kind: 'public', principal: '*' }];
  if (reach !== 'inside')
    return reach.map((r) => ({
      ...(r.who.accountId
        ? awsPrincipal(r.who.id, roleAccount, organizationAccounts)
        : { kind: 'external' as const, principal: r.who.id }),
      keptBy: r.note ?? 'Principal "*" kept by its conditions to accounts outside the organisation',
    }));
  const named = accountsNamed(statement)?.filter((a) => organizationAccounts.has(a));
  const accounts = named && named.length > 0 ? named : [...organizationAccounts];
  const keptBy =
    named && named.length > 0
      ? 'Principal "*" kept by its conditions to these accounts'
      : 'Principal "*" kept by its conditions to the organisation';
  return [...new Set(accounts)]
    .sort(byCodePoint)
    .map((a) => ({ ...awsPrincipal(root(a), roleAccount, organizationAccounts), keptBy }));
}

/** The account ids an aws:PrincipalAccount (or aws:PrincipalArn) condition names, when it names only those. */
function accountsNamed(statement: Statement): string[] | undefined {
  for (const entries of Object.values(statement.Condition ?? {}))
    for (const [key, values] of Object.entries(entries)) {
      const k = key.toLowerCase();
      if (k !== 'aws:principalaccount' && k !== 'aws:principalarn') continue;
      const ids = listOf(values as string | string[]).map((v) =>
        k === 'aws:principalaccount'
          ? String(v)
          : (/^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(String(v))?.[1] ?? ''),
      );
      if (ids.every((id) => /^\d{12}$/.test(id))) return ids;
    }
  return undefined;
}

/** Whether a trust policy has a condition on an organisation's id: only then is the id needed. */
export function trustsNameAnOrganization(roles: readonly { trust: PolicyDocument }[]): boolean {
  return roles.some((role) => namesAnOrganization(role.trust));
}

/** The AWS principals a Principal or NotPrincipal names: "*" for "*" or {"AWS": "*"}. */
export function awsPrincipalsIn(principal: Principal | undefined): string[] {
  if (principal === undefined) return [];
  if (principal === '*') return ['*'];
  return listOf(principal.AWS);
}

export function awsPrincipal(
  value: string,
  roleAccount: string,
  organizationAccounts: ReadonlySet<string>,
): Omit<TrustedPrincipal, 'externalId' | 'conditions' | 'statement' | 'actions'> {
  if (value === '*') return { kind: 'public', principal: '*' };
  if (/^A[A-Z]OA[A-Z0-9]+$/.test(value)) return { kind: 'deleted', principal: value };
  const accountId = /^\d{12}$/.test(value) ? value : /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
  if (!accountId) return { kind: 'external', principal: value };
  const principal = /^\d{12}$/.test(value) ? `arn:aws:iam::${value}:root` : value;
  const kind: TrustKind =
    accountId === roleAccount ? 'same-account' : organizationAccounts.has(accountId) ? 'organization' : 'external';
  return { kind, principal, accountId };
}

function allowsAssume(statement: Statement): boolean {
  return assumeActions(statement).length > 0;
}

function assumeActions(statement: Statement): string[] {
  if (statement.Action !== undefined)
    return ASSUME_ACTIONS.filter((a) => listOf(statement.Action).some((p) => globMatches(p, a)));
  if (statement.NotAction !== undefined)
    return ASSUME_ACTIONS.filter((a) => !listOf(statement.NotAction).some((p) => globMatches(p, a)));
  return [];
}

const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
const GITHUB_ACTIONS = 'token.actions.githubusercontent.com';
/** Providers whose tokens name an application in aud (Cognito's identity pool), not a subject. */
const AUDIENCE_SCOPED = new Set(['cognito-identity.amazonaws.com']);
/** String operators whose values, for a key, narrow who may; negations and IfExists do not. */
const NARROWING_OPERATORS = /^(ForAnyValue:|ForAllValues:)?String(Equals|Like)(IgnoreCase)?$/i;

/**
 * Whose web-identity tokens the trust lets in. With no condition on the subject (for Cognito,
 * the audience), or a subject pattern that leaves the owner open ("repo:*"), any account of the
 * provider may assume the role: for GitHub, any repository of anyone.
 */
export function webIdentityAudience(provider: string, statement: Statement): WebIdentityAudience {
  const host = provider.replace(/^arn:aws[\w-]*:iam::\d{12}:oidc-provider\//, '');
  const baseHost = host.split('/')[0]?.toLowerCase() ?? host;
  const key = `${host}:${AUDIENCE_SCOPED.has(baseHost) ? 'aud' : 'sub'}`.toLowerCase();
  const values: { value: string; like: boolean }[] = [];
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    if (!NARROWING_OPERATORS.test(operator)) continue;
    for (const [k, v] of Object.entries(entries))
      if (k.toLowerCase() === key)
        for (const value of listOf(v as string | string[])) values.push({ value, like: /Like/i.test(operator) });
  }
  const github = baseHost === GITHUB_ACTIONS;
  const subject = key.slice(key.lastIndexOf(':') + 1);
  if (values.length === 0)
    return {
      host,
      anyone: true,
      who: github
        ? `any repository on GitHub (no condition on ${subject})`
        : `anyone with a token from ${host} (no condition on ${subject})`,
    };
  const open = values.filter(({ value, like }) => like && leavesOwnerOpen(value, github));
  if (open.length > 0)
    return {
      host,
      anyone: true,
      who: `${github ? 'any repository on GitHub' : `anyone with a token from ${host}`} (${subject} ${open.map((o) => o.value).join(', ')})`,
    };
  return { host, anyone: false, who: `${subject} ${values.map((v) => v.value).join(', ')}` };
}

// "repo:*", "*", a repository pattern whose owner is a wildcard: it matches everyone's tokens.
function leavesOwnerOpen(pattern: string, github: boolean): boolean {
  if (!github) return /^[*?]/.test(pattern);
  const owner = /^repo:([^/]*)/i.exec(pattern)?.[1];
  return owner === undefined ? /[*?]/.test(pattern.split(':')[0] ?? '') || pattern.startsWith('*') : /[*?]/.test(owner);
}

function conditionKeys(statement: Statement, which: (operator: string, key: string) => boolean = () => true): string[] {
  const keys: string[] = [];
  for (const [operator, entries] of Object.entries(statement.Condition ?? {}))
    keys.push(...Object.keys(entries).filter((key) => which(operator, key)));
  return [...new Set(keys)].sort();
}

/** A one-line description for evidence: "AWS account 999988887777 (ExternalId required)". */
export function describeTrust(t: TrustedPrincipal): string {
  const what =
    t.kind === 'public'
      ? t.except
        ? `anyone but ${t.except.join(', ')} (Allow with NotPrincipal, which IAM refuses in a trust policy)`
        : 'anyone (Principal "*")'
      : t.kind === 'deleted'
        ? `a deleted principal ${t.principal}`
        : t.webIdentity
          ? `web identities of ${t.webIdentity.host}: ${t.webIdentity.who}`
          : t.kind === 'federated'
            ? `federated identities of ${t.principal}`
            : t.kind === 'service'
              ? `the AWS service ${t.principal}`
              : t.principal;
  const conditions = t.conditions.length > 0 ? ` (conditions: ${t.conditions.join(', ')})` : '';
  return `trusted: ${what}${conditions}${t.keptBy ? `; ${t.keptBy}` : ''}`;
}
