// Ties each account to the register: an explicit `accounts` link, then a declared shared
// account, then a group, then an email, then the company's domain. Each step looks at every
// person at once and sorts what it finds, so the answer never depends on the order of the
// register or the inventory.
import { looksLikeEmail, normalizeEmail, normalizeLogin } from '../../core/identity.js';
import type { Account } from '../../core/model.js';
import type { Register, RegisterGroup, SharedAccount } from '../../core/register.js';
import type { AccountLink } from './context.js';

// Code-point order: the same on every machine, whatever its locale.
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Emails an account offers for linking, normalised: its emails and any identity that looks like one. */
export function accountEmails(account: Pick<Account, 'emails' | 'identities'>): string[] {
  const fromIdentities = (account.identities ?? []).filter(looksLikeEmail);
  return [...new Set([...account.emails, ...fromIdentities].map(normalizeEmail))].sort();
}

function names(account: Account): Set<string> {
  return new Set([normalizeLogin(account.id), normalizeLogin(account.login)]);
}

/** The company's own email domains: the register's and the config's policy.employeeDomains, lower-cased. */
export function companyDomains(register: Pick<Register, 'domains'>, employeeDomains: readonly string[] = []): string[] {
  return [...new Set([...register.domains, ...employeeDomains].map((d) => d.trim().toLowerCase()))].sort(byText);
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);

/**
 * The register, normalised once and indexed by what an account offers: linking 15,000 accounts
 * against 1,000 people compared every email of every person for every account before (about
 * 30 s at the benchmark's large scale); now each step is a lookup.
 */
interface RegisterIndex {
  /** normalised system → normalised login → people whose `accounts` entry names it. */
  claims: Map<string, Map<string, Set<string>>>;
  /** normalised email → people who have it. */
  emails: Map<string, Set<string>>;
  /** normalised system → its declared shared accounts, with their normalised ids. */
  shared: Map<string, { id: string; entry: SharedAccount }[]>;
  /** normalised system → its register groups, with their normalised ids. */
  groups: Map<string, { id: string; entry: RegisterGroup }[]>;
  /** email domain → people with an address there, sorted. */
  domainMembers: Map<string, string[]>;
}

const indexes = new WeakMap<Register, RegisterIndex>();

function indexOf(register: Register): RegisterIndex {
  const known = indexes.get(register);
  if (known) return known;
  const index: RegisterIndex = {
    claims: new Map(),
    emails: new Map(),
    shared: new Map(),
    groups: new Map(),
    domainMembers: new Map(),
  };
  const add = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
    const set = map.get(key) ?? new Set<V>();
    set.add(value);
    map.set(key, set);
  };
  for (const person of register.people) {
    // The first entry for a system counts, as a person's `accounts` is read everywhere else.
    const seen = new Set<string>();
    for (const [system, value] of Object.entries(person.accounts)) {
      const s = normalizeLogin(system);
      if (seen.has(s)) continue;
      seen.add(s);
      if (value === undefined) continue;
      const logins = index.claims.get(s) ?? new Map<string, Set<string>>();
      index.claims.set(s, logins);
      for (const login of Array.isArray(value) ? value : [value]) add(logins, normalizeLogin(login), person.id);
    }
    for (const email of person.emails) {
      const e = normalizeEmail(email);
      add(index.emails, e, person.id);
      const members = index.domainMembers.get(domainOf(e)) ?? [];
      if (!members.includes(person.id)) members.push(person.id);
      index.domainMembers.set(domainOf(e), members);
    }
  }
  for (const members of index.domainMembers.values()) members.sort(byText);
  for (const entry of register.shared_accounts) {
    const list = index.shared.get(normalizeLogin(entry.system)) ?? [];
    list.push({ id: normalizeLogin(entry.id), entry });
    index.shared.set(normalizeLogin(entry.system), list);
  }
  for (const entry of register.groups) {
    const list = index.groups.get(normalizeLogin(entry.system)) ?? [];
    list.push({ id: normalizeLogin(entry.id), entry });
    index.groups.set(normalizeLogin(entry.system), list);
  }
  indexes.set(register, index);
  return index;
}

