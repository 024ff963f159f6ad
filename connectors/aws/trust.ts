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
): TrustedPrincipal[] {
  const out = new Map<string, TrustedPrincipal>();
  for (const statement of statementsOf(trust)) {
    if (statement.Effect !== 'Allow' || !allowsAssume(statement)) continue;
    const conditions = conditionKeys(statement);
    const externalId = conditions.some((k) => k.toLowerCase() === 'sts:externalid');
    const actions = assumeActions(statement);
    const add = (p: Omit<TrustedPrincipal, 'externalId' | 'conditions' | 'statement' | 'actions'>) => {
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
      } else out.set(p.principal, { ...p, externalId, conditions, actions, statement });
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
    if (principal === '*') {
      add({ kind: 'public', principal: '*' });
      continue;
    }
    for (const [type, values] of Object.entries(principal)) {
      for (const value of listOf(values)) {
        if (type === 'AWS') add(awsPrincipal(value, roleAccount, organizationAccounts));
        else if (type === 'Federated') {
          const webIdentity = actions.includes(WEB_IDENTITY) ? webIdentityAudience(value, statement) : undefined;
          add({ kind: 'federated', principal: value, ...(webIdentity ? { webIdentity } : {}) });
        } else if (type === 'Service') add({ kind: 'service', principal: value });
      }
    }
  }
  return [...out.values()].sort((a, b) => byCodePoint(a.principal, b.principal));
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

function conditionKeys(statement: Statement): string[] {
  const keys: string[] = [];
  for (const entries of Object.values(statement.Condition ?? {})) keys.push(...Object.keys(entries));
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
  return `trusted: ${what}${conditions}`;
}
