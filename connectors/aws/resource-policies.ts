// Resource policies (S3 bucket policies, KMS key policies) of one account: the principals
// outside the organisation, or anyone, that a policy lets at the resource hold access of their
// own, with no IAM user or role of ours involved; and this account's own users and roles that a
// policy names by ARN, which need no identity policy for it. Added to the account's records after
// IAM's, each outsider one account whether a trust policy or a resource policy names it.
import type { Account, Grant } from '../../src/core/model.js';
import type { BucketFacts } from './buckets.js';
import { evaluateAccess } from './evaluator.js';
import type { KmsKeyFacts } from './kms-keys.js';
import { listOf, type PolicyDocument, principalNames, type Statement, statementsOf } from './policy.js';
import { namesAnOrganization, type OrganizationIdentity, reachOf } from './principal-conditions.js';
import {
  type AccountScan,
  type GrantBase,
  grantsFromAccess,
  type Outsider,
  outsideAccount,
  outsider,
  type Records,
  sortRecords,
} from './records.js';
import { awsPrincipal, awsPrincipalsIn } from './trust.js';

export interface ResourcePolicyFacts {
  buckets?: readonly BucketFacts[];
  keys?: readonly KmsKeyFacts[];
  /**
   * The organisation's id, which an `aws:PrincipalOrgID` condition is checked against, or why it
   * is not known. Absent or unknown, a condition naming an organisation is not taken as ours.
   */
  organization?: OrganizationIdentity;
}

export type { OrganizationIdentity } from './principal-conditions.js';

/** The account's records with the access its resource policies give outsiders. */
export function withResourcePolicies(records: Records, scan: AccountScan, facts: ResourcePolicyFacts): Records {
  const outside = new Map(records.accounts.filter((a) => a.role === 'trusted-principal').map((a) => [a.id, a]));
  const known = new Set(outside.keys());
  const place = {
    target: scan.accountId,
    resource: scan.accountId,
    aliases: [scan.accountName],
    accountTags: scan.accountTags,
  };
  const own = new Set(records.accounts.filter((a) => a.role !== 'trusted-principal').map((a) => a.id));
  const grants = resourcePolicyGrants(facts, scan, outside, own, place);
  return sortRecords({
    ...records,
    accounts: [...records.accounts, ...[...outside.values()].filter((a) => !known.has(a.id))],
    grants: [...records.grants, ...grants],
  });
}

/** Whether a policy has a condition on an organisation's id: only then is the id needed. */
export function usesOrganizationCondition(facts: ResourcePolicyFacts): boolean {
  return resourcePolicies(facts).some(({ policy }) => namesAnOrganization(policy));
}

/** A policy on a resource (a bucket's, a KMS key's), as one account read it. */
export interface ResourcePolicy {
  /** "bucket policy of exports", "key policy of 1234abcd-…": names the policy in grants and evidence. */
  name: string;
  /** Another name of the resource for register scopes (its ARN). */
  alias: string;
  policy: PolicyDocument;
  /** What the fix needs: bucket and region, or key id and region. */
  extra: Record<string, string>;
  /** The only service whose actions the policy can grant: a bucket policy grants S3's, a key policy KMS's. */
  service: 's3' | 'kms';
  /** The ARNs another account's identity policy must allow for the policy's access to be used. */
  arns: string[];
}

export function resourcePolicies(scan: ResourcePolicyFacts): ResourcePolicy[] {
  const buckets = (scan.buckets ?? []).flatMap((b) =>
    b.policy
      ? [
          {
            name: `bucket policy of ${b.name}`,
            alias: `arn:aws:s3:::${b.name}`,
            policy: b.policy,
            service: 's3' as const,
            extra: { bucket: b.name, bucketRegion: b.region },
            arns: [`arn:aws:s3:::${b.name}`, `arn:aws:s3:::${b.name}/*`],
          },
        ]
      : [],
  );
  const keys = (scan.keys ?? []).flatMap((k) =>
    k.policy
      ? [
          {
            name: `key policy of ${k.id}`,
            alias: k.arn,
            policy: k.policy,
            service: 'kms' as const,
            extra: { keyId: k.id, keyRegion: k.region },
            arns: [k.arn],
          },
        ]
      : [],
  );
  return [...buckets, ...keys];
}

