// Bucket and KMS key policies whose access reaches principals of the organisation, judged with
// those principals' own policies as AWS evaluates them:
// - naming a principal of another account of the organisation (by its ARN) or that account itself
//   (`arn:aws:iam::B:root`, or "B"): across accounts both sides must allow. The resource policy in
//   account A lets the principal in, and its own identity policies in B must allow the action on
//   that resource too, within B's service control policies and its permissions boundary, with
//   every explicit Deny (the resource policy's, the principal's, the SCPs') taking it away. Naming
//   the account hands the choice to its principals' identity policies: only those whose policies
//   allow the action on the resource (by its ARN or a wildcard) get it;
// - a Principal "*" whose conditions keep it to the organisation (aws:PrincipalOrgID of ours, its
//   accounts in aws:PrincipalAccount, aws:PrincipalArn patterns, a network): every principal of
//   each account it is kept to (and matching the patterns), judged the same way in the other
//   accounts; in the policy's own account a resource policy that lets a principal in needs no
//   identity policy beside it (AWS allows a request within one account when either side allows
//   it), so each principal there gets what the policy allows, within the account's SCPs;
// - naming a user or role of its own account by ARN: that principal's own grant is made with the
//   account's records (resource-policies.ts); here it is followed to whoever can become the role.
// Whoever can become a role that gets such access holds it too, through the assume-role graph, as
// it holds the role's own access. Pure: built from what collect() read, once every account is
// read; the grants are the principal's (its account's target), on the resource's account.
import type { Grant } from '../../src/core/model.js';
import type { Actor } from './assume-graph.js';
import {
  ACCESS_CATEGORIES,
  type EffectiveAccess,
  type EvaluationInput,
  evaluateAccess,
  matchesAction,
  matchesResource,
  policyKeys,
  type ScpLevel,
} from './evaluator.js';
import { byCodePoint, describeStatement, listOf, type NamedPolicy, type Statement, statementsOf } from './policy.js';
import {
  decidesReach,
  type KeptInside,
  keptInside,
  type OrganizationIdentity,
  reachOf,
} from './principal-conditions.js';
import { type AwsWorld, grantsFromAccess, pathTo } from './records.js';
import { ofService, type ResourcePolicy, type ResourcePolicyFacts, resourcePolicies } from './resource-policies.js';
import { awsPrincipal, awsPrincipalsIn } from './trust.js';

/** One account's bucket and key policies, as it read them. */
export interface ResourcePolicyRead {
  accountId: string;
  facts: ResourcePolicyFacts;
}

/** An Allow of a resource policy that may reach principals of one account. */
interface Allow {
  statement: Statement;
  /** The principal's ARN, or the account's root ARN; "*" for a Principal "*" kept to the organisation. */
  principal: string;
  /** For "*": whom its conditions keep it to, and whom a NotPrincipal leaves out. */
  kept?: KeptInside & { except: readonly string[] };
}

/** A resource policy of account `owner` whose Allow statements may reach principals of one account. */
interface Delegation {
  id: number;
  owner: string;
  policy: ResourcePolicy;
  /** The Allows naming a principal of the account, the account itself, or "*" kept to it. */
  allows: Allow[];
  /** Every statement of the policy: its Denies may reach the account's principals too. */
  statements: Statement[];
}

/** What one principal gets from one delegation, judged with its own policies. */
interface Granted {
  delegation: Delegation;
  access: EffectiveAccess;
  evidence: string[];
}

/** The part of a judgement shared by principals with the same policies (a group's members, a template's roles). */
interface Judged {
  access: EffectiveAccess;
  /** The principal's own Allows that let it at the resource, as written. */
  identity: string[];
}

/**
 * The grants the organisation's resource policies give a holder: as the actor itself, and through
 * every role it reaches. Undefined when no resource policy reaches a principal of the organisation
 * this way, so a scan without any pays nothing.
 */
