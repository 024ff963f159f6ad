// Builds the EvaluationContext: which records are live access now, who each account is,
// who holds each grant, and whether the register approves it.

import { AccountMap } from '../../core/account-map.js';
import type { Policy } from '../../core/config.js';
import type { Drift } from '../../core/drift.js';
import { type Credential, grantIsLive, type Snapshot } from '../../core/model.js';
import { compareAccounts, compareCredentials, compareGrants } from '../../core/order.js';
import type { Person, Register } from '../../core/register.js';
import type { AccountLink, EvaluationContext, HeldGrant, Holder } from './context.js';
import { coverageOf, engagementEndedOn } from './coverage.js';
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

/**
 * Who holds a grant: everyone who acts through its account, except people who only claim it, and
 * except those who have left from one of the company's own domains. A domain reaches people
 * through the company's directory, which lanekeeper does not read: a leaver's address in the
 * register says nothing about whether their directory account still exists, and taking it as
 * held would report every leaver on every domain-wide grant, every week. Their offboarding
 * checklist still names the domain's grants (offboarding asks actorsOf, not this).
 */
function holdersOf(
  link: AccountLink,
  people: ReadonlyMap<string, Person>,
  now: Date,
): { person: Person; through: Holder['through'] }[] {
  return actorsOf(link).flatMap(({ person: id, through }) => {
    const person = people.get(id);
    if (!person || through === 'claimed') return [];
    if (link.kind === 'company' && engagementEndedOn(person, now) !== undefined) return [];
    return [{ person, through }];
  });
}

export function buildContext(input: EvaluationInput): EvaluationContext {
  const { snapshot, register, policy, now, drift } = input;
  const people = new Map(register.people.map((p) => [p.id, p]));
  const accounts = snapshot.accounts.filter((a) => a.status !== 'deleted').sort(compareAccounts);
  const accountIndex = AccountMap.of(accounts, (a) => [a.system, a.target, a.id, a]);
  const domains = companyDomains(register, policy.employeeDomains);
  const links = AccountMap.of(accounts, (a) => [a.system, a.target, a.id, linkAccount(a, register, domains)]);

  const coverLanes = coverageOf(now);
  const held: HeldGrant[] = [];
  const heldByAccount = new AccountMap<HeldGrant[]>();
  const heldByPerson = new Map<string, HeldGrant[]>();
  // Who acts through an account is the same for each of its grants: worked out once per account.
  const actorsByAccount = new AccountMap<ReturnType<typeof holdersOf>>();
  for (const grant of [...snapshot.grants].sort(compareGrants)) {
    const account = accountIndex.get(grant.system, grant.target, grant.account);
    if (!account || !grantIsLive(grant, now)) continue;
    const link = links.get(grant.system, grant.target, grant.account)!;
    const actors = actorsByAccount.upsert(grant.system, grant.target, grant.account, () =>
      holdersOf(link, people, now),
    );
    const holders = actors.map(({ person, through }) => ({
      person,
      through,
      lanes: coverLanes(grant, account, person),
    }));
    const h: HeldGrant = { grant, account, link, holders };
    held.push(h);
    for (const holder of holders) {
      const list = heldByPerson.get(holder.person.id);
      if (list) list.push(h);
      else heldByPerson.set(holder.person.id, [h]);
    }
    heldByAccount.upsert(grant.system, grant.target, grant.account, () => []).push(h);
  }

  const credentials = snapshot.credentials
    .filter((c) => accountIndex.has(c.system, c.target, c.account))
    .sort(compareCredentials);
  const credentialsByAccount = new AccountMap<Credential[]>();
  for (const c of credentials) credentialsByAccount.upsert(c.system, c.target, c.account, () => []).push(c);

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
    accountOf: (ref) => accountIndex.get(ref.system, ref.target, ref.id),
    linkOf: (ref) => links.get(ref.system, ref.target, ref.id) ?? none,
    heldBy: (ref) => heldByAccount.get(ref.system, ref.target, ref.id) ?? [],
    heldByPerson: (id) => heldByPerson.get(id) ?? [],
    credentialsOf: (ref) => credentialsByAccount.get(ref.system, ref.target, ref.id) ?? [],
  };
}
