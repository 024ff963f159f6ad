// Bucket and KMS key policies that name a principal of another account of the organisation (by
// its ARN) or that account itself (`arn:aws:iam::B:root`, or "B"). Across accounts both sides
// must allow, as AWS evaluates it: the resource policy in account A lets the principal in, and
// the principal's own identity policies in B must allow the action on that resource too, within
// B's service control policies and its permissions boundary, with every explicit Deny (the
// resource policy's, the principal's, the SCPs') taking it away. Naming the account hands the
// choice to its principals' identity policies: only those whose policies allow the action on the
// resource (by its ARN or a wildcard) get it. Whoever can become a role that gets such access holds
// it too, through the assume-role graph, as it holds the role's own access. Pure: built from what
// collect() read, once every account is read; the grants are the principal's (its account's
// target), on the resource's account.
import type { Grant } from '../../src/core/model.js';
import type { Actor } from './assume-graph.js';
import {
  ACCESS_CATEGORIES,
  type EffectiveAccess,
  type EvaluationInput,
  evaluateAccess,
  matchesAction,
  matchesResource,
  type ScpLevel,
} from './evaluator.js';
import { byCodePoint, describeStatement, listOf, type NamedPolicy, type Statement, statementsOf } from './policy.js';
import { type AwsWorld, grantsFromAccess, pathTo } from './records.js';
import { ofService, type ResourcePolicy, type ResourcePolicyFacts, resourcePolicies } from './resource-policies.js';
import { awsPrincipal, awsPrincipalsIn } from './trust.js';

/** One account's bucket and key policies, as it read them. */
export interface ResourcePolicyRead {
  accountId: string;
  facts: ResourcePolicyFacts;
}

/** A resource policy of account `owner` whose Allow statements name principals of one other account. */
interface Delegation {
  id: number;
  owner: string;
  policy: ResourcePolicy;
  /** The Allows naming a principal of the account (its ARN) or the account itself (its root ARN). */
  allows: { statement: Statement; principal: string }[];
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
 * The grants other accounts' resource policies give a holder: as the actor itself, and through
 * every role it reaches. Undefined when no resource policy names another account's principal, so a
 * scan without any pays nothing.
 */
export function crossAccountResourceGrants(
  reads: readonly ResourcePolicyRead[],
  organizationAccounts: ReadonlySet<string>,
  world: Pick<AwsWorld, 'accounts'>,
): AwsWorld['resourceGrants'] {
  const index = delegationsByAccount(reads, organizationAccounts);
  if (index.size === 0) return undefined;
  const judged = new Map<string, Judged | null>();
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const idOf = (o: object) => {
    let id = ids.get(o);
    if (id === undefined) {
      id = nextId++;
      ids.set(o, id);
    }
    return id;
  };
  const named = (policies: readonly NamedPolicy[] | undefined) =>
    (policies ?? []).map((p) => `${p.name}\u0000${idOf(p.document)}`).join('\u0001');

  /** Each delegation judged for the actor, once per actor (a role is reached by many holders). */
  const byActor = new Map<string, Granted[]>();
  const grantedTo = (actor: Actor): Granted[] => {
    let list = byActor.get(actor.key);
    if (!list) {
      list = (index.get(actor.accountId) ?? []).flatMap((d) => {
        const g = grant(d, actor);
        return g ? [g] : [];
      });
      byActor.set(actor.key, list);
    }
    return list;
  };

  const grant = (d: Delegation, actor: Actor): Granted | undefined => {
    const root = `arn:aws:iam::${actor.accountId}:root`;
    const principalOf = (value: string) => awsPrincipal(value, d.owner, organizationAccounts).principal;
    // A statement's principal reaches the actor when it names it, its account, or everyone.
    const reaches = (value: string) => {
      if (value === '*') return true;
      const p = principalOf(value);
      return p === root || actor.namedBy(p);
    };
    const allows = d.allows.filter((a) => a.principal === root || actor.namedBy(a.principal));
    if (allows.length === 0) return undefined;
    const denies = d.statements.filter(
      (st) =>
        st.Effect === 'Deny' &&
        (st.NotPrincipal !== undefined
          ? !awsPrincipalsIn(st.NotPrincipal).some(reaches)
          : awsPrincipalsIn(st.Principal).some(reaches)),
    );
    const resourceSide = [...new Set(allows.map((a) => a.statement)), ...denies];
    const key = [
      d.id,
      resourceSide.map((st) => d.statements.indexOf(st)).join(','),
      named(actor.access.policies),
      named(actor.access.boundary),
      actor.access.scps ? idOf(actor.access.scps) : '',
    ].join('\u0002');
    let judgement = judged.get(key);
    if (judgement === undefined) {
      judgement = judge(d, resourceSide, actor.access) ?? null;
      judged.set(key, judgement);
    }
    if (judgement === null) return undefined;
    const where = `${d.policy.name} in account ${d.owner}`;
    const namedBy = [...new Set(allows.map((a) => a.principal))].sort(byCodePoint);
    return {
      delegation: d,
      access: judgement.access,
      evidence: [
        ...namedBy.map((p) =>
          p === root
            ? `${where} names account ${actor.accountId} (${root}): every principal of it whose own policies allow it`
            : `${where} names ${p}`,
        ),
        ...judgement.identity.map((line) => `${actor.label}'s own policies allow it: ${line}`),
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
      for (const { delegation: d, access, evidence } of grantedTo(actor))
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
      for (const { delegation: d, access, evidence } of grantedTo(reach.role.actor)) {
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

/** For each account of the organisation, the other accounts' resource policies that name it or its principals. */
function delegationsByAccount(
  reads: readonly ResourcePolicyRead[],
  organizationAccounts: ReadonlySet<string>,
): Map<string, Delegation[]> {
  const index = new Map<string, Delegation[]>();
  let id = 0;
  for (const { accountId: owner, facts } of [...reads].sort((a, b) => byCodePoint(a.accountId, b.accountId)))
    for (const policy of resourcePolicies(facts)) {
      const statements = statementsOf(policy.policy);
      const byAccount = new Map<string, Delegation['allows']>();
      for (const statement of statements) {
        // A NotPrincipal or a "*" is anyone (or the organisation): resource-policies.ts reads those.
        if (statement.Effect !== 'Allow' || statement.NotPrincipal !== undefined) continue;
        for (const value of awsPrincipalsIn(statement.Principal)) {
          if (value === '*') continue;
          const p = awsPrincipal(value, owner, organizationAccounts);
          if (p.kind !== 'organization' || p.accountId === undefined) continue;
          const allows = byAccount.get(p.accountId) ?? [];
          allows.push({ statement, principal: p.principal });
          byAccount.set(p.accountId, allows);
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
  const document = {
    Version: '2012-10-17',
    Statement: resourceSide.map(({ Principal: _p, ...rest }) => {
      const statement = ofService(rest as Statement, service);
      // A Deny of the policy is about its own resource: on it (or its objects), it is on all there is.
      if (statement.Effect !== 'Deny' || !arns.some((arn) => matchesResource(statement, arn))) return statement;
      const { Resource: _r, NotResource: _n, ...deny } = statement;
      return { ...deny, Resource: '*' };
    }),
  };
  const access = evaluateAccess({ policies: [{ name: d.policy.name, document }], scps: levels });
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
