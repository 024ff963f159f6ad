// Turns what GitHub answered about one organisation into the normalised records: accounts,
// grants (with the facts classify() needs in their attributes), credentials and secrets.
// Pure and sorted, so the same answers give the same inventory byte for byte.

import { normalizeEmail } from '../../src/core/identity.js';
import type { Account, Attributes, Credential, Grant, Lane, Level, Secret } from '../../src/core/model.js';
import { INTERNAL_VISIBILITY, internalResource, isProductionEnvironment, repoLanes } from './classify.js';
import { customRoleReach, orgRoleReach } from './custom-roles.js';
import type { AppFacts, OrgFacts, RepoFacts } from './facts.js';
import type { ApiEnvironment, ApiOrgRole, ApiPermissions, GithubLanes } from './schema.js';
import { memberTeam, possiblyDirectIn, teamStructure } from './teams.js';

export interface GithubRecords {
  accounts: Account[];
  grants: Grant[];
  credentials: Credential[];
  secrets: Secret[];
}

const SYSTEM = 'github';
const BASE_ROLES = new Set(['read', 'triage', 'write', 'maintain', 'admin']);

export function buildRecords(facts: OrgFacts, target: string, lanes: GithubLanes, now: Date): GithubRecords {
  const org = facts.org.login;
  const accounts = new Map<string, Account>();
  const grants = new Map<string, Grant>();
  const credentials: Credential[] = [];
  const secrets: Secret[] = [];
  const ownerIds = new Set(facts.owners.map((u) => u.login.toLowerCase()));
  // Who GitHub counts in each team (child teams' members included), and who is in it themselves.
  const teams = teamStructure(facts.teams);
  const teamMembers = teams.effective;

  const account = (
    login: string,
    fields: Pick<Account, 'kind' | 'status'> & Partial<Account>,
    affiliation: string,
    /** GitHub's number for the user: a login can be renamed, or freed and taken by someone else. */
    userId?: number,
  ): Account => {
    const id = login.toLowerCase();
    const existing = accounts.get(id);
    if (existing) {
      if (userId && existing.attributes?.userId === undefined) existing.attributes = { ...existing.attributes, userId };
      return existing;
    }
    const profile = facts.profiles.get(id);
    const a: Account = {
      system: SYSTEM,
      target,
      id,
      login,
      emails: profile?.emails ?? [],
      ...(profile?.name ? { displayName: profile.name } : {}),
      ...(profile && profile.identities.length > 0 ? { identities: profile.identities } : {}),
      ...fields,
      attributes: { affiliation, ...(userId ? { userId } : {}), ...(fields.attributes ?? {}) },
    };
    accounts.set(id, a);
    return a;
  };
  const mfa = (set: Set<string> | undefined, login: string) =>
    set === undefined ? {} : { mfa: !set.has(login.toLowerCase()) };

  for (const u of [...facts.owners, ...facts.members]) {
    account(
      u.login,
      {
        kind: u.type === 'Bot' ? 'bot' : 'human',
        status: 'active',
        role: ownerIds.has(u.login.toLowerCase()) ? 'owner' : 'member',
        ...mfa(facts.twoFactorDisabled.members, u.login),
      },
      'member',
      u.id,
    );
  }
  for (const u of facts.outside) {
    account(
      u.login,
      {
        kind: u.type === 'Bot' ? 'bot' : 'human',
        status: 'active',
        role: 'outside-collaborator',
        ...mfa(facts.twoFactorDisabled.outside, u.login),
      },
      'outside-collaborator',
      u.id,
    );
  }
  for (const inv of facts.invitations) {
    const invitation: Attributes = {
      invitationRole: inv.role,
      ...(inv.inviter ? { invitedBy: inv.inviter.login } : {}),
      ...(inv.created_at ? { invitedAt: inv.created_at } : {}),
    };
    const existing = inv.login ? accounts.get(inv.login.toLowerCase()) : undefined;
    if (existing) {
      // An outside collaborator invited to become a member: one account, with the pending step noted.
      existing.attributes = { ...existing.attributes, ...invitation };
      continue;
    }
    const login = inv.login ?? inv.email ?? `invitation-${inv.id}`;
    const a = account(
      inv.login ?? `invitation:${inv.id}`,
      {
        kind: 'human',
        status: 'invited',
        role: inv.role === 'admin' ? 'owner' : 'member',
        ...(inv.created_at ? { createdAt: inv.created_at } : {}),
        attributes: invitation,
      },
      'invitation',
    );
    a.login = login;
    if (inv.email) a.emails = [...new Set([...a.emails, normalizeEmail(inv.email)])].sort();
  }

  // Facts per repo that every grant on it carries, so classify() can judge without the API.
  const repoInfo = new Map(facts.repos.map((r) => [r.repo.full_name, r]));
  const staticLanes = (r: RepoFacts) => repoLanes(r.repo.full_name, r.repo.topics ?? [], lanes);
  // Each repository's deployment gates, read once: every grant on it asks who can pass them.
  const gates = new Map(facts.repos.map((r) => [r.repo.full_name, environmentGates(r.environments, lanes)]));
  const gatesOf = (r: RepoFacts) => gates.get(r.repo.full_name) ?? NO_GATES;
  const repoAttributes = (r: RepoFacts, accountId: string): Attributes => ({
    ...(r.repo.topics && r.repo.topics.length > 0 ? { topics: [...r.repo.topics].sort() } : {}),
    ...(r.repo.archived ? { archived: true } : {}),
    ...environmentAttributes(gatesOf(r), accountId, lanes, teamMembers),
  });

  const addGrant = (g: Omit<Grant, 'system' | 'target' | 'lanes' | 'level'>) => {
    // Lanes and level are the pipeline's classify step's to set.
    const grant: Grant = { system: SYSTEM, target, lanes: [], level: 'read', ...g };
    grants.set(JSON.stringify([g.account, g.resource, g.permission, g.via, g.viaName ?? '']), grant);
  };

  // Org-wide grants reach every repo: their lanes are the union of the repos' lanes.
  const allRepoLanes = [...new Set(facts.repos.flatMap(staticLanes))].sort() as Lane[];
  // Environments anyone with write can deploy to, in any repository: the same for every account.
  const openAnywhere = new Set(facts.repos.flatMap((r) => gatesOf(r).open));
  const selfReviewed = facts.repos.flatMap((r) => gatesOf(r).selfReviewed);
  const orgWideAttributes = (accountId: string): Attributes => {
    const unreviewed = new Set(openAnywhere);
    for (const gate of selfReviewed) if (canReview(gate, accountId, teamMembers)) unreviewed.add(gate.name);
    return {
      repoLanes: allRepoLanes,
      repoCount: facts.repos.length,
      ...(unreviewed.size > 0 ? { unreviewedEnvironments: [...unreviewed].sort() } : {}),
    };
  };

  const repositories = facts.repos.map((r) => r.repo.full_name).sort();
  for (const u of facts.owners) {
    const id = u.login.toLowerCase();
    addGrant({
      account: id,
      resource: org,
      permission: 'owner',
      via: 'org-role',
      viaName: 'organization owner',
      evidence: [`owner of the ${org} organization: admin on every repository, member and setting`],
      // Every repository by name, once per owner: what "every repository" is, and what the
      // config's lanes globs are checked against when no one else holds a repository.
      attributes: { ...orgWideAttributes(id), repositories },
    });
  }
  const base = facts.org.default_repository_permission;
  if (base && base !== 'none') {
    for (const u of facts.members) {
      const id = u.login.toLowerCase();
      if (ownerIds.has(id)) continue;
      addGrant({
        account: id,
        resource: `${org}/*`,
        permission: base,
        via: 'org-role',
        viaName: 'base permission',
        evidence: [
          `the organization's base permission gives every member ${base} on all ${facts.repos.length} repositories`,
        ],
        attributes: orgWideAttributes(id),
      });
    }
  }

  // Internal repositories are read by every member of the enterprise's organizations, whatever
  // the base permission (outside collaborators are not members). A base of read or more already
  // gives it; below that, membership alone does: one grant per member for all of them, as the
  // base permission is, carrying their lanes (one per repository would be members × repositories).
  const internal = facts.repos.filter((r) => r.repo.visibility === 'internal');
  if ((!base || base === 'none') && internal.length > 0) {
    const names = internal.map((r) => r.repo.full_name).sort();
    const shown = `${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`;
    const internalLanes = [...new Set(internal.flatMap(staticLanes))].sort() as Lane[];
    for (const u of facts.members) {
      const id = u.login.toLowerCase();
      if (ownerIds.has(id)) continue;
      addGrant({
        account: id,
        resource: internalResource(org),
        permission: 'read',
        via: 'org-role',
        viaName: INTERNAL_VISIBILITY,
        evidence: [
          `${names.length} internal ${names.length === 1 ? 'repository' : 'repositories'} (${shown}): every member of the enterprise's organizations reads them, ${org} included`,
        ],
        attributes: {
          repoLanes: internalLanes,
          repoCount: names.length,
          internalRepositories: names.length,
          aliases: [`${org}/*`],
        },
      });
    }
  }

  const customRoles = customRoleIndex(facts.customRepoRoles);
  for (const r of facts.repos) {
    for (const c of r.collaborators) {
      const a = account(c.login, { kind: c.type === 'Bot' ? 'bot' : 'human', status: 'active' }, 'collaborator', c.id);
      const { permission, basePermission } = permissionOf(c.role_name, c.permissions);
      const custom = customRoles.get(permission.toLowerCase()) ?? NOT_CUSTOM;
      addGrant({
        account: a.id,
        resource: r.repo.full_name,
        permission,
        via: 'direct',
        evidence: [`direct collaborator on ${r.repo.full_name} with role ${permission}`, ...custom.evidence],
        attributes: { ...repoAttributes(r, a.id), ...(basePermission ? { basePermission } : {}), ...custom.attributes },
      });
    }
    for (const key of r.deployKeys) {
      const id = `deploy-key:${r.repo.full_name}:${key.id}`;
      const keyFacts: Attributes = {
        repo: r.repo.full_name,
        readOnly: key.read_only,
        ...(key.added_by ? { addedBy: key.added_by } : {}),
        ...(key.last_used ? { lastUsed: key.last_used } : {}),
      };
      accounts.set(id, {
        system: SYSTEM,
        target,
        id,
        login: key.title,
        displayName: `deploy key "${key.title}" on ${r.repo.full_name}`,
        emails: [],
        kind: 'bot',
        status: key.enabled === false ? 'suspended' : 'active',
        ...(key.created_at ? { createdAt: key.created_at } : {}),
        ...(key.last_used ? { lastActiveAt: key.last_used } : {}),
        attributes: { affiliation: 'deploy-key', ...keyFacts },
      });
      addGrant({
        account: id,
        resource: r.repo.full_name,
        permission: key.read_only ? 'read' : 'write',
        via: 'direct',
        evidence: [`deploy key "${key.title}" (${key.read_only ? 'read-only' : 'read-write'})`],
        attributes: repoAttributes(r, id),
      });
      credentials.push({
        system: SYSTEM,
        target,
        account: id,
        kind: 'deploy-key',
        id: `deploy-key:${key.id}`,
        resource: r.repo.full_name,
        ...(key.created_at ? { createdAt: key.created_at } : {}),
        ...(key.last_used ? { lastUsedAt: key.last_used } : {}),
        active: key.enabled !== false,
        attributes: { title: key.title, ...keyFacts },
      });
    }
    for (const s of r.secrets) secrets.push(secret(target, r.repo.full_name, s));
  }

  // A team's access is its own repositories and those of every team above it (a child team
  // inherits them), whether or not GitHub's listing of the child repeats them: each repository once,
  // at the highest permission, named after the team that gives it (the one furthest up on a tie,
  // as lowering the child's own entry would not lower what it inherits).
  const teamRepos = new Map(facts.teams.map((t) => [t.team.slug, t.repos]));
  const usersBySlug = new Map(
    facts.teams.map((t) => [t.team.slug, new Map(t.members.map((m) => [m.login.toLowerCase(), m]))]),
  );
  for (const t of facts.teams) {
    const slug = t.team.slug;
    const line = [slug, ...(teams.ancestors.get(slug) ?? [])];
    const best = new Map<string, { tr: (typeof t.repos)[number]; from: string; rank: number }>();
    for (const from of line) {
      for (const tr of teamRepos.get(from) ?? []) {
        const rank = permissionRank(tr.permissions);
        const held = best.get(tr.full_name);
        if (!held || rank >= held.rank) best.set(tr.full_name, { tr, from, rank });
      }
    }
    const members = [...(teams.immediate.get(slug) ?? [])].sort();
    if (members.length === 0 || best.size === 0) continue;
    const maybeDirect = possiblyDirectIn(teams, slug);
    const unsure =
      maybeDirect.length > 0
        ? [
            `GitHub's REST listing of team ${maybeDirect.join(', ')} counts its child teams' members: who of them is also directly in it is not shown`,
          ]
        : [];
    for (const [full, { tr, from }] of [...best.entries()].sort(([a], [b]) => compare(a, b))) {
      const r = repoInfo.get(full);
      const { permission, basePermission } = permissionOf(tr.role_name, tr.permissions);
      const custom = customRoles.get(permission.toLowerCase()) ?? NOT_CUSTOM;
      // One string for every member: a large organisation's teams give each of their members the
      // same line on each of their repositories, 150,000 grants at the benchmark's large scale.
      const through =
        from === slug
          ? `member of team ${slug}, which has ${permission} on ${full}`
          : `member of team ${slug}, which inherits ${permission} on ${full} from its ${from === line[1] ? 'parent' : 'ancestor'} team ${from}`;
      for (const id of members) {
        const m = usersBySlug.get(slug)?.get(id);
        const a = account(
          m?.login ?? id,
          { kind: m?.type === 'Bot' ? 'bot' : 'human', status: 'active' },
          'member',
          m?.id,
        );
        addGrant({
          account: a.id,
          resource: full,
          permission,
          via: 'team',
          viaName: slug,
          evidence: [through, ...unsure, ...custom.evidence],
          attributes: {
            ...(r ? repoAttributes(r, a.id) : tr.topics?.length ? { topics: [...tr.topics].sort() } : {}),
            ...(basePermission ? { basePermission } : {}),
            ...(from === slug ? {} : { inheritedFrom: from }),
            ...(maybeDirect.length > 0 ? { possiblyDirectIn: maybeDirect } : {}),
            ...custom.attributes,
          },
        });
      }
    }
  }

  // A private organisation secret reaches private and internal repositories only: the public ones
  // it does not reach are kept with it, so offboarding does not count write on one as reading it.
  const publicRepos = facts.repos
    .filter((r) => r.repo.visibility === 'public' || (r.repo.visibility === undefined && r.repo.private === false))
    .map((r) => r.repo.full_name)
    .sort();
  for (const s of facts.orgSecrets ?? []) {
    const record = secret(target, org, s);
    if (s.visibility === 'private') record.attributes = { ...record.attributes, publicRepositories: publicRepos };
    secrets.push(record);
  }

  for (const g of facts.patGrants ?? []) {
    const owner = g.owner.login.toLowerCase();
    const expires = g.token_expires_at ?? undefined;
    const expired = g.token_expired || (expires !== undefined && Date.parse(expires) <= now.getTime());
    credentials.push({
      system: SYSTEM,
      target,
      account: owner,
      kind: 'pat',
      id: `fine-grained-pat:${g.token_id}`,
      ...(g.access_granted_at ? { createdAt: g.access_granted_at } : {}),
      ...(g.token_last_used_at ? { lastUsedAt: g.token_last_used_at } : {}),
      ...(expires ? { expiresAt: expires } : {}),
      active: !expired,
      attributes: {
        tokenName: g.token_name,
        repositorySelection: g.repository_selection,
        permissions: patPermissions(g.permissions),
      },
    });
  }

  for (const r of facts.orgRoles ?? []) {
    // How each holder holds the role: assigned it (GitHub's direct or mixed), and through the team
    // they are in themselves, which is the role's team or one of its child teams (GitHub counts
    // their members). Both at once (mixed) need both taken away.
    const holds = new Map<string, RoleHold>();
    const hold = (id: string): RoleHold => {
      const known = holds.get(id);
      if (known) return known;
      const h: RoleHold = { assigned: false };
      holds.set(id, h);
      return h;
    };
    const namedTeams = new Map<string, string[]>();
    for (const u of r.users) {
      const id = u.login.toLowerCase();
      if (u.assignment !== 'indirect') hold(id).assigned = true;
      else hold(id);
      if (u.assignment !== 'direct') namedTeams.set(id, u.teams);
    }
    for (const slug of r.teams)
      for (const m of teamMembers.get(slug) ?? []) {
        const h = hold(m);
        if (h.team) continue;
        const team = memberTeam(teams, slug, m) ?? slug;
        h.team = team;
        if (team === slug) h.how = `a member of team ${slug}, which has the role`;
        else {
          h.how = `a member of team ${team}, under team ${slug}, which has the role`;
          h.heldBy = slug;
          h.maybe = possiblyDirectIn(teams, team, slug);
        }
      }
    // Through a team the teams' listings do not show: the one GitHub names.
    for (const [id, slugs] of namedTeams) {
      const h = hold(id);
      const slug = slugs[0];
      if (!h.team && slug) {
        h.team = slug;
        h.how = `a member of team ${slug}, which has the role`;
      }
    }
    const reach = orgRoleReach(r.role);
    // A role with no repository role and no power over the organisation (audit logs, billing)
    // reaches no repository.
    if (reach === undefined) continue;
    const permission = reach.level;
    const raised =
      reach.raisedBy.length > 0
        ? [
            `${reach.raisedBy.join(', ')} reach${reach.raisedBy.length === 1 ? 'es' : ''} ${permission}${r.role.base_role ? ', beyond its base role' : ''}`,
          ]
        : [];
    for (const [id, { assigned, how, team, heldBy, maybe }] of [...holds.entries()].sort()) {
      if (!accounts.has(id)) continue; // only members hold organisation roles; an unknown login is not ours
      const assignment = assigned && team ? 'mixed' : assigned ? 'direct' : 'indirect';
      const held =
        assignment === 'mixed'
          ? `assigned the organization role, and ${how}`
          : assignment === 'direct'
            ? 'assigned the organization role'
            : (how ?? 'holds the organization role through a team GitHub does not name');
      addGrant({
        account: id,
        resource: `${org}/*`,
        permission,
        via: 'org-role',
        viaName: `organization role ${r.role.name}`,
        evidence: [
          `${held}: ${r.role.name} in ${org}: ${r.role.base_role ? `${r.role.base_role} on every repository` : 'no repository role'}${r.role.permissions.length > 0 ? `, and ${r.role.permissions.join(', ')}` : ''}`,
          ...raised,
        ],
        attributes: {
          ...orgWideAttributes(id),
          orgRole: r.role.name,
          orgRoleId: r.role.id,
          orgRolePermissions: [...r.role.permissions].sort(),
          orgRoleAssignment: assignment,
          ...(team ? { orgRoleTeam: team } : {}),
          ...(heldBy ? { orgRoleHeldBy: heldBy } : {}),
          ...(maybe && maybe.length > 0 ? { possiblyDirectIn: maybe } : {}),
        },
      });
    }
  }

  // An enterprise owner can make themselves an owner of this organisation whenever they like.
  for (const owner of facts.enterpriseOwners ?? []) {
    const id = owner.login.toLowerCase();
    if (ownerIds.has(id)) continue; // already an owner here: that grant says it all
    const a = account(
      owner.login,
      { kind: 'human', status: 'active', ...(accounts.has(id) ? {} : { role: 'enterprise-owner' }) },
      'enterprise-owner',
    );
    addGrant({
      account: a.id,
      resource: org,
      permission: 'owner',
      via: 'org-role',
      viaName: 'enterprise owner',
      evidence: [
        `owner of the enterprise ${org} belongs to (in ${org}: ${owner.organizationRole === 'UNAFFILIATED' ? 'not a member' : owner.organizationRole === 'DIRECT_MEMBER' ? 'a member' : 'an owner'}): can make themselves an owner of ${org} at any time`,
      ],
      attributes: { ...orgWideAttributes(a.id), enterpriseOwner: true },
    });
  }

  for (const app of facts.apps ?? []) appRecords(app, org, target, facts, accounts, addGrant, orgWideAttributes);

  return {
    accounts: [...accounts.values()].sort((a, b) => compare(a.id, b.id)),
    grants: [...grants.values()].sort(
      (a, b) =>
        compare(a.account, b.account) ||
        compare(a.resource, b.resource) ||
        compare(a.permission, b.permission) ||
        compare(a.via, b.via) ||
        compare(a.viaName ?? '', b.viaName ?? ''),
    ),
    credentials: credentials.sort((a, b) => compare(a.account, b.account) || compare(a.id, b.id)),
    secrets: secrets.sort((a, b) => compare(a.resource, b.resource) || compare(a.name, b.name)),
  };
}