export function crossAccountResourceGrants(
  reads: readonly ResourcePolicyRead[],
  organizationAccounts: ReadonlySet<string>,
  world: Pick<AwsWorld, 'accounts'>,
  /** What an aws:PrincipalOrgID condition is checked against; unknown, no organisation is taken as ours. */
  organization?: OrganizationIdentity,
): AwsWorld['resourceGrants'] {
  const index = delegationsByAccount(reads, organizationAccounts, organization);
  if (index.size === 0) return undefined;
  const judged = new Map<string, Judged | null>();
  const { idOf, named } = policyKeys();

  /**
   * Each delegation judged for the actor, once per actor (a role is reached by many holders): as
   * itself (`self`), and as a role someone else becomes, which also holds what its own account's
   * policies give it by name (its own record has that already).
   */
  const byActor = new Map<string, Granted[]>();
  const grantedTo = (actor: Actor, self: boolean): Granted[] => {
    const key = `${self ? 'self' : 'held'}\u0000${actor.key}`;
    let list = byActor.get(key);
    if (!list) {
      list = (index.get(actor.accountId) ?? []).flatMap((d) => {
        const g = grant(d, actor, self);
        return g ? [g] : [];
      });
      byActor.set(key, list);
    }
    return list;
  };

  const grant = (d: Delegation, actor: Actor, self: boolean): Granted | undefined => {
    const root = `arn:aws:iam::${actor.accountId}:root`;
    const sameAccount = actor.accountId === d.owner;
    const principalOf = (value: string) => awsPrincipal(value, d.owner, organizationAccounts).principal;
    // A statement's principal reaches the actor when it names it, its account, or everyone.
    const reaches = (value: string) => {
      if (value === '*') return true;
      const p = principalOf(value);
      return p === root || actor.namedBy(p);
    };
    const allows = d.allows.filter((a) => {
      if (a.kept) return keeps(a.kept, actor, reaches);
      if (a.principal === root) return !sameAccount;
      // A user or role of the policy's own account that it names has that grant on its own record.
      return actor.namedBy(a.principal) && !(sameAccount && self && actor.arn !== undefined);
    });
    if (allows.length === 0) return undefined;
    const denies = d.statements.filter(
      (st) =>
        st.Effect === 'Deny' &&
        (st.NotPrincipal !== undefined
          ? !awsPrincipalsIn(st.NotPrincipal).some(reaches)
          : awsPrincipalsIn(st.Principal).some(reaches)),
    );
    const resourceSide = [...new Set(allows.map((a) => a.statement)), ...denies];
    // Within its own account the resource policy allows on its own: one judgement for every
    // principal there (the account's SCPs cap it). Across accounts, one per set of own policies.
    const key = [
      d.id,
      resourceSide.map((st) => d.statements.indexOf(st)).join(','),
      ...(sameAccount ? ['alone'] : [named(actor.access.policies), named(actor.access.boundary)]),
      actor.access.scps ? idOf(actor.access.scps) : '',
    ].join('\u0002');
    let judgement = judged.get(key);
    if (judgement === undefined) {
      judgement =
        (sameAccount ? judgeAlone(d, resourceSide, actor.access) : judge(d, resourceSide, actor.access)) ?? null;
      judged.set(key, judgement);
    }
    if (judgement === null) return undefined;
    const where = `${d.policy.name} in account ${d.owner}`;
    const lines = new Set<string>();
    for (const a of [...allows].sort((x, y) => byCodePoint(x.principal, y.principal)))
      lines.add(
        a.kept
          ? `${where} lets in ${describeKept(a.kept)} (Principal "*" kept by ${a.kept.keptBy.join(' and ') || 'its conditions'}${a.kept.except.length > 0 ? `; NotPrincipal leaves out ${a.kept.except.join(', ')}` : ''})`
          : a.principal === root
            ? `${where} names account ${actor.accountId} (${root}): every principal of it whose own policies allow it`
            : `${where} names ${a.principal}`,
      );
    return {
      delegation: d,
      access: judgement.access,
      evidence: [
        ...lines,
        ...(sameAccount
          ? [
              `${actor.label} is of the policy's own account ${d.owner}: there a resource policy that lets a principal in needs no identity policy beside it (the account's service control policies still cap it)`,
            ]
          : judgement.identity.map((line) => `${actor.label}'s own policies allow it: ${line}`)),
      ],
    };
  };

  return (holder, actor, reaches) => {
    const grants: Grant[] = [];
    const place = (d: Delegation) => {
      const account = world.accounts.get(d.owner);
      return {
        target: holder.target,
        account: holder.account,
        resource: d.owner,
        aliases: [...(account ? [account.name] : []), d.policy.alias],
        accountTags: account?.tags ?? [],
      };
    };
    if (actor)
      for (const { delegation: d, access, evidence } of grantedTo(actor, true))
        grants.push(
          ...grantsFromAccess(
            {
              ...place(d),
              via: 'direct',
              viaName: d.policy.name,
              evidence: [...(holder.evidence ?? []), ...evidence],
              extra: { ...holder.extra, ...d.policy.extra, policyAccount: d.owner },
            },
            access,
          ),
        );
    for (const reach of reaches) {
      if (!index.has(reach.role.accountId)) continue;
      for (const { delegation: d, access, evidence } of grantedTo(reach.role.actor, false)) {
        const path = pathTo(holder, reach);
        grants.push(
          ...grantsFromAccess(
            {
              ...place(d),
              via: 'role',
              viaName: reach.role.name,
              prefix: `can assume ${reach.role.name}: `,
              evidence: [...path.evidence, ...evidence],
              extra: path.extra,
            },
            access,
          ),
        );
      }
    }
    return grants;
  };
}

