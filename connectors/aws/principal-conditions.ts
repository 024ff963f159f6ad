// Whom a Principal "*" statement reaches, read from its conditions: the organisation (by its id,
// its accounts, a network of it), accounts or organisations outside it, or anyone. Shared by
// resource policies (buckets, keys) and role trust policies.
import { listOf, type PolicyDocument, type Statement, statementsOf } from './policy.js';

/** The organisation's id as Organizations describes it, or why it is not known. */
export type OrganizationIdentity = { id: string } | { unknown: string };

/** A principal outside the organisation, or anyone: an account of its own in the records. */
export interface Outsider {
  id: string;
  label: string;
  accountId?: string;
  kind: 'external' | 'public';
  displayName: string;
}

/** Condition keys that can keep a Principal "*" inside the company (its organisation, an account, a network). */
const NARROWING_KEYS = new Set(
  [
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOrgID',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceIp',
  ].map((k) => k.toLowerCase()),
);
const NARROWING = /^(ForAnyValue:|ForAllValues:)?(String|Arn)(Equals|Like)(IgnoreCase)?$|^IpAddress$/i;

/** Whether reachOf() reads a condition: for a Principal "*" it decides whom the statement reaches. */
export function decidesReach(operator: string, key: string): boolean {
  return NARROWING.test(operator) && NARROWING_KEYS.has(key.toLowerCase());
}

/** Keys whose values are account ids, and keys whose values are ARNs (each naming its account). */
const ACCOUNT_KEYS = new Set(['aws:principalaccount', 'aws:sourceaccount']);
const ARN_KEYS = new Set(['aws:principalarn', 'aws:sourcearn']);
/** Keys whose values are organisation ids, and keys whose values are paths that start with one. */
const ORGANIZATION_KEYS = new Set(['aws:principalorgid', 'aws:sourceorgid']);
const ORGANIZATION_PATH_KEYS = new Set(['aws:principalorgpaths']);
const ANY_ADDRESS = new Set(['0.0.0.0/0', '::/0']);

/** Whether a policy has a condition on an organisation's id: only then is the id needed. */
export function namesAnOrganization(policy: PolicyDocument): boolean {
  return statementsOf(policy).some((st) =>
    Object.values(st.Condition ?? {}).some((entries) =>
      Object.keys(entries).some(
        (k) => ORGANIZATION_KEYS.has(k.toLowerCase()) || ORGANIZATION_PATH_KEYS.has(k.toLowerCase()),
      ),
    ),
  );
}

/** Someone outside a condition keeps a Principal "*" to, with what the evidence says of it. */
export interface Reached {
  who: Outsider;
  note?: string;
}

/**
 * Whom a Principal "*" statement reaches, read from its conditions (all of which must hold):
 * "inside" when one of them keeps it to the organisation, accounts of it or a network; the
 * outside accounts (or, failing those, the other organisations) a condition names, when it names
 * any; "anyone" otherwise. Any address (0.0.0.0/0), a wildcard account or organisation narrows
 * nothing. An organisation id is ours only when it is the id Organizations gave: another one is
 * another organisation, and one that could not be checked is counted as outside, never as ours.
 */
export function reachOf(
  statement: Statement,
  inOrganisation: (account: string) => boolean,
  outsiderOf: (account: string) => Outsider | undefined,
  organization: OrganizationIdentity | undefined,
): 'inside' | 'anyone' | Reached[] {
  let accountsOutside: Reached[] | undefined;
  let organizationsOutside: Reached[] | undefined;
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    if (!NARROWING.test(operator)) continue;
    for (const [rawKey, rawValues] of Object.entries(entries)) {
      const key = rawKey.toLowerCase();
      if (!NARROWING_KEYS.has(key)) continue;
      const values = listOf(rawValues as string | string[]).map(String);
      const accounts = ACCOUNT_KEYS.has(key)
        ? values
        : ARN_KEYS.has(key)
          ? values.map((v) => /^arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/.exec(v)?.[1] ?? '*')
          : undefined;
      if (accounts) {
        if (accounts.some((a) => !/^\d{12}$/.test(a))) continue;
        if (accounts.every(inOrganisation)) return 'inside';
        // The organisation's own accounts need identity policies too, read with them.
        accountsOutside = accounts
          .filter((a) => !inOrganisation(a))
          .flatMap((a) => {
            const who = outsiderOf(a);
            return who ? [{ who }] : [];
          });
      } else if (key === 'aws:sourceip') {
        if (!values.some((v) => ANY_ADDRESS.has(v))) return 'inside';
      } else if (ORGANIZATION_KEYS.has(key) || ORGANIZATION_PATH_KEYS.has(key)) {
        const ids = ORGANIZATION_PATH_KEYS.has(key) ? values.map((v) => v.split('/')[0] ?? '') : values;
        if (ids.some((id) => id === '' || /[*?]/.test(id))) continue;
        const ignoreCase = /IgnoreCase$/i.test(operator);
        const ours = (id: string) =>
          organization !== undefined &&
          'id' in organization &&
          (ignoreCase ? id.toLowerCase() === organization.id.toLowerCase() : id === organization.id);
        if (ids.every(ours)) return 'inside';
        organizationsOutside = [...new Set(ids.filter((id) => !ours(id)))].map((id) =>
          otherOrganisation(id, rawKey, organization),
        );
      } else {
        // A VPC or an endpoint: kept inside.
        return 'inside';
      }
    }
  }
  return accountsOutside ?? organizationsOutside ?? 'anyone';
}