/** How one member holds an organisation role: assigned it, through a team, or both. */
interface RoleHold {
  assigned: boolean;
  /** The team they are in themselves that gives it, and how that reads. */
  team?: string;
  how?: string;
  /** The role's own team, when `team` is one of its child teams. */
  heldBy?: string;
  maybe?: string[];
}

/** What an organisation role amounts to on every repository (custom-roles.ts judges it). */
export function orgRolePermission(role: ApiOrgRole): Level | undefined {
  return orgRoleReach(role)?.level;
}

/** Permissions that administer: the repository's settings, or the organisation's members and settings. */
const ADMIN_PERMISSIONS = new Set(['administration', 'members', 'organization_administration', 'organization_secrets']);

/** Permissions whose write changes nothing anyone else relies on: they stay read. */
const HARMLESS_WRITE_PERMISSIONS = new Set(['issues', 'metadata', 'discussions', 'emails', 'followers', 'starring']);

/**
 * The level an app's permissions amount to on the repositories it is installed on. A write this
 * table does not know (single_file, dependabot_secrets, a permission GitHub adds later) counts as
 * write: overstating access is safer than hiding it, as for custom repository roles.
 */
export function appPermission(permissions: Readonly<Record<string, string>>): 'admin' | 'write' | 'read' {
  const entries = Object.entries(permissions);
  const writes = (level: string) => level === 'write' || level === 'admin';
  if (entries.some(([name, level]) => ADMIN_PERMISSIONS.has(name) && writes(level))) return 'admin';
  if (entries.some(([name, level]) => !HARMLESS_WRITE_PERMISSIONS.has(name) && writes(level))) return 'write';
  return 'read';
}