/**
 * For each account of the organisation, the resource policies that may reach its principals: the
 * other accounts' policies naming it or its principals, every policy whose "*" is kept to it, and
 * its own policies naming its principals by ARN.
 */
function delegationsByAccount(
  reads: readonly ResourcePolicyRead[],
  organizationAccounts: ReadonlySet<string>,
  organization: OrganizationIdentity | undefined,
): Map<string, Delegation[]> {
  const index = new Map<string, Delegation[]>();
  const inOrganisation = (account: string) => organizationAccounts.has(account);
  let id = 0;
  for (const { accountId: owner, facts } of [...reads].sort((a, b) => byCodePoint(a.accountId, b.accountId)))
    for (const policy of resourcePolicies(facts)) {
      const statements = statementsOf(policy.policy);
      const byAccount = new Map<string, Allow[]>();
      const add = (account: string, allow: Allow) => {
        const allows = byAccount.get(account) ?? [];
        allows.push(allow);
        byAccount.set(account, allows);
      };
      for (const statement of statements) {
        if (statement.Effect !== 'Allow') continue;
        // An Allow with NotPrincipal is a "*" for everyone it does not name.
        const except = statement.NotPrincipal !== undefined ? awsPrincipalsIn(statement.NotPrincipal) : undefined;
        if (except?.includes('*')) continue;
        for (const value of except ? ['*'] : awsPrincipalsIn(statement.Principal)) {
          if (value === '*') {
            // Anyone, or outside accounts: resource-policies.ts reads those. Kept to the organisation:
            // each account it is kept to.
            if (reachOf(statement, inOrganisation, () => undefined, organization) !== 'inside') continue;
            const kept = keptInside(statement, organizationAccounts);
            if (!kept) continue;
            for (const account of kept.accounts)
              add(account, { statement, principal: '*', kept: { ...kept, except: except ?? [] } });
            continue;
          }
          const p = awsPrincipal(value, owner, organizationAccounts);
          if (p.accountId === undefined) continue;
          // The policy's own account (`…:root`) only hands the choice to identity policies.
          if (p.kind === 'organization' || (p.kind === 'same-account' && !p.principal.endsWith(':root')))
            add(p.accountId, { statement, principal: p.principal });
        }
      }
      for (const [account, allows] of [...byAccount].sort(([a], [b]) => byCodePoint(a, b))) {
        const list = index.get(account) ?? [];
        list.push({ id: id++, owner, policy, allows, statements });
        index.set(account, list);
      }
    }
  return index;
}

/** Whether a "*" kept to the organisation reaches the actor: its patterns match, no NotPrincipal spares it. */
function keeps(kept: Allow['kept'] & object, actor: Actor, names: (value: string) => boolean): boolean {
  if (!kept.accounts.includes(actor.accountId)) return false;
  if (kept.except.some(names)) return false;
  return kept.arns.every(({ patterns, ignoreCase }) => patterns.some((p) => actor.arnLike(p, ignoreCase)));
}

/** Whom a kept "*" lets in, in words. */
function describeKept(kept: KeptInside): string {
  const where = kept.wholeOrganisation
    ? 'every principal of the organisation'
    : `every principal of account${kept.accounts.length === 1 ? '' : 's'} ${kept.accounts.join(', ')}`;
  const like = kept.arns.map((a) => ` whose ARN is like ${a.patterns.join(' or ')}`).join(' and');
  return `${where}${like}`;
}

/**
 * Both sides at once: the resource policy's statements for the principal are what may be done
 * (kept to the resource's service, as for an outsider), each capped as SCPs cap, by level: the
 * SCPs over the principal's account, its own identity policies and its permissions boundary, each
 * read for this resource alone (a statement on another bucket or key does not count; one on the
 * resource, or on a wildcard that covers it, counts as if on every resource). Every Deny on the
 * resource, on either side, takes its actions away. Undefined when nothing is left.
 */
