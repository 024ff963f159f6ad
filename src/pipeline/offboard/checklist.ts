// offboard(): everything one person leaves behind, from a snapshot and the register. Their
// accounts in every system (linked as the scan links them), each live grant, group, credential
// and pending invitation, and the shared secrets they could read: each with why it matters and
// the exact command (from the system's remediation module) that removes or rotates it.
// Pure and read-only: it tells, it never changes anything.
import { endOfDay, isoDate } from '../../core/dates.js';
import {
  type Account,
  accountKey,
  type Credential,
  type Grant,
  grantAccountKey,
  grantIsLive,
  levelRank,
  type Secret,
  type Snapshot,
} from '../../core/model.js';
import { byText, compareAccounts, compareCredentials, compareGrants, compareSecrets } from '../../core/order.js';
import type { Person, Register } from '../../core/register.js';
import { type ConnectorRemediation, emptyRemediation, type Remediation } from '../../core/remediation.js';
import { scopeMatcher } from '../../core/scope.js';
import type { AccountLink } from '../evaluate/context.js';
import { missedRemoval } from '../evaluate/facts.js';
import { actorsOf } from '../evaluate/holders.js';
import { companyDomains, describeLink, linkAccount } from '../evaluate/link.js';
import { type ConnectorLookup, registryLookup, rotate } from '../remediation.js';

