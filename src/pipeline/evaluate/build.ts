// Builds the EvaluationContext: which records are live access now, who each account is,
// who holds each grant, and whether the register approves it.
import type { Policy } from '../../core/config.js';
import type { Drift } from '../../core/drift.js';
import { accountKey, type Credential, grantAccountKey, grantIsLive, type Snapshot } from '../../core/model.js';
import { compareAccounts, compareCredentials, compareGrants } from '../../core/order.js';
import type { Person, Register } from '../../core/register.js';
import type { AccountLink, EvaluationContext, HeldGrant, Holder } from './context.js';
import { coverLanes } from './coverage.js';
import { actorsOf } from './holders.js';
import { companyDomains, linkAccount } from './link.js';

export interface EvaluationInput {
  snapshot: Snapshot;
  register: Register;
  policy: Policy;
  now: Date;
  /** Changes since the previous complete scan, when history has one. */
  drift?: Drift;
}

/** Who holds a grant: everyone who acts through its account, except people who only claim it. */
function holdersOf(
  link: AccountLink,
  people: ReadonlyMap<string, Person>,
): { person: Person; through: Holder['through'] }[] {
  return actorsOf(link).flatMap(({ person: id, through }) => {
    const person = people.get(id);
    return person && through !== 'claimed' ? [{ person, through }] : [];
  });
}

export function buildContext(input: EvaluationInput): EvaluationContext {
  const { snapshot, register, policy, now, drift } = input;
  const people = new Map(register.people.map((p) => [p.id, p]));
  const accounts = snapshot.accounts.filter((a) => a.status !== 'deleted').sort(compareAccounts);
  const accountByKey = new Map(accounts.map((a) => [accountKey(a), a]));
  const domains = companyDomains(register, policy.employeeDomains);
  const links = new Map(accounts.map((a) => [accountKey(a), linkAccount(a, register, domains)]));

  const held: HeldGrant[] = [];
  const heldByAccount = new Map<string, HeldGrant[]>();
  const heldByPerson = new Map<string, HeldGrant[]>();
  // Who acts through an account is the same for each of its grants: worked out once per account.
  const actorsByAccount = new Map<string, ReturnType<typeof holdersOf>>();
  for (const grant of [...snapshot.grants].sort(compareGrants)) {
    const key = grantAccountKey(grant);
    const account = accountByKey.get(key);
    if (!account || !grantIsLive(grant, now)) continue;
    const link = links.get(key)!;
    let actors = actorsByAccount.get(key);
    if (!actors) {
      actors = holdersOf(link, people);
      actorsByAccount.set(key, actors);
    }
    const holders = actors.map(({ person, through }) => ({
      person,
      through,
      lanes: coverLanes(grant, account, person, now),
    }));
    const h: HeldGrant = { grant, account, link, holders };
    held.push(h);
    for (const holder of holders) {
      const list = heldByPerson.get(holder.person.id);
      if (list) list.push(h);
      else heldByPerson.set(holder.person.id, [h]);
    }
    const list = heldByAccount.get(key);
    if (list) list.push(h);
    else heldByAccount.set(key, [h]);
  }

  const credentials = snapshot.credentials
    .filter((c) => accountByKey.has(accountKey({ system: c.system, target: c.target, id: c.account })))
    .sort(compareCredentials);
  const credentialsByAccount = new Map<string, Credential[]>();
  for (const c of credentials) {
    const key = accountKey({ system: c.system, target: c.target, id: c.account });
    const list = credentialsByAccount.get(key);
    if (list) list.push(c);
    else credentialsByAccount.set(key, [c]);
  }

  const failedSystems = new Set(snapshot.systems.filter((s) => !s.ok).map((s) => s.system));
  const none: AccountLink = { kind: 'none', reason: 'not in the inventory' };

  return {
    now,
    snapshot,
    register,
    policy,
    ...(drift ? { drift } : {}),
    accounts,
    held,
    credentials,
    people,
    failedSystems,
    accountOf: (ref) => accountByKey.get(accountKey(ref)),
    linkOf: (ref) => links.get(accountKey(ref)) ?? none,
    heldBy: (ref) => heldByAccount.get(accountKey(ref)) ?? [],
    heldByPerson: (id) => heldByPerson.get(id) ?? [],
    credentialsOf: (ref) => credentialsByAccount.get(accountKey(ref)) ?? [],
  };
}
