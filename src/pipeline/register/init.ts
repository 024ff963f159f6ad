// `lanekeeper register init`: a first register drafted from what a scan found, so nobody writes
// fifty entries by hand. One person per human (accounts in different systems joined by email),
// employee or contractor guessed from the company's domains, every live grant as a draft
// approval, bots and service accounts as shared accounts. What only a person can answer (the
// task, the end date, the owner, the purpose) is left as TODO, which `register check` rejects
// with the field and line of each, until someone fills it in.
import { Document, isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { isoDate } from '../../core/dates.js';
import { emailDomain, normalizeEmail } from '../../core/identity.js';
import {
  type Account,
  type Grant,
  grantIsLive,
  type Lane,
  type Level,
  levelRank,
  type Snapshot,
} from '../../core/model.js';
import { accountEmails } from '../evaluate/link.js';

export const TODO = 'TODO';

export interface DraftOptions {
  snapshot: Snapshot;
  /** Shown at the top; TODO when unknown. */
  organization?: string;
  /** Email domains of employees (policy.employeeDomains): people with an address there are guessed employees. */
  employeeDomains: readonly string[];
  now: Date;
}

export interface DraftSummary {
  people: number;
  employees: number;
  contractors: number;
  sharedAccounts: number;
  grants: number;
  /** Accounts left out: public and external principals, Google's own service agents. */
  skipped: number;
}

export interface Draft {
  text: string;
  summary: DraftSummary;
}

interface DraftPerson {
  id: string;
  name: string;
  kind: 'employee' | 'contractor';
  emails: string[];
  accounts: Account[];
  /** Why these accounts are one person, for the comment above the entry. */
  joinedBy: string[];
}

interface DraftGrant {
  system: string;
  lane: Lane;
  access: Level;
  scopes: string[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const emailsOf = accountEmails;

function domainOf(email: string): string {
  return emailDomain(email) ?? '';
}

/** A register id from an email or login: lower-case letters, digits, ".", "_", "-". */
function idFrom(text: string): string {
  const base = text
    .toLowerCase()
    .replace(/@.*$/, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '');
  return base || 'person';
}

/** Humans joined into people: accounts sharing an email are one person (union-find over emails). */
function groupHumans(accounts: readonly Account[]): Account[][] {
  const parent = accounts.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const byEmail = new Map<string, number>();
  accounts.forEach((account, i) => {
    for (const email of emailsOf(account)) {
      const seen = byEmail.get(email);
      if (seen === undefined) byEmail.set(email, i);
      else parent[find(i)] = find(seen);
    }
  });
  const groups = new Map<number, Account[]>();
  accounts.forEach((account, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), account]);
  });
  return [...groups.values()];
}

function draftPeople(humans: readonly Account[], employeeDomains: readonly string[]): DraftPerson[] {
  const domains = new Set(employeeDomains.map(normalizeEmail));
  const used = new Set<string>();
  const people = groupHumans(humans).map((accounts) => {
    const emails = [...new Set(accounts.flatMap(emailsOf))].sort();
    const sorted = [...accounts].sort((a, b) => byText(a.system, b.system) || byText(a.login, b.login));
    // A display name, else a login that is not an email address (the id says the address already).
    const name =
      sorted.find((a) => a.displayName)?.displayName ??
      sorted.find((a) => !a.login.includes('@'))?.login ??
      sorted[0]!.login;
    const shared = emails.filter((e) => accounts.filter((a) => emailsOf(a).includes(e)).length > 1);
    const joinedBy =
      accounts.length > 1
        ? [`one person because they share the email ${shared.join(', ')}`]
        : emails.length === 0
          ? ['no email to join it by: if this is someone listed elsewhere, move the accounts link there']
          : [];
    return {
      id: '',
      name,
      kind: emails.some((e) => domains.has(domainOf(e))) ? ('employee' as const) : ('contractor' as const),
      emails,
      accounts: sorted,
      joinedBy,
    };
  });
  people.sort((a, b) => byText(a.emails[0] ?? a.accounts[0]!.login, b.emails[0] ?? b.accounts[0]!.login));
  for (const person of people) {
    const base = idFrom(person.emails[0] ?? person.accounts[0]!.login);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    person.id = id;
  }
  return people.sort((a, b) => byText(a.id, b.id));
}

/** One draft approval per system, lane and level, over every resource held that way. */
function draftGrants(person: DraftPerson, grants: readonly Grant[]): DraftGrant[] {
  const mine = new Set(person.accounts.map((a) => JSON.stringify([a.system, a.target, a.id])));
  const out = new Map<string, DraftGrant>();
  for (const grant of grants) {
    if (!mine.has(JSON.stringify([grant.system, grant.target, grant.account]))) continue;
    for (const lane of grant.lanes) {
      const key = JSON.stringify([grant.system, lane, grant.level]);
      const entry = out.get(key) ?? { system: grant.system, lane, access: grant.level, scopes: [] };
      if (!entry.scopes.includes(grant.resource)) entry.scopes.push(grant.resource);
      out.set(key, entry);
    }
  }
  return [...out.values()]
    .map((g) => ({ ...g, scopes: g.scopes.sort() }))
    .sort((a, b) => byText(a.system, b.system) || byText(a.lane, b.lane) || levelRank(b.access) - levelRank(a.access));
}

