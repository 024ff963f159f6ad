// Who may assume a role, read from its trust policy: the same account, another account of
// the organisation, an account outside it (an agency, a former contractor), a SAML or OIDC
// provider, an AWS service, anyone (`*`), or a principal that was deleted (IAM then shows
// its bare unique id, AROA…/AIDA…). Outside principals become accounts of their own.
import { globMatches } from './evaluator.js';
import { byCodePoint, listOf, type PolicyDocument, type Statement, statementsOf } from './policy.js';

export type TrustKind = 'same-account' | 'organization' | 'external' | 'federated' | 'service' | 'public' | 'deleted';

export interface TrustedPrincipal {
  kind: TrustKind;
  /** Normalised: an account id becomes arn:aws:iam::ID:root. */
  principal: string;
  accountId?: string;
  /** sts:ExternalId in the condition: the mark of a third party's role. */
  externalId: boolean;
  /** The statement's condition keys, shown as evidence (not evaluated). */
  conditions: string[];
  statement: Statement;
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
    const add = (p: Omit<TrustedPrincipal, 'externalId' | 'conditions' | 'statement'>) => {
      if (!out.has(p.principal)) out.set(p.principal, { ...p, externalId, conditions, statement });
    };
    const principal = statement.Principal;
    if (principal === undefined) continue;
    if (principal === '*') {
      add({ kind: 'public', principal: '*' });
      continue;
    }
    for (const [type, values] of Object.entries(principal)) {
      for (const value of listOf(values)) {
        if (type === 'AWS') add(awsPrincipal(value, roleAccount, organizationAccounts));
        else if (type === 'Federated') add({ kind: 'federated', principal: value });
        else if (type === 'Service') add({ kind: 'service', principal: value });
      }
    }
  }
  return [...out.values()].sort((a, b) => byCodePoint(a.principal, b.principal));
}

function awsPrincipal(
  value: string,
  roleAccount: string,
  organizationAccounts: ReadonlySet<string>,
): Omit<TrustedPrincipal, 'externalId' | 'conditions' | 'statement'> {
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
  if (statement.Action !== undefined)
    return listOf(statement.Action).some((p) => ASSUME_ACTIONS.some((a) => globMatches(p, a)));
  if (statement.NotAction !== undefined)
    return ASSUME_ACTIONS.some((a) => !listOf(statement.NotAction).some((p) => globMatches(p, a)));
  return false;
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
      ? 'anyone (Principal "*")'
      : t.kind === 'deleted'
        ? `a deleted principal ${t.principal}`
        : t.kind === 'federated'
          ? `federated identities of ${t.principal}`
          : t.kind === 'service'
            ? `the AWS service ${t.principal}`
            : t.principal;
  const conditions = t.conditions.length > 0 ? ` (conditions: ${t.conditions.join(', ')})` : '';
  return `trusted: ${what}${conditions}`;
}