/** The accounts of an organisation a condition names that is not known to be ours. */
function otherOrganisation(id: string, key: string, organization: OrganizationIdentity | undefined): Reached {
  if (organization && 'id' in organization)
    return {
      who: {
        id,
        label: id,
        kind: 'external',
        displayName: `AWS accounts of the organisation ${id} (another organisation)`,
      },
      note: `${key} ${id} is not this organisation (${organization.id}): its accounts are outside`,
    };
  const why = organization?.unknown ?? "the organisation's id was not read";
  return {
    who: {
      id,
      label: id,
      kind: 'external',
      displayName: `AWS accounts of the organisation ${id} (not known to be this organisation)`,
    },
    note: `${key} ${id} could not be checked against this organisation's id (${why}): counted as outside`,
  };
}

/**
 * The organisation's principals a Principal "*" statement lets in, when reachOf() keeps it inside:
 * the accounts its conditions keep it to (every account of the organisation for an organisation
 * id, its paths, a network), and the aws:PrincipalArn patterns a principal must match. Undefined
 * when no principal of ours can meet them: a condition on aws:SourceAccount, aws:SourceArn or
 * aws:SourceOrgID is met by an AWS service acting for a resource, and a principal's own request
 * carries no such key.
 */
export interface KeptInside {
  /** The organisation's accounts whose principals it reaches, sorted. */
  accounts: string[];
  /** aws:PrincipalArn patterns: a principal must match one of each list. */
  arns: { patterns: string[]; ignoreCase: boolean }[];
  /** The conditions that keep it, in words: "aws:PrincipalOrgID o-northwind1". */
  keptBy: string[];
  /** True when the conditions keep it to the whole organisation (no account or ARN named). */
  wholeOrganisation: boolean;
}

const SERVICE_KEYS = new Set(['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid']);

export function keptInside(statement: Statement, organizationAccounts: ReadonlySet<string>): KeptInside | undefined {
  let accounts: Set<string> | undefined;
  const arns: KeptInside['arns'] = [];
  const keptBy: string[] = [];
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    if (!NARROWING.test(operator)) continue;
    for (const [rawKey, rawValues] of Object.entries(entries)) {
      const key = rawKey.toLowerCase();
      if (!NARROWING_KEYS.has(key)) continue;
      if (SERVICE_KEYS.has(key)) return undefined;
      const values = listOf(rawValues as string | string[]).map(String);
      keptBy.push(`${rawKey} ${values.join(', ')}`);
      if (key === 'aws:principalarn') arns.push({ patterns: values, ignoreCase: /IgnoreCase$/i.test(operator) });
      if (!ACCOUNT_KEYS.has(key) && !ARN_KEYS.has(key)) continue;
      const ids = ACCOUNT_KEYS.has(key)
        ? values
        : values.map((v) => /^arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/.exec(v)?.[1] ?? '*');
      // A wildcard account narrows nothing, as reachOf() reads it.
      if (ids.some((a) => !/^\d{12}$/.test(a))) continue;
      const here = new Set(ids.filter((a) => organizationAccounts.has(a)));
      accounts = accounts ? new Set([...accounts].filter((a) => here.has(a))) : here;
    }
  }
  return {
    accounts: [...(accounts ?? organizationAccounts)].sort(),
    arns,
    keptBy,
    wholeOrganisation: accounts === undefined && arns.length === 0,
  };
}
