// Ties each account to the register: an explicit `accounts` link, then an email, then a
// declared shared account, then a group. Each step looks at every person at once and sorts
// what it finds, so the answer never depends on the order of the register or the inventory.
import { looksLikeEmail, normalizeEmail, normalizeLogin } from '../../core/identity.js';
import type { Account } from '../../core/model.js';
import type { Person, Register } from '../../core/register.js';
import type { AccountLink } from './context.js';

// Code-point order: the same on every machine, whatever its locale.
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The values a person's `accounts` entry gives for one system, normalised. */
function explicitLinks(person: Person, system: string): string[] {
  const value = Object.entries(person.accounts).find(([s]) => normalizeLogin(s) === normalizeLogin(system))?.[1];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(normalizeLogin);
}

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

export function linkAccount(
  account: Account,
  register: Register,
  domains: readonly string[] = companyDomains(register),
): AccountLink {
  const known = names(account);

  const claimedBy = register.people
    .filter((p) => explicitLinks(p, account.system).some((v) => known.has(v)))
    .map((p) => p.id)
    .sort();
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

  const emails = accountEmails(account);
  const byEmail = register.people
    .filter((p) => p.emails.some((e) => emails.includes(normalizeEmail(e))))
    .map((p) => p.id)
    .sort();
  if (byEmail.length === 1) {
    const person = register.people.find((p) => p.id === byEmail[0])!;
    const email = emails.find((e) => person.emails.map(normalizeEmail).includes(e))!;
    return { kind: 'person', person: person.id, by: 'email', detail: `email ${email}` };
  }
  if (byEmail.length > 1) {
    return {
      kind: 'conflict',
      people: byEmail,
      by: 'email',
      reason: `emails match ${byEmail.join(' and ')}`,
    };
  }

  const shared = register.shared_accounts
    .filter((s) => normalizeLogin(s.system) === normalizeLogin(account.system) && known.has(normalizeLogin(s.id)))
    .sort((a, b) => byText(a.id, b.id) || byText(a.owner, b.owner) || byText(a.purpose, b.purpose));
  if (shared[0]) return { kind: 'shared', shared: shared[0] };

  const group = register.groups
    .filter((g) => normalizeLogin(g.system) === normalizeLogin(account.system) && known.has(normalizeLogin(g.id)))
    .sort((a, b) => byText(a.id, b.id));
  if (group[0]) return { kind: 'group', group: group[0] };

  const domain = account.domain?.trim().toLowerCase();
  if (domain !== undefined && domains.includes(domain)) {
    const members = register.people
      .filter((p) => p.emails.some((e) => domainOf(normalizeEmail(e)) === domain))
      .map((p) => p.id)
      .sort(byText);
    return { kind: 'company', domain, members };
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