/**
 * Access a resource policy (a bucket's, a KMS key's) hands out, evaluated as if the statements
 * naming a principal were its own policy (that is what they are to the resource), denies included:
 * - to principals outside the organisation, or to anyone. A Principal "*" narrowed by a condition
 *   to the organisation, an account or a network is not anyone; an Allow with NotPrincipal is a
 *   Principal "*" (its conditions read the same) for everyone but those it names;
 * - to this account's own users and roles named by ARN: within one account a resource policy that
 *   names the principal allows on its own, with no identity policy (the account's SCPs still cap
 *   it). The account itself (`…:root`) only hands the choice to identity policies, read with them.
 * Other accounts of the organisation (a principal of theirs, or the account) need an identity
 * policy of their own too: both sides are read together in cross-account-resources.ts.
 * A Deny reaches the principals it names, or everyone (Principal "*"), or everyone its NotPrincipal
 * does not name; a Deny with NotPrincipal that takes anyone away leaves those it names the access
 * anyone had.
 */
function resourcePolicyGrants(
  facts: ResourcePolicyFacts,
  scan: AccountScan,
  outside: Map<string, Account>,
  own: ReadonlySet<string>,
  place: Pick<GrantBase, 'target' | 'resource' | 'aliases' | 'accountTags'>,
): Grant[] {
  const grants: Grant[] = [];
  const principal = (value: string) => awsPrincipal(value, scan.accountId, scan.organizationAccounts);
  const inOrganisation = (account: string) => principal(account).kind !== 'external';
  /** The account a holder's id stands in: its own, for an ARN or an account; none for anyone. */
  const accountOf = (id: string) => principal(id).accountId;
  /**
   * Whether a NotPrincipal leaves the holder out: it names it, its account (AWS checks the
   * account before the principal in it), or everyone.
   */
  const spares = (except: readonly string[], id: string) => {
    const account = accountOf(id);
    return except.some(
      (v) =>
        v === '*' ||
        principal(v).principal === id ||
        (account !== undefined && principal(v).principal === `arn:aws:iam::${account}:root`),
    );
  };
  for (const { name, alias, policy, extra, service } of resourcePolicies(facts)) {
    const statements = statementsOf(policy);
    const named = new Map<string, { who: Outsider | undefined; statements: Statement[]; evidence: Set<string> }>();
    const add = (id: string, who: Outsider | undefined, statement: Statement, line: string) => {
      const entry = named.get(id) ?? { who, statements: [], evidence: new Set<string>() };
      if (!entry.statements.includes(statement)) entry.statements.push(statement);
      entry.evidence.add(line);
      named.set(id, entry);
    };
    const names = (who: Outsider | undefined, id: string) => `${name} names ${who ? who.displayName : id}`;
    const anyoneBut = (statement: Statement) =>
      `${name} lets in anyone but ${principalNames(statement.NotPrincipal ?? '*').join(', ')} (Allow with NotPrincipal)`;
    for (const statement of statements) {
      if (statement.Effect !== 'Allow') continue;
      const except = statement.NotPrincipal !== undefined ? awsPrincipalsIn(statement.NotPrincipal) : undefined;
      // An Allow with NotPrincipal is for everyone it does not name: a Principal "*" but for them.
      const values = except === undefined ? awsPrincipalsIn(statement.Principal) : except.includes('*') ? [] : ['*'];
      const line = (who: Outsider | undefined, id: string) => (except ? anyoneBut(statement) : names(who, id));
      for (const value of values) {
        if (value === '*') {
          const reach = reachOf(statement, inOrganisation, (a) => outsider(principal(a)), facts.organization);
          if (reach === 'inside') continue;
          if (Array.isArray(reach)) {
            // Kept to accounts (or organisations) outside ours: those, not anyone.
            for (const { who, note } of reach) {
              if (except && spares(except, who.id)) continue;
              add(who.id, who, statement, line(who, who.id));
              if (note) add(who.id, who, statement, note);
            }
            continue;
          }
        }
        // `…:root` names the account, not its root user: it leaves the choice to identity policies.
        if (own.has(value) && !value.endsWith(':root')) {
          add(value, undefined, statement, line(undefined, value));
          continue;
        }
        const who = outsider(principal(value));
        if (who) add(who.id, who, statement, line(who, who.id));
      }
    }
    // A Deny with NotPrincipal that takes anyone away leaves those it names what anyone had.
    const anyone = named.get('*');
    const sparingDenies = statements.filter(
      (st) => st.Effect === 'Deny' && st.NotPrincipal !== undefined && st.Condition === undefined,
    );
    if (anyone)
      for (const deny of sparingDenies)
        for (const value of awsPrincipalsIn(deny.NotPrincipal)) {
          const who = value === '*' ? undefined : outsider(principal(value));
          if (!who || who.id === '*') continue;
          for (const st of anyone.statements) {
            const except = st.NotPrincipal !== undefined ? awsPrincipalsIn(st.NotPrincipal) : undefined;
            if (except && spares(except, who.id)) continue;
            add(who.id, who, st, except ? anyoneBut(st) : `${name} lets in anyone (Principal "*")`);
          }
        }
    for (const [id, { who, statements: allows, evidence }] of named) {
      // Denies that reach this principal: Principal "*", naming it, or a NotPrincipal leaving it in.
      const denies = statements.filter(
        (st) =>
          st.Effect === 'Deny' &&
          (st.NotPrincipal !== undefined
            ? !spares(awsPrincipalsIn(st.NotPrincipal), id)
            : awsPrincipalsIn(st.Principal).some((v) => v === '*' || principal(v).principal === id)),
      );
      for (const deny of sparingDenies)
        if (id !== '*' && spares(awsPrincipalsIn(deny.NotPrincipal), id))
          evidence.add(
            `${name} refuses everyone but ${principalNames(deny.NotPrincipal ?? '*').join(', ')} (Deny with NotPrincipal)`,
          );
      // The NotPrincipal stays: the evidence says whom a statement leaves out.
      const statementsFor = [...allows, ...denies].map(({ Principal: _p, ...rest }) =>
        ofService(rest as Statement, service),
      );
      const access = evaluateAccess({
        policies: [{ name, document: { Version: '2012-10-17', Statement: statementsFor } }],
        ...(who === undefined && scan.scps ? { scps: scan.scps } : {}),
      });
      if (who && !outside.has(who.id)) outside.set(who.id, outsideAccount(place.target, who));
      grants.push(
        ...grantsFromAccess(
          {
            ...place,
            aliases: [...place.aliases, alias],
            account: id,
            via: 'direct',
            viaName: name,
            evidence: [...evidence],
            extra,
          },
          access,
        ),
      );
    }
  }
  return grants;
}

/**
 * A resource policy's statement with its actions kept to the resource's service: `"Action": "*"`
 * in a bucket policy grants S3's actions on the bucket, never IAM's or anything else's. A
 * NotAction is taken as the whole service unless it leaves out the whole service.
 */
export function ofService(statement: Statement, service: string): Statement {
  const whole = (p: string) => p === '*' || p.toLowerCase() === `${service}:*`;
  const ofIt = (p: string) => p.toLowerCase().startsWith(`${service}:`);
  const { Action, NotAction, ...rest } = statement;
  if (NotAction !== undefined) return { ...rest, Action: listOf(NotAction).some(whole) ? [] : [`${service}:*`] };
  if (Action === undefined) return statement;
  return { ...rest, Action: listOf(Action).flatMap((p) => (p === '*' ? [`${service}:*`] : ofIt(p) ? [p] : [])) };
}