export const ITEM_KINDS = [
  'account',
  'invitation',
  'grant',
  'group',
  'directory',
  'credential',
  'shared-credential',
  'service-account-key',
  'secret',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export interface ChecklistItem {
  kind: ItemKind;
  system: string;
  target: string;
  /** What it is, in one line. */
  what: string;
  /** Why it matters: the facts behind the item. */
  why: string[];
  steps: string[];
  commands: string[];
}

export interface OffboardChecklist {
  person: { id: string; name: string; kind: Person['kind']; owner?: string; end?: string };
  /** The day of the checklist, YYYY-MM-DD (UTC). */
  date: string;
  generatedAt: string;
  /** Sorted by system, target, kind, what. Empty when nothing is left behind. */
  items: ChecklistItem[];
  /** The accounts found for the person and how each was tied to them. */
  accounts: { system: string; target: string; login: string; how: string }[];
  /** Systems that could not be read: what they hold is not on the list. */
  failedSystems: string[];
}

export interface OffboardInput {
  /** Register person id. */
  person: string;
  /** Classified (grants carry their levels). */
  snapshot: Snapshot;
  register: Register;
  now: Date;
  /** The config's policy.employeeDomains: with the register's domains, the company's own. */
  employeeDomains?: readonly string[];
  /** How accounts are tied to the register; the scan's linker by default. */
  links?: (account: Account) => AccountLink;
  /** Each system's remediation and offboarding modules; the registry's by default. */
  lookup?: ConnectorLookup;
}

export class UnknownPersonError extends Error {
  override readonly name = 'UnknownPersonError';
  constructor(
    readonly person: string,
    readonly known: readonly string[],
  ) {
    super(`"${person}" is not a person in the register; known: ${known.join(', ') || 'nobody'}`);
  }
}

/** An account the person holds: their own, a shared account they are a declared user of, a group they are in. */
interface Reach {
  account: Account;
  link: AccountLink;
  through: 'own' | 'shared' | 'group';
}

function laterOf(a: Date | undefined, b: Date): Date {
  return a === undefined || b.getTime() > a.getTime() ? b : a;
}

function earlierOf(a: Date, b: Date): Date {
  return b.getTime() < a.getTime() ? b : a;
}

export function offboard(input: OffboardInput): OffboardChecklist {
  const { snapshot, register, now } = input;
  const lookup = input.lookup ?? registryLookup;
  const person = register.people.find((p) => p.id === input.person);
  if (!person) throw new UnknownPersonError(input.person, register.people.map((p) => p.id).sort());
  const domains = companyDomains(register, input.employeeDomains);
  const links = input.links ?? ((a: Account) => linkAccount(a, register, domains));

  // Sorted first, so the checklist never depends on the order of the inventory.
  const live = snapshot.accounts.filter((a) => a.status !== 'deleted').sort(compareAccounts);
  const linkOf = new Map(live.map((a) => [a, links(a)]));
  const reach: Reach[] = [];
  for (const account of live) {
    const link = linkOf.get(account) as AccountLink;
    // The same actors evaluate sees; an account they only claim is still theirs to close.
    const actor = actorsOf(link).find((a) => a.person === person.id);
    if (!actor) continue;
    const through = actor.through === 'group' || actor.through === 'shared' ? actor.through : 'own';
    reach.push({ account, link, through });
  }

  const grantsByAccount = new Map<string, Grant[]>();
  for (const g of [...snapshot.grants].sort(compareGrantsWithCondition)) {
    if (!grantIsLive(g, now)) continue;
    const key = grantAccountKey(g);
    grantsByAccount.set(key, [...(grantsByAccount.get(key) ?? []), g]);
  }
  const credentialsByAccount = new Map<string, Credential[]>();
  const credentials = [...snapshot.credentials].sort(compareCredentials);
  for (const c of credentials) {
    const key = accountKey({ system: c.system, target: c.target, id: c.account });
    credentialsByAccount.set(key, [...(credentialsByAccount.get(key) ?? []), c]);
  }
  const grantsOf = (a: Account) => grantsByAccount.get(accountKey(a)) ?? [];
  const activeCredentialsOf = (a: Account) => (credentialsByAccount.get(accountKey(a)) ?? []).filter((c) => c.active);
  const moduleOf = (system: string) => lookup(system)?.remediation;
  const offboardingOf = (system: string) => lookup(system)?.offboarding;

  const items: ChecklistItem[] = [];
  const listedCredentials = new Set<string>();
  const credentialKey = (c: Credential) => JSON.stringify([c.system, c.target, c.account, c.kind, c.id]);
  // When what they could reach stopped being theirs: now while they hold it, else the end of the engagement.
  const engagementEnd = person.end ? earlierOf(endOfDay(person.end), now) : now;

  for (const { account, link, through } of reach.filter((r) => r.through === 'own')) {
    const module = moduleOf(account.system);
    const grants = grantsOf(account);
    const credentials = activeCredentialsOf(account);
    items.push(accountItem(account, link, grants, credentials, module, now));
    if (account.status === 'invited') continue;
    items.push(...grantItems(account, grants, module, through));
    for (const c of credentials) {
      listedCredentials.add(credentialKey(c));
      items.push(credentialItem(c, account, module));
    }
  }

  // Keys they added to other accounts (deploy keys, keys of service accounts) where the data names them.
  const names = new Map<string, Set<string>>();
  const namesIn = (system: string): Set<string> => {
    const set = names.get(system) ?? new Set<string>(person.emails.map((e) => e.toLowerCase()));
    names.set(system, set);
    return set;
  };
  for (const { account } of reach.filter((r) => r.through === 'own')) {
    const set = namesIn(account.system);
    set.add(account.login.toLowerCase());
    set.add(account.id.toLowerCase());
  }
  // The register's links too: an app or key they made outlives an account already removed.
  for (const [system, linked] of Object.entries(person.accounts ?? {}))
    for (const name of [linked].flat()) namesIn(system).add(String(name).toLowerCase());
  /** The name a record gives its maker (who added a key, who installed an app), when it is this person's. */
  const madeByThem = (system: string, by: unknown): string | undefined =>
    typeof by === 'string' && names.get(system)?.has(by.toLowerCase()) ? by : undefined;
  const accountByKey = new Map(live.map((a) => [accountKey(a), a]));
  for (const c of credentials) {
    if (!c.active || listedCredentials.has(credentialKey(c))) continue;
    const by = madeByThem(c.system, c.attributes?.addedBy ?? c.attributes?.createdBy);
    if (!by) continue;
    const owner = accountByKey.get(accountKey({ system: c.system, target: c.target, id: c.account }));
    listedCredentials.add(credentialKey(c));
    const item = credentialItem(c, owner, moduleOf(c.system));
    item.why.unshift(`added by ${by}: it keeps working after ${person.id}'s own accounts are gone`);
    items.push(item);
  }

  // Apps they installed or own that keep running without them, where the data names them: a Slack
  // app a bot token runs (installedBy), a GitHub App whose owner holds its private key (appOwner).
  const reached = new Set(reach.map((r) => accountKey(r.account)));
  for (const account of live) {
    if (reached.has(accountKey(account))) continue;
    const made = MADE_BY.flatMap(({ attribute, how, why }) => {
      const by = madeByThem(account.system, account.attributes?.[attribute]);
      return by ? [`${how} ${by}: ${why(person.id)}`] : [];
    });
    if (made.length === 0) continue;
    const link = linkOf.get(account) as AccountLink;
    const item = accountItem(
      account,
      link,
      grantsOf(account),
      activeCredentialsOf(account),
      moduleOf(account.system),
      now,
    );
    item.why.unshift(...made);
    items.push(item);
  }

  for (const { account, link } of reach.filter((r) => r.through === 'group')) {
    items.push(
      link.kind === 'company'
        ? directoryItem(account, link.domain, person)
        : groupItem(account, person, reach, moduleOf(account.system)),
    );
  }

  // Shared accounts they are a declared user of: every key made before their use ended may be in their hands.
  for (const { account, link } of reach.filter((r) => r.through === 'shared')) {
    const module = moduleOf(account.system);
    for (const c of activeCredentialsOf(account)) {
      if (listedCredentials.has(credentialKey(c)) || !madeBefore(c.createdAt, engagementEnd)) continue;
      listedCredentials.add(credentialKey(c));
      const plan = module ? rotate(module, c, account) : emptyRemediation();
      items.push({
        kind: 'shared-credential',
        system: c.system,
        target: c.target,
        what: `${c.kind} ${c.id} of the shared account ${account.login}`,
        why: [
          `${person.id} is a declared user of ${account.login} (${describeLink(link)})`,
          c.createdAt
            ? `created ${c.createdAt.slice(0, 10)}, before ${person.id}'s use ended`
            : 'its creation date is unknown',
          'whoever keeps a copy keeps the account: replace it so only the remaining users have the new one',
        ],
        steps: [
          ...plan.steps,
          `Remove ${person.id} from the users of ${account.system} ${account.login} in the register's shared_accounts.`,
        ],
        commands: plan.commands,
      });
    }
    // A shared login's password, its recovery codes, a bot's token: where the system lists no
    // credential of the account, its secrets are still what a user who leaves may keep.
    if (activeCredentialsOf(account).length === 0)
      items.push({
        kind: 'shared-credential',
        system: account.system,
        target: account.target,
        what: `secrets of the shared account ${account.login} that ${account.system} does not list`,
        why: [
          `${person.id} is a declared user of ${account.login} (${describeLink(link)})`,
          `${account.system} lists no key of it that could be replaced here: its password, recovery codes or token are not read`,
          'whoever keeps a copy keeps the account: replace it so only the remaining users have the new one',
        ],
        steps: [
          `Change the password and recovery codes of ${account.system} ${account.login}, or regenerate its token, and give the new ones only to its remaining users.`,
          `Remove ${person.id} from the users of ${account.system} ${account.login} in the register's shared_accounts.`,
        ],
        commands: [],
      });
  }

  // Grants they act through: their own accounts, shared accounts they use, groups they are in.
  const acting = reach.flatMap((r) => grantsOf(r.account).map((grant) => ({ grant, reach: r })));

  for (const c of credentials) {
    if (!c.active || listedCredentials.has(credentialKey(c))) continue;
    const via = acting.filter(({ grant }) => offboardingOf(grant.system)?.usesCredential?.(grant, c));
    if (via.length === 0) continue;
    const owner = accountByKey.get(accountKey({ system: c.system, target: c.target, id: c.account }));
    listedCredentials.add(credentialKey(c));
    const module = moduleOf(c.system);
    const plan = module ? rotate(module, c, owner) : emptyRemediation();
    items.push({
      kind: 'service-account-key',
      system: c.system,
      target: c.target,
      what: `${c.kind} ${c.id} of ${owner?.login ?? c.account}`,
      why: [
        ...via.map(
          ({ grant, reach: r }) =>
            `${r.account.login} holds ${grant.permission} on ${grant.resource}${grant.viaName ? ` (granted on ${grant.viaName})` : ''}: it can act as ${owner?.login ?? c.account}`,
        ),
        c.createdAt ? `key created ${c.createdAt.slice(0, 10)}` : 'key creation date unknown',
        'a key file they made or copied keeps working after their own access is gone',
      ],
      steps: plan.steps,
      commands: plan.commands,
    });
  }

  items.push(...secretItems(snapshot.secrets, person, acting, now, engagementEnd, lookup));

  return {
    person: {
      id: person.id,
      name: person.name,
      kind: person.kind,
      ...(person.owner ? { owner: person.owner } : {}),
      ...(person.end ? { end: person.end } : {}),
    },
    date: isoDate(now),
    generatedAt: now.toISOString(),
    items: items.sort(compareItems),
    accounts: reach
      .map((r) => ({
        system: r.account.system,
        target: r.account.target,
        login: r.account.login,
        how: describeLink(r.link),
      }))
      .sort((a, b) => byText(a.system, b.system) || byText(a.target, b.target) || byText(a.login, b.login)),
    failedSystems: [...new Set(snapshot.systems.filter((s) => !s.ok).map((s) => s.system))].sort(),
  };
}

/** Account attributes that name who installed or owns an app, and why that outlives the person. */
const MADE_BY: readonly { attribute: string; how: string; why: (person: string) => string }[] = [
  {
    attribute: 'installedBy',
    how: 'installed by',
    why: (person) => `an app keeps working after ${person}'s own accounts are gone`,
  },
  {
    attribute: 'appOwner',
    how: 'owned by',
    why: (person) =>
      `the app's owner holds its private key and can act as it with all its access after ${person}'s own accounts are gone`,
  },
];

function madeBefore(at: string | undefined, cutoff: Date): boolean {
  if (at === undefined) return true;
  const t = Date.parse(at);
  return Number.isNaN(t) || t < cutoff.getTime();
}

function compareItems(a: ChecklistItem, b: ChecklistItem): number {
  return (
    byText(a.system, b.system) ||
    byText(a.target, b.target) ||
    ITEM_KINDS.indexOf(a.kind) - ITEM_KINDS.indexOf(b.kind) ||
    byText(a.what, b.what) ||
    byText(a.commands.join('\n'), b.commands.join('\n'))
  );
}

function describeAccount(account: Account): string {
  const role = account.role ? ` (${account.role})` : '';
  return `${account.kind === 'human' ? '' : `${account.kind} `}account ${account.login}${role}`;
}

function accountItem(
  account: Account,
  link: AccountLink,
  grants: readonly Grant[],
  credentials: readonly Credential[],
  module: ConnectorRemediation | undefined,
  now: Date,
): ChecklistItem {
  if (account.status === 'invited') {
    const plan = module
      ? (module.cancelInvitation ?? ((a: Account) => module.removeAccount(a, { grants: [], credentials: [] })))(account)
      : emptyRemediation();
    return {
      kind: 'invitation',
      system: account.system,
      target: account.target,
      what: `pending invitation of ${account.login}`,
      why: [describeLink(link), 'an invitation can still be accepted after the last day'],
      steps: plan.steps,
      commands: plan.commands,
    };
  }
  const plan = module ? module.removeAccount(account, { grants, credentials }) : emptyRemediation();
  const why = [describeLink(link)];
  if (link.kind === 'conflict') why.push('the register ties this account to several people: confirm before removing');
  why.push(
    grants.length > 0
      ? `holds ${grants.length} live grant${grants.length === 1 ? '' : 's'} (listed below)`
      : 'an account left open can be given access again at any time',
  );
  if (account.status === 'suspended') why.push('suspended, not removed: it can be turned back on');
  why.push(...missedRemoval(account, now));
  return {
    kind: 'account',
    system: account.system,
    target: account.target,
    what: describeAccount(account),
    why,
    steps: plan.steps.length > 0 ? plan.steps : [`Remove the ${account.system} account ${account.login}.`],
    commands: plan.commands,
  };
}

/** One item per way of removing: grants one command removes together (a team, a folder binding) are one item. */
function grantItems(
  account: Account,
  grants: readonly Grant[],
  module: ConnectorRemediation | undefined,
  through: Reach['through'],
): ChecklistItem[] {
  const byPlan = new Map<string, { plan: Remediation; grants: Grant[] }>();
  for (const grant of [...grants].sort(compareGrantsWithCondition)) {
    const plan = module ? module.revokeGrant(grant, account) : emptyRemediation();
    const key = plan.commands.length > 0 ? JSON.stringify(plan.commands) : JSON.stringify([grant.resource, plan.steps]);
    const entry = byPlan.get(key);
    if (entry) entry.grants.push(grant);
    else byPlan.set(key, { plan, grants: [grant] });
  }
  return [...byPlan.values()].map(({ plan, grants: list }) => {
    const first = list[0]!;
    const level = list.reduce((top, g) => (levelRank(g.level) > levelRank(top) ? g.level : top), first.level);
    const resources = [...new Set(list.map((g) => g.resource))];
    const via = first.viaName
      ? ` via ${first.via} ${first.viaName}`
      : first.via === 'direct'
        ? ''
        : ` via ${first.via}`;
    const lanes = [...new Set(list.flatMap((g) => g.lanes))].sort();
    return {
      kind: 'grant' as const,
      system: first.system,
      target: first.target,
      what: `${account.login}: ${first.permission} on ${resources.join(', ')}${via}`,
      why: [
        `live ${level} access${lanes.length > 0 ? ` in the ${lanes.join(' + ')} lane${lanes.length === 1 ? '' : 's'}` : ''}${through === 'own' ? '' : ` through ${through}`}`,
        ...[...new Set(list.flatMap((g) => g.evidence ?? []))].slice(0, 4),
      ],
      steps: plan.steps.length > 0 ? plan.steps : [`Remove ${first.permission} on ${resources.join(', ')}.`],
      commands: plan.commands,
    };
  });
}

/** The model's grant order, then the condition: two bindings of one role differ only there. */
function compareGrantsWithCondition(a: Grant, b: Grant): number {
  return compareGrants(a, b) || byText(String(a.attributes?.condition ?? ''), String(b.attributes?.condition ?? ''));
}

function credentialItem(c: Credential, account: Account | undefined, module?: ConnectorRemediation): ChecklistItem {
  const plan = module ? module.revokeCredential(c, account) : emptyRemediation();
  const used = c.lastUsedAt ? `last used ${c.lastUsedAt.slice(0, 10)}` : 'no record of use';
  return {
    kind: 'credential',
    system: c.system,
    target: c.target,
    what: `${c.kind} ${c.id}${account ? ` of ${account.login}` : ''}${c.resource ? ` on ${c.resource}` : ''}`,
    why: [
      `active; ${used}${c.expiresAt ? `; expires ${c.expiresAt.slice(0, 10)}` : ''}`,
      'a key or token works without signing in: it outlives the account unless revoked',
    ],
    steps: plan.steps.length > 0 ? plan.steps : [`Revoke ${c.kind} ${c.id}.`],
    commands: plan.commands,
  };
}

function groupItem(
  group: Account,
  person: Person,
  reach: readonly Reach[],
  module: ConnectorRemediation | undefined,
): ChecklistItem {
  // The name the system knows them by: an email of theirs it has seen, else their first email.
  const own = reach.filter((r) => r.through === 'own' && r.account.system === group.system);
  const member = own.flatMap((r) => r.account.emails)[0] ?? person.emails[0] ?? person.id;
  const plan = module?.removeFromGroup?.(group, member) ?? {
    steps: [`Remove ${member} from the group ${group.login}.`],
    commands: [],
  };
  return {
    kind: 'group',
    system: group.system,
    target: group.target,
    what: `member of the group ${group.login}`,
    why: [`the register lists ${person.id} among the members of ${group.login}: every grant of the group reaches them`],
    steps: plan.steps,
    commands: plan.commands,
  };
}

/**
 * One of the company's own domains: it reaches them through their account in the company's
 * directory, which lanekeeper does not read. Nobody is removed from a domain; closing that account
 * is what ends it.
 */
function directoryItem(domainAccount: Account, domain: string, person: Person): ChecklistItem {
  const address = person.emails.find((e) => e.toLowerCase().endsWith(`@${domain}`)) ?? person.emails[0] ?? person.id;
  return {
    kind: 'directory',
    system: domainAccount.system,
    target: domainAccount.target,
    what: `an address in the company's domain ${domain}`,
    why: [
      `every grant to ${domainAccount.login} reaches whoever has an address in ${domain} while their account there exists`,
    ],
    steps: [
      `Suspend or delete ${address} in the company's directory (for Google: Admin console › Directory › Users); the grants to the domain then stop reaching them.`,
    ],
    commands: [],
  };
}

interface Acting {
  grant: Grant;
  reach: Reach;
}

/**
 * Secrets they could read: through a live grant that reads it (until now), or through an approval
 * at write or admin whose scope covers it (until the approval or the engagement ended). A secret
 * given a new value after that is safe; one last changed before is in their hands.
 */
function secretItems(
  secrets: readonly Secret[],
  person: Person,
  acting: readonly Acting[],
  now: Date,
  engagementEnd: Date,
  lookup: ConnectorLookup,
): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  for (const secret of [...secrets].sort(compareSecrets)) {
    const module = lookup(secret.system)?.remediation;
    const reads = lookup(secret.system)?.offboarding.readsSecret;
    if (!module?.rotateSecret) continue;
    let readableUntil: Date | undefined;
    const reasons: string[] = [];
    for (const { grant, reach } of acting) {
      if (!reads?.(grant, secret)) continue;
      readableUntil = now;
      reasons.push(`${reach.account.login} holds ${grant.permission} on ${grant.resource} now`);
    }
    for (const rg of person.grants) {
      if (rg.system !== secret.system || rg.access === 'read' || !approvalCovers(rg.scope, secret)) continue;
      const until = rg.end ? earlierOf(earlierOf(endOfDay(rg.end), engagementEnd), now) : engagementEnd;
      readableUntil = laterOf(readableUntil, until);
      reasons.push(
        `approved ${rg.access} on ${[rg.scope].flat().join(', ')}${rg.end ? ` until ${rg.end}` : ''}${rg.ticket ? ` (${rg.ticket})` : ''}`,
      );
    }
    if (!readableUntil) continue;
    const changed = secret.updatedAt ?? secret.createdAt;
    if (!madeBefore(changed, readableUntil)) continue;
    const plan = module.rotateSecret(secret);
    items.push({
      kind: 'secret',
      system: secret.system,
      target: secret.target,
      what: `secret ${secret.name} in ${secret.resource}`,
      why: [
        ...[...new Set(reasons)].slice(0, 4),
        `with that access they could read its value; ${changed ? `it was last set ${changed.slice(0, 10)}` : 'when it was last set is unknown'}, before ${person.id}'s access ended`,
      ],
      steps: plan.steps,
      commands: plan.commands,
    });
  }
  return items;
}

/** Whether an approval's scope reaches a secret: its own resource, or, for an org's secret, anything in the org. */
function approvalCovers(scope: string | string[], secret: Secret): boolean {
  const globs = Array.isArray(scope) ? scope : [scope];
  const orgSecret = secret.resource === secret.target;
  return globs.some(
    (glob) =>
      scopeMatcher(glob)(secret.resource) ||
      (orgSecret && glob.toLowerCase().startsWith(`${secret.resource.toLowerCase()}/`)),
  );
}