function judge(d: Delegation, resourceSide: readonly Statement[], input: EvaluationInput): Judged | undefined {
  const { arns, service } = d.policy;
  // An object ARN under the bucket (`…:::bucket/reports/*`) allows some of its objects.
  const objects = service === 's3' ? `${arns[0]}/` : undefined;
  const own = scoped(input.policies, arns, objects);
  if (!own.some((p) => statementsOf(p.document).some((st) => st.Effect === 'Allow'))) return undefined;
  const names = (policies: readonly NamedPolicy[]) => policies.map((p) => p.name).join(', ');
  const levels: ScpLevel[] = [
    ...(input.scps ?? []).map((level) => ({ ...level, policies: scoped(level.policies, arns, objects) })),
    { node: 'its own policies', policies: own, cap: `its own policies (${names(input.policies)})` },
    ...(input.boundary
      ? [
          {
            node: 'its permissions boundary',
            policies: scoped(input.boundary, arns, objects),
            cap: `its permissions boundary ${names(input.boundary)}`,
          },
        ]
      : []),
  ];
  const access = evaluateAccess({
    policies: [{ name: d.policy.name, document: resourceDocument(d, resourceSide) }],
    scps: levels,
  });
  if (!access.read && !access.dataRead && !access.write && !access.admin) return undefined;
  // The principal's own Allows that let it do what it gets: those matching an action named in
  // the grants, or every Allow on the resource when only wildcards decided.
  const actions = ACCESS_CATEGORIES.flatMap((c) => access.actions[c]);
  const allowing = own.flatMap((p) =>
    statementsOf(p.document)
      .filter((st) => st.Effect === 'Allow' && (actions.length === 0 || actions.some((a) => matchesAction(st, a))))
      .map((st) => describeStatement(p.name, ORIGINAL.get(st) ?? st)),
  );
  return { access, identity: [...new Set(allowing)] };
}

/**
 * Within the policy's own account: the resource policy's statements for the principal allow on
 * their own (no identity policy needed), capped by the account's service control policies.
 */
function judgeAlone(d: Delegation, resourceSide: readonly Statement[], input: EvaluationInput): Judged | undefined {
  const access = evaluateAccess({
    policies: [{ name: d.policy.name, document: resourceDocument(d, resourceSide) }],
    ...(input.scps ? { scps: input.scps } : {}),
  });
  if (!access.read && !access.dataRead && !access.write && !access.admin) return undefined;
  return { access, identity: [] };
}

/** The resource policy's statements for a principal as a policy of its own, kept to the resource's service. */
function resourceDocument(d: Delegation, resourceSide: readonly Statement[]): NamedPolicy['document'] {
  const { arns, service } = d.policy;
  const kept = new Set(d.allows.flatMap((a) => (a.kept ? [a.statement] : [])));
  return {
    Version: '2012-10-17',
    Statement: resourceSide.map((original) => {
      const { Principal: _p, ...rest } = kept.has(original) ? withoutReadConditions(original) : original;
      const statement = ofService(rest as Statement, service);
      // A Deny of the policy is about its own resource: on it (or its objects), it is on all there is.
      if (statement.Effect !== 'Deny' || !arns.some((arn) => matchesResource(statement, arn))) return statement;
      const { Resource: _r, NotResource: _n, ...deny } = statement;
      return { ...deny, Resource: '*' };
    }),
  };
}

/**
 * A "*" kept to the organisation without the conditions that kept it: they were read (whom it lets
 * in), so the evidence does not call them unevaluated; any other condition stays, and is said so.
 */
function withoutReadConditions(statement: Statement): Statement {
  const Condition: NonNullable<Statement['Condition']> = {};
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    const left = Object.fromEntries(Object.entries(entries).filter(([key]) => !decidesReach(operator, key)));
    if (Object.keys(left).length > 0) Condition[operator] = left;
  }
  const { Condition: _c, ...rest } = statement;
  return Object.keys(Condition).length > 0 ? { ...rest, Condition } : rest;
}

/** Each rewritten statement's original, for evidence as the policy says it. */
const ORIGINAL = new WeakMap<Statement, Statement>();
const SCOPED = new WeakMap<object, Map<string, NamedPolicy['document']>>();

/**
 * A policy's statements that cover the resource, each as if on every resource (the evaluator
 * judges a principal's whole account); the others left out. An Allow counts when it covers the
 * resource or some of a bucket's objects; a Deny when it covers the resource or its objects.
 * Made once per document and resource.
 */
function scoped(policies: readonly NamedPolicy[], arns: readonly string[], objects: string | undefined): NamedPolicy[] {
  const key = arns.join('\u0000');
  return policies.map((p) => {
    let byResource = SCOPED.get(p.document);
    if (!byResource) {
      byResource = new Map();
      SCOPED.set(p.document, byResource);
    }
    let document = byResource.get(key);
    if (!document) {
      const Statement = statementsOf(p.document).flatMap((st) => {
        const covers =
          arns.some((arn) => matchesResource(st, arn)) ||
          (st.Effect === 'Allow' && objects !== undefined && listOf(st.Resource).some((r) => r.startsWith(objects)));
        if (!covers) return [];
        const { Resource: _r, NotResource: _n, ...rest } = st;
        const onEverything: Statement = { ...rest, Resource: '*' };
        ORIGINAL.set(onEverything, st);
        return [onEverything];
      });
      document = { Version: '2012-10-17', Statement };
      byResource.set(key, document);
    }
    return { name: p.name, document };
  });
}