function sharedKind(account: Account): 'service' | 'bot' | 'shared' {
  return account.kind === 'service' ? 'service' : account.kind === 'bot' ? 'bot' : 'shared';
}

function describeAccount(account: Account): string {
  const label = account.login === account.id ? account.login : `${account.login} (${account.id})`;
  return `${account.system} ${label}`;
}

function setComment(doc: Document, path: readonly (string | number)[], comment: string, before = false): void {
  const node = doc.getIn(path, true) as Node | undefined;
  if (!node) return;
  if (before) node.commentBefore = comment;
  else node.comment = comment;
}

/** Draft a register from a scan. Deterministic: the same snapshot gives the same text. */
export function draftRegister(options: DraftOptions): Draft {
  const { snapshot, now } = options;
  const live = snapshot.accounts
    .filter((a) => a.status !== 'deleted')
    .sort((a, b) => byText(a.system, b.system) || byText(a.target, b.target) || byText(a.id, b.id));
  const humans = live.filter((a) => a.kind === 'human');
  const machines = live.filter(
    (a) => (a.kind === 'bot' || a.kind === 'service' || a.kind === 'root') && a.attributes?.googleManaged !== true,
  );
  const skipped = live.length - humans.length - machines.length;
  const grants = snapshot.grants.filter((g) => grantIsLive(g, now));
  const people = draftPeople(humans, options.employeeDomains);
  const start = isoDate(now);

  const personEntries = people.map((p) => {
    const accounts: Record<string, string | string[]> = {};
    for (const a of p.accounts) {
      const list = [...[accounts[a.system] ?? []].flat(), a.login];
      accounts[a.system] = list.length === 1 ? list[0]! : list;
    }
    const drafted = draftGrants(p, grants).map((g) => ({
      task: TODO,
      system: g.system,
      scope: g.scopes.length === 1 ? g.scopes[0]! : g.scopes,
      lane: g.lane,
      access: g.access,
      start,
      end: TODO,
    }));
    return {
      id: p.id,
      name: p.name,
      kind: p.kind,
      ...(p.kind === 'contractor' ? { owner: TODO } : {}),
      emails: p.emails,
      accounts,
      // An employee's access is approved by their employment: nothing to decide, nothing drafted.
      ...(p.kind === 'contractor' ? { grants: drafted } : {}),
    };
  });
  const seen = new Set<string>();
  const shared = machines.filter((a) => {
    const key = JSON.stringify([a.system, a.id.toLowerCase()]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  const doc = new Document({
    organization: options.organization ?? TODO,
    domains: [...options.employeeDomains],
    people: personEntries,
    shared_accounts: shared.map((a) => ({
      system: a.system,
      id: a.id,
      kind: sharedKind(a),
      owner: TODO,
      purpose: TODO,
      users: [],
    })),
  });

  doc.commentBefore = [
    ` Access register drafted by lanekeeper register init from the scan of ${snapshot.collectedAt}.`,
    ' Every TODO is an answer only a person can give: the task a grant is for, its last day (end),',
    " a contractor's owner (the employee who approves their access), a shared account's owner and purpose.",
    ' `lanekeeper register check` lists each one still open, with its line. Lines marked "confirm" are guesses.',
    ' Grants start on the day of the scan: set the real start where you know it.',
  ].join('\n');
  if (options.employeeDomains.length === 0) {
    setComment(doc, ['domains'], ' no employee domains in the config: everyone is guessed a contractor');
  }
  people.forEach((p, i) => {
    const accounts = p.accounts.map(describeAccount).join(', ');
    setComment(doc, ['people', i], [` ${accounts}`, ...p.joinedBy.map((j) => ` ${j}`)].join('\n'), true);
    const domain = p.emails.map(domainOf).find((d) => options.employeeDomains.includes(d));
    setComment(
      doc,
      ['people', i, 'kind'],
      p.kind === 'employee'
        ? ` confirm: guessed from the email domain ${domain}; an employee's access is approved by employment, so no grants are drafted`
        : p.emails.length > 0
          ? " confirm: guessed, no email in the company's domains"
          : ' confirm: guessed, no email known',
    );
    for (const path of [
      ['people', i, 'emails'],
      ...(personEntries[i]!.grants ?? []).map((_, j) => ['people', i, 'grants', j, 'scope']),
    ]) {
      const node = doc.getIn(path, true);
      if (node && !isScalar(node)) (node as YAMLMap).flow = true;
    }
    const links = doc.getIn(['people', i, 'accounts'], true);
    if (isMap(links)) links.flow = true;
  });
  shared.forEach((a, k) => {
    const what = a.displayName ? `${a.displayName}: ` : '';
    setComment(doc, ['shared_accounts', k], ` ${what}${a.kind} account ${a.login} in ${a.target}`, true);
    const users = doc.getIn(['shared_accounts', k, 'users'], true);
    if (users && !isScalar(users)) (users as YAMLMap).flow = true;
  });
  const domainsNode = doc.getIn(['domains'], true);
  if (domainsNode && !isScalar(domainsNode)) (domainsNode as YAMLMap).flow = true;

  return {
    text: doc.toString({ lineWidth: 0 }),
    summary: {
      people: people.length,
      employees: people.filter((p) => p.kind === 'employee').length,
      contractors: people.filter((p) => p.kind === 'contractor').length,
      sharedAccounts: shared.length,
      grants: personEntries.reduce((n, p) => n + (p.grants?.length ?? 0), 0),
      skipped,
    },
  };
}