/**
 * A GitHub App installation: an identity of its own with the installation's permissions on the
 * repositories it may reach. An app another owner made is an outside identity, like an outside
 * collaborator; the organisation's own apps are its bots.
 */
function appRecords(
  app: AppFacts,
  org: string,
  target: string,
  facts: OrgFacts,
  accounts: Map<string, Account>,
  addGrant: (g: Omit<Grant, 'system' | 'target' | 'lanes' | 'level'>) => void,
  orgWideAttributes: (accountId: string) => Attributes,
): void {
  const { installation } = app;
  const id = `app:${installation.app_slug.toLowerCase()}`;
  const outside = app.owner === undefined || app.owner.toLowerCase() !== org.toLowerCase();
  const permissions = Object.entries(installation.permissions)
    .map(([name, level]) => `${name}:${level}`)
    .sort();
  const ownerText = app.owner ? `owned by ${app.owner}` : 'its owner not shown (a private app of another owner)';
  accounts.set(id, {
    system: SYSTEM,
    target,
    id,
    login: installation.app_slug,
    displayName: `GitHub App "${app.name}" (${ownerText})`,
    emails: [],
    kind: outside ? 'external' : 'bot',
    status: installation.suspended_at ? 'suspended' : 'active',
    role: 'app-installation',
    ...(installation.created_at ? { createdAt: installation.created_at } : {}),
    attributes: {
      affiliation: 'app-installation',
      installationId: installation.id,
      appOwner: app.owner ?? null,
      ...(app.ownerType ? { appOwnerType: app.ownerType } : {}),
      repositorySelection: installation.repository_selection,
      permissions,
    },
  });
  const permission = appPermission(installation.permissions);
  // The organisation's token cannot list an installation's selected repositories (only the
  // installation itself may): judged as all of them, and said so.
  const selected =
    installation.repository_selection === 'selected'
      ? ['installed on selected repositories, which only the installation itself may list: judged as all of them']
      : [];
  addGrant({
    account: id,
    resource: `${org}/*`,
    permission,
    via: 'direct',
    viaName: 'app installation',
    evidence: [
      `GitHub App ${installation.app_slug} (${ownerText}) installed on ${installation.repository_selection === 'all' ? `all ${facts.repos.length} repositories` : 'selected repositories'} with ${permissions.join(', ') || 'no permissions'}`,
      ...selected,
    ],
    attributes: orgWideAttributes(id),
  });
}

