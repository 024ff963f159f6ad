// Service control policies: the organisation's caps on what any principal of a member account
// may do, however wide its IAM policies. An action is allowed only when every node from the root
// down to the account (the root, each OU, the account itself) has an SCP that allows it, and no
// SCP on the way denies it. The management account is not bound by SCPs, nor is an organisation
// that has not enabled them. Read once per scan with the caller's (management) credentials.
// SCPs can only narrow access: when they cannot be read, access is judged as IAM allows it (a
// warning says so), never narrower.
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  type Organization,
  type OrganizationsClient,
  paginateListParents,
  paginateListPoliciesForTarget,
  paginateListRoots,
} from '@aws-sdk/client-organizations';
import type { ScpLevel } from './evaluator.js';
import { allPages } from './paging.js';
import { type NamedPolicy, parsePolicyDocument } from './policy.js';

export interface ScpFacts {
  /** The SCPs over each member account, root first. The management account has none. */
  byAccount: Map<string, ScpLevel[]>;
}

/** How deep OUs may nest (AWS allows five levels): a loop in the answers cannot hang the scan. */
const MAX_DEPTH = 8;

/**
 * The organisation the caller's account belongs to, as any of its accounts may ask: its id (which
 * resource policies' `aws:PrincipalOrgID` conditions name), its management account, and whether
 * it has every feature. Fails, naming the call, when the account is in no organisation or may not ask.
 */
export async function describeOrganization(orgs: OrganizationsClient, signal: AbortSignal): Promise<Organization> {
  try {
    const { Organization: org } = await orgs.send(new DescribeOrganizationCommand({}), { abortSignal: signal });
    if (!org?.Id) throw new Error('answered without an organisation id');
    return org;
  } catch (e) {
    if (signal.aborted) throw e;
    throw new Error(`organizations:DescribeOrganization: ${(e as Error).message}`);
  }
}

export async function readScps(
  orgs: OrganizationsClient,
  /** The organisation, as describeOrganization read it. */
  org: Organization,
  accountIds: readonly string[],
  signal: AbortSignal,
  /** Runs each read in the caller's queue (how many are in flight is the caller's decision). */
  run: <T>(read: () => Promise<T>) => Promise<T>,
): Promise<ScpFacts> {
  const options = { abortSignal: signal };
  const byAccount = new Map<string, ScpLevel[]>();
  if (org.FeatureSet !== 'ALL') return { byAccount };
  const roots = (await allPages(paginateListRoots({ client: orgs }, {}, options), 'organizations:ListRoots')).flatMap(
    (p) => p.Roots ?? [],
  );
  const enabled = roots.some((r) =>
    (r.PolicyTypes ?? []).some((t) => t.Type === 'SERVICE_CONTROL_POLICY' && t.Status === 'ENABLED'),
  );
  if (!enabled) return { byAccount };

  const parentOf = oncePerKey((child: string) =>
    run(() =>
      allPages(paginateListParents({ client: orgs }, { ChildId: child }, options), 'organizations:ListParents'),
    ).then((pages) => {
      const parent = pages.flatMap((p) => p.Parents ?? [])[0];
      if (!parent?.Id) throw new Error(`organizations:ListParents named no parent of ${child}`);
      return { id: parent.Id, root: parent.Type === 'ROOT' };
    }),
  );
  const policy = oncePerKey((id: string, name: string) =>
    run(() => orgs.send(new DescribePolicyCommand({ PolicyId: id }), options)).then(
      (answer): NamedPolicy => ({
        name: `SCP ${name}`,
        document: parsePolicyDocument(answer.Policy?.Content ?? '', `service control policy ${name}`),
      }),
    ),
  );
  const levelOf = oncePerKey((node: string, label: string) =>
    run(() =>
      allPages(
        paginateListPoliciesForTarget({ client: orgs }, { TargetId: node, Filter: 'SERVICE_CONTROL_POLICY' }, options),
        'organizations:ListPoliciesForTarget',
      ),
    ).then(
      async (pages): Promise<ScpLevel> => ({
        node: label,
        policies: await Promise.all(
          pages.flatMap((p) => p.Policies ?? []).flatMap((s) => (s.Id ? [policy(s.Id, s.Name ?? s.Id)] : [])),
        ),
      }),
    ),
  );

  // Accounts side by side; the promise caches make each node and policy one read.
  const chains = await Promise.all(
    accountIds
      .filter((account) => account !== org.MasterAccountId)
      .map(async (account): Promise<[string, ScpLevel[]]> => {
        const chain: ScpLevel[] = [await levelOf(account, `account ${account}`)];
        let child = account;
        for (let depth = 0; ; depth++) {
          if (depth > MAX_DEPTH)
            throw new Error(`organizations:ListParents: ${account} is nested deeper than ${MAX_DEPTH}`);
          const parent = await parentOf(child);
          chain.unshift(await levelOf(parent.id, parent.root ? `the root ${parent.id}` : `OU ${parent.id}`));
          if (parent.root) break;
          child = parent.id;
        }
        return [account, chain];
      }),
  );
  for (const [account, chain] of chains) byAccount.set(account, chain);
  return { byAccount };
}

/** `read`, once per first argument: accounts that share an OU or a policy share one request for it. */
function oncePerKey<A extends unknown[], T>(read: (key: string, ...rest: A) => Promise<T>) {
  const started = new Map<string, Promise<T>>();
  return (key: string, ...rest: A): Promise<T> => {
    let known = started.get(key);
    if (!known) {
      known = read(key, ...rest);
      started.set(key, known);
    }
    return known;
  };
}