/** Everyone any of `keys` names in `map`, sorted. */
function peopleNamed(map: Map<string, Set<string>> | undefined, keys: Iterable<string>): string[] {
  const people = new Set<string>();
  for (const key of keys) for (const id of map?.get(key) ?? []) people.add(id);
  return [...people].sort();
}

export function linkAccount(
  account: Account,
  register: Register,
  domains: readonly string[] = companyDomains(register),
): AccountLink {
  const index = indexOf(register);
  const known = names(account);
  const system = normalizeLogin(account.system);

  const claimedBy = peopleNamed(index.claims.get(system), known);
  if (claimedBy.length === 1) {
    return {
      kind: 'person',
      person: claimedBy[0]!,
      by: 'account-link',
      detail: `the register's account link ${account.login}`,
    };
  }
  if (claimedBy.length > 1) {
    return {
      kind: 'conflict',
      people: claimedBy,
      by: 'account-link',
      reason: `claimed by ${claimedBy.join(' and ')} in the register's account links`,
    };
  }

  // The register's own declarations of this very account come before what its emails suggest:
  // an email (or a tag an AWS user carries) names a person, but a declared shared account stays
  // shared whoever's address it carries, and its users stay accountable for it.
  const shared = (index.shared.get(system) ?? [])
    .filter((s) => known.has(s.id))
    .map((s) => s.entry)
    .sort((a, b) => byText(a.id, b.id) || byText(a.owner, b.owner) || byText(a.purpose, b.purpose));
  if (shared[0]) return { kind: 'shared', shared: shared[0] };

  const group = (index.groups.get(system) ?? [])
    .filter((g) => known.has(g.id))
    .map((g) => g.entry)
    .sort((a, b) => byText(a.id, b.id));
  if (group[0]) return { kind: 'group', group: group[0] };

  const emails = accountEmails(account);
  const byEmail = peopleNamed(index.emails, emails);
  if (byEmail.length === 1) {
    const person = byEmail[0]!;
    const email = emails.find((e) => index.emails.get(e)?.has(person))!;
    return { kind: 'person', person, by: 'email', detail: `email ${email}` };
  }
  if (byEmail.length > 1) {
    return {
      kind: 'conflict',
      people: byEmail,
      by: 'email',
      reason: `emails match ${byEmail.join(' and ')}`,
    };
  }

  const domain = account.domain?.trim().toLowerCase();
  if (domain !== undefined && domains.includes(domain)) {
    return { kind: 'company', domain, members: [...(index.domainMembers.get(domain) ?? [])] };
  }

  return { kind: 'none', reason: unlinkedReason(account, emails) };
}

function unlinkedReason(account: Account, emails: string[]): string {
  if (account.domain !== undefined)
    return `everyone with an address in ${account.domain}, which is not one of the company's domains`;
  if (account.kind === 'public') return 'a public principal: it stands for anyone';
  if (account.kind === 'external') return 'a principal of another organisation that the register does not name';
  if (emails.length === 0) return 'no email and no register link';
  return `${emails.length === 1 ? 'email' : 'emails'} ${emails.join(', ')} ${emails.length === 1 ? 'matches' : 'match'} nobody`;
}

/** One-line description of a link, for evidence and reports. */
export function describeLink(link: AccountLink): string {
  switch (link.kind) {
    case 'person':
      return `linked to ${link.person} by ${link.detail}`;
    case 'shared':
      return `declared ${link.shared.kind} account owned by ${link.shared.owner} (${link.shared.purpose})`;
    case 'group':
      return `register group with members ${link.group.members.join(', ') || 'none'}`;
    case 'company':
      return `the company's own domain ${link.domain}: everyone with an address there (in the register: ${link.members.join(', ') || 'nobody'})`;
    case 'conflict':
      return link.reason;
    case 'none':
      return `linked to nobody: ${link.reason}`;
  }
}