const RANKS = ['read', 'triage', 'write', 'maintain', 'admin'];

/** The rank of a team's permission on a repository, by what it may do (a custom role by its base). */
function permissionRank(permissions: ApiPermissions): number {
  return RANKS.indexOf(permissionOf(undefined, permissions).permission);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A secret record; an organisation secret carries its visibility (all, private or selected) in
 * `attributes.visibility`, which its rotation must send again: `gh secret set` sends private when
 * told nothing, and so would change who may read it.
 */
export type GithubSecret = Secret & { attributes?: Attributes };

function secret(
  target: string,
  resource: string,
  s: { name: string; created_at?: string; updated_at?: string; visibility?: string },
): GithubSecret {
  return {
    system: SYSTEM,
    target,
    resource,
    name: s.name,
    ...(s.created_at ? { createdAt: s.created_at } : {}),
    ...(s.updated_at ? { updatedAt: s.updated_at } : {}),
    ...(s.visibility ? { attributes: { visibility: s.visibility } } : {}),
  };
}

interface CustomRoleFacts {
  evidence: string[];
  attributes: Attributes;
}

const NOT_CUSTOM: CustomRoleFacts = { evidence: [], attributes: {} };

/**
 * What each custom repository role adds to its base role, by lower-cased name, when the
 * organisation's definitions were read: the level its fine-grained permissions reach (classify.ts
 * prefers it), and why. Judged once per role, not once per grant.
 */
function customRoleIndex(roles: OrgFacts['customRepoRoles']): Map<string, CustomRoleFacts> {
  const index = new Map<string, CustomRoleFacts>();
  for (const role of roles ?? []) {
    const { level, raisedBy } = customRoleReach(role);
    const permissions = [...role.permissions].sort();
    const adds = permissions.length > 0 ? `, adding ${permissions.join(', ')}` : '';
    const evidence = [`${role.name} is a custom repository role: ${role.base_role}${adds}`];
    if (raisedBy.length > 0)
      evidence.push(`${raisedBy.join(', ')} reach${raisedBy.length === 1 ? 'es' : ''} ${level}, beyond its base role`);
    index.set(role.name.toLowerCase(), {
      evidence,
      attributes: { customRoleLevel: level, customRolePermissions: permissions },
    });
  }
  return index;
}

/**
 * GitHub's role name for a grant (read, triage, write, maintain, admin, or a custom role).
 * A custom role also records the base role its permissions amount to, for classify().
 */
export function permissionOf(
  roleName: string | undefined,
  permissions: ApiPermissions,
): { permission: string; basePermission?: string } {
  const base = permissions?.admin
    ? 'admin'
    : permissions?.maintain
      ? 'maintain'
      : permissions?.push
        ? 'write'
        : permissions?.triage
          ? 'triage'
          : 'read';
  if (!roleName) return { permission: base };
  if (BASE_ROLES.has(roleName)) return { permission: roleName };
  return { permission: roleName, basePermission: base };
}

function patPermissions(
  p: { organization?: Record<string, string>; repository?: Record<string, string> } | undefined,
): string[] {
  const out: string[] = [];
  for (const [scope, perms] of Object.entries(p ?? {})) {
    for (const [name, level] of Object.entries(perms ?? {})) out.push(`${scope}.${name}:${level}`);
  }
  return out.sort();
}

/** A repository's environments as deployment gates: what does not depend on who deploys, once. */
interface EnvironmentGates {
  names: string[];
  /** Environments without required reviewers: anyone who can deploy passes them. */
  open: string[];
  /** Environments whose required reviewers may approve their own deployments. */
  selfReviewed: SelfReviewedGate[];
  production: boolean;
  productionReviewers: string[];
}

interface SelfReviewedGate {
  name: string;
  logins: ReadonlySet<string>;
  teams: readonly string[];
}

const NO_GATES: EnvironmentGates = {
  names: [],
  open: [],
  selfReviewed: [],
  production: false,
  productionReviewers: [],
};

function environmentGates(environments: readonly ApiEnvironment[], lanes: GithubLanes): EnvironmentGates {
  if (environments.length === 0) return NO_GATES;
  const open: string[] = [];
  const selfReviewed: SelfReviewedGate[] = [];
  for (const env of environments) {
    const review = env.protection_rules?.find((r) => r.type === 'required_reviewers');
    const reviewers = review?.reviewers ?? [];
    if (reviewers.length === 0) open.push(env.name);
    else if (!review?.prevent_self_review)
      selfReviewed.push({
        name: env.name,
        logins: new Set(reviewers.flatMap((rv) => (rv.reviewer?.login ? [rv.reviewer.login.toLowerCase()] : []))),
        teams: reviewers.flatMap((rv) => (rv.reviewer?.login || !rv.reviewer?.slug ? [] : [rv.reviewer.slug])),
      });
  }
  const production = environments.filter((e) => isProductionEnvironment(e.name, lanes));
  const productionReviewers = new Set<string>();
  for (const env of production) {
    for (const rule of env.protection_rules ?? []) {
      for (const rv of rule.reviewers ?? []) {
        if (rv.reviewer?.login) productionReviewers.add(rv.reviewer.login);
        else if (rv.reviewer?.slug) productionReviewers.add(`team:${rv.reviewer.slug}`);
      }
    }
  }
  return {
    names: environments.map((e) => e.name).sort(),
    open,
    selfReviewed,
    production: production.length > 0,
    productionReviewers: [...productionReviewers].sort(),
  };
}

/** Self-review allowed and this account is one of the reviewers (or in a reviewing team): it approves itself. */
function canReview(gate: SelfReviewedGate, accountId: string, teamMembers: ReadonlyMap<string, Set<string>>): boolean {
  return gate.logins.has(accountId) || gate.teams.some((slug) => teamMembers.get(slug)?.has(accountId) ?? false);
}

/** Environments with no required reviewers, or whose only gate this account can pass itself. */
function unreviewedEnvironments(
  gates: EnvironmentGates,
  accountId: string,
  teamMembers: ReadonlyMap<string, Set<string>>,
): string[] {
  return [
    ...gates.open,
    ...gates.selfReviewed.filter((gate) => canReview(gate, accountId, teamMembers)).map((gate) => gate.name),
  ].sort();
}

function environmentAttributes(
  gates: EnvironmentGates,
  accountId: string,
  lanes: GithubLanes,
  teamMembers: ReadonlyMap<string, Set<string>>,
): Attributes {
  if (gates.names.length === 0) return {};
  // Names of environments this account can deploy to with nobody else's approval.
  const unreviewed = unreviewedEnvironments(gates, accountId, teamMembers);
  return {
    environments: gates.names,
    unreviewedEnvironments: unreviewed,
    productionEnvironment: gates.production,
    productionReviewers: gates.productionReviewers,
    unreviewedProductionDeploy: unreviewed.some((name) => isProductionEnvironment(name, lanes)),
  };
}
