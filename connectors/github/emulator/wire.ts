// GitHub's JSON shapes, built from scenario records: every field GitHub's OpenAPI description
// requires, with URLs under the emulator's own base so a client that follows one stays local.
// test/connectors/github/contract.test.ts validates these against @octokit/openapi.
import type { GithubScenario, RepoPermission, ScenarioRepo, ScenarioTeam, ScenarioUser } from './scenario.js';

type Json = Record<string, unknown>;

export interface WireContext {
  /** The emulator's base URL (API root). */
  base: string;
  org: GithubScenario['org'];
  /** When the scenario does not say: the emulator's clock. */
  now: string;
}

/** GitHub's legacy global node id: base64 of "<len>:<Type><id>". */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

export function simpleUser(user: ScenarioUser & { id: number }, w: WireContext): Json {
  const u = `${w.base}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId('User', user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: u,
    html_url: `https://github.com/${user.login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: user.type,
    site_admin: false,
    user_view_type: 'public',
  };
}

export function organizationFull(
  w: WireContext,
  counts: { publicRepos: number; privateRepos: number },
  plan: string,
): Json {
  const { org, base } = w;
  const o = `${base}/orgs/${org.login}`;
  const created = org.createdAt ?? w.now;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId('Organization', org.id),
    url: o,
    repos_url: `${o}/repos`,
    events_url: `${o}/events`,
    hooks_url: `${o}/hooks`,
    issues_url: `${o}/issues`,
    members_url: `${o}/members{/member}`,
    public_members_url: `${o}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: null,
    name: org.name ?? org.login,
    twitter_username: null,
    is_verified: true,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: counts.publicRepos,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `https://github.com/${org.login}`,
    type: 'Organization',
    total_private_repos: counts.privateRepos,
    owned_private_repos: counts.privateRepos,
    private_gists: 0,
    collaborators: 0,
    default_repository_permission: org.defaultRepositoryPermission,
    two_factor_requirement_enabled: org.twoFactorRequirementEnabled,
    members_can_create_repositories: false,
    plan: { name: plan, space: 976562499, private_repos: 9999, filled_seats: 0, seats: 0 },
    created_at: created,
    updated_at: created,
    archived_at: null,
  };
}

/** What `organization-full` adds to the organization anyone may see: shown to owners only. */
const FULL_DETAILS = [
  'total_private_repos',
  'owned_private_repos',
  'private_gists',
  'collaborators',
  'default_repository_permission',
  'two_factor_requirement_enabled',
  'members_can_create_repositories',
  'plan',
] as const;

/** The organization as GitHub shows it to a member, or to a classic token without `admin:org`. */
export function withoutFullDetails(full: Json): Json {
  const out = { ...full };
  for (const key of FULL_DETAILS) delete out[key];
  return out;
}

export interface RepoAccess {
  permissions: Record<'admin' | 'maintain' | 'push' | 'triage' | 'pull', boolean>;
  role_name: string;
}

const PERMISSION_ORDER: readonly RepoPermission[] = ['pull', 'triage', 'push', 'maintain', 'admin'];
/** GitHub's role names, as role_name answers them. */
const ROLE_NAME: Readonly<Record<RepoPermission, string>> = {
  pull: 'read',
  triage: 'triage',
  push: 'write',
  maintain: 'maintain',
  admin: 'admin',
};

export function highestPermission(permissions: Iterable<RepoPermission>): RepoPermission | undefined {
  let best = -1;
  for (const p of permissions) best = Math.max(best, PERMISSION_ORDER.indexOf(p));
  return best < 0 ? undefined : PERMISSION_ORDER[best];
}

/** What REST answers for a permission; a custom role is named by role_name, its base in the booleans. */
export function repoAccess(permission: RepoPermission, customRole?: string): RepoAccess {
  const rank = PERMISSION_ORDER.indexOf(permission);
  return {
    permissions: {
      admin: rank >= 4,
      maintain: rank >= 3,
      push: rank >= 2,
      triage: rank >= 1,
      pull: rank >= 0,
    },
    role_name: customRole ?? ROLE_NAME[permission],
  };
}

export function minimalRepository(
  repo: ScenarioRepo & { id: number },
  owner: Json,
  w: WireContext,
  access?: RepoAccess,
): Json {
  const full = `${w.org.login}/${repo.name}`;
  const r = `${w.base}/repos/${full}`;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: full,
    owner,
    private: repo.private || repo.internal,
    html_url: `https://github.com/${full}`,
    description: repo.description ?? null,
    fork: false,
    url: r,
    archive_url: `${r}/{archive_format}{/ref}`,
    assignees_url: `${r}/assignees{/user}`,
    blobs_url: `${r}/git/blobs{/sha}`,
    branches_url: `${r}/branches{/branch}`,
    collaborators_url: `${r}/collaborators{/collaborator}`,
    comments_url: `${r}/comments{/number}`,
    commits_url: `${r}/commits{/sha}`,
    compare_url: `${r}/compare/{base}...{head}`,
    contents_url: `${r}/contents/{+path}`,
    contributors_url: `${r}/contributors`,
    deployments_url: `${r}/deployments`,
    downloads_url: `${r}/downloads`,
    events_url: `${r}/events`,
    forks_url: `${r}/forks`,
    git_commits_url: `${r}/git/commits{/sha}`,
    git_refs_url: `${r}/git/refs{/sha}`,
    git_tags_url: `${r}/git/tags{/sha}`,
    issue_comment_url: `${r}/issues/comments{/number}`,
    issue_events_url: `${r}/issues/events{/number}`,
    issues_url: `${r}/issues{/number}`,
    keys_url: `${r}/keys{/key_id}`,
    labels_url: `${r}/labels{/name}`,
    languages_url: `${r}/languages`,
    merges_url: `${r}/merges`,
    milestones_url: `${r}/milestones{/number}`,
    notifications_url: `${r}/notifications{?since,all,participating}`,
    pulls_url: `${r}/pulls{/number}`,
    releases_url: `${r}/releases{/id}`,
    stargazers_url: `${r}/stargazers`,
    statuses_url: `${r}/statuses/{sha}`,
    subscribers_url: `${r}/subscribers`,
    subscription_url: `${r}/subscription`,
    tags_url: `${r}/tags`,
    teams_url: `${r}/teams`,
    trees_url: `${r}/git/trees{/sha}`,
    hooks_url: `${r}/hooks`,
    archived: repo.archived,
    disabled: false,
    visibility: repo.internal ? 'internal' : repo.private ? 'private' : 'public',
    topics: repo.topics,
    ...(access ? { permissions: access.permissions, role_name: access.role_name } : {}),
  };
}

function teamBase(team: ScenarioTeam & { id: number }, w: WireContext): Json {
  const t = `${w.base}/organizations/${w.org.id}/team/${team.id}`;
  return {
    id: team.id,
    node_id: nodeId('Team', team.id),
    url: t,
    html_url: `https://github.com/orgs/${w.org.login}/teams/${team.slug}`,
    name: team.name ?? team.slug,
    slug: team.slug,
    description: team.description ?? null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${t}/members{/member}`,
    repositories_url: `${t}/repos`,
    type: 'organization',
    organization_id: w.org.id,
  };
}

/**
 * A holder of an organisation role as GitHub lists them: assigned it (direct), through teams only
 * (indirect), or both (mixed); `inherited_from` names the teams (team-simple) it comes through.
 */
export function roleUser(
  user: Json,
  assigned: boolean,
  through: readonly (ScenarioTeam & { id: number })[],
  w: WireContext,
): Json {
  const assignment = assigned ? (through.length > 0 ? 'mixed' : 'direct') : 'indirect';
  return {
    ...user,
    assignment,
    ...(through.length > 0 ? { inherited_from: through.map((t) => teamBase(t, w)) } : {}),
  };
}

export function team(
  t: ScenarioTeam & { id: number },
  parent: (ScenarioTeam & { id: number }) | undefined,
  w: WireContext,
): Json {
  return { ...teamBase(t, w), parent: parent ? teamBase(parent, w) : null };
}

export function invitation(inv: GithubScenario['invitations'][number], inviter: Json, w: WireContext): Json {
  return {
    id: inv.id,
    node_id: nodeId('OrganizationInvitation', inv.id),
    login: inv.login ?? null,
    email: inv.email ?? null,
    role: inv.role,
    created_at: inv.createdAt,
    failed_at: null,
    failed_reason: null,
    inviter,
    team_count: 0,
    invitation_teams_url: `${w.base}/organizations/${w.org.id}/invitations/${inv.id}/teams`,
    invitation_source: 'member',
  };
}

export function deployKey(repo: ScenarioRepo, key: ScenarioRepo['deployKeys'][number], w: WireContext): Json {
  return {
    id: key.id,
    // A well-formed public key: the emulator never holds anything secret.
    key: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${String(key.id).padStart(8, '0')}lanekeeperEmulatorKey`,
    url: `${w.base}/repos/${w.org.login}/${repo.name}/keys/${key.id}`,
    title: key.title,
    verified: true,
    created_at: key.createdAt,
    read_only: key.readOnly,
    added_by: key.addedBy ?? null,
    last_used: key.lastUsed ?? null,
    enabled: key.enabled,
  };
}

export function patGrant(grant: NonNullable<GithubScenario['patGrants']>[number], owner: Json, w: WireContext): Json {
  return {
    id: grant.id,
    owner,
    repository_selection: grant.repositorySelection,
    repositories_url: `${w.base}/organizations/${w.org.id}/personal-access-tokens/${grant.id}/repositories`,
    permissions: { organization: grant.permissions.organization, repository: grant.permissions.repository, other: {} },
    access_granted_at: grant.accessGrantedAt,
    token_id: grant.tokenId,
    token_name: grant.tokenName,
    token_expired: grant.tokenExpired,
    token_expires_at: grant.tokenExpiresAt,
    token_last_used_at: grant.tokenLastUsedAt,
  };
}

type ScenarioOrgRole = NonNullable<GithubScenario['organizationRoles']>[number];

export function organizationRole(r: ScenarioOrgRole, organization: Json, w: WireContext): Json {
  return {
    id: r.id,
    name: r.name,
    description: r.description ?? null,
    base_role: r.baseRole,
    source: r.source,
    permissions: r.permissions,
    organization,
    created_at: w.now,
    updated_at: w.now,
  };
}

type ScenarioCustomRepoRole = NonNullable<GithubScenario['customRepositoryRoles']>[number];

/** A custom repository role as `GET /orgs/{org}/custom-repository-roles` lists it (Enterprise Cloud). */
export function customRepositoryRole(r: ScenarioCustomRepoRole, organization: Json): Json {
  return {
    id: r.id,
    name: r.name,
    description: r.description ?? null,
    base_role: r.baseRole,
    permissions: r.permissions,
    organization,
    created_at: '2026-01-05T10:00:00Z',
    updated_at: '2026-01-05T10:00:00Z',
  };
}

type ScenarioInstallation = NonNullable<GithubScenario['installations']>[number];

/** An installation as `GET /orgs/{org}/installations` lists it. */
export function installation(i: ScenarioInstallation, account: Json, w: WireContext): Json {
  return {
    id: i.id,
    account,
    repository_selection: i.repositorySelection,
    access_tokens_url: `${w.base}/app/installations/${i.id}/access_tokens`,
    repositories_url: `${w.base}/installation/repositories`,
    html_url: `https://github.com/organizations/${w.org.login}/settings/installations/${i.id}`,
    app_id: i.appId,
    client_id: `Iv1.${String(i.appId).padStart(16, '0')}`,
    target_id: w.org.id,
    target_type: 'Organization',
    permissions: i.permissions,
    events: [],
    created_at: i.createdAt,
    updated_at: i.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    app_slug: i.appSlug,
    suspended_by: null,
    suspended_at: i.suspendedAt,
  };
}

/** The app behind an installation, as `GET /apps/{app_slug}` shows it. */
export function integration(i: ScenarioInstallation, owner: Json): Json {
  return {
    id: i.appId,
    slug: i.appSlug,
    node_id: nodeId('Integration', i.appId),
    client_id: `Iv1.${String(i.appId).padStart(16, '0')}`,
    owner,
    name: i.appName,
    description: null,
    external_url: `https://${i.appSlug}.example`,
    html_url: `https://github.com/apps/${i.appSlug}`,
    created_at: i.createdAt,
    updated_at: i.createdAt,
    permissions: i.permissions,
    events: [],
  };
}

export function orgSecret(secret: NonNullable<GithubScenario['orgSecrets']>[number], w: WireContext): Json {
  return {
    name: secret.name,
    created_at: secret.createdAt,
    updated_at: secret.updatedAt,
    visibility: secret.visibility,
    ...(secret.visibility === 'selected'
      ? { selected_repositories_url: `${w.base}/orgs/${w.org.login}/actions/secrets/${secret.name}/repositories` }
      : {}),
  };
}

export function repoSecret(secret: ScenarioRepo['secrets'][number]): Json {
  return { name: secret.name, created_at: secret.createdAt, updated_at: secret.updatedAt };
}

export function environment(
  repo: ScenarioRepo,
  env: ScenarioRepo['environments'][number],
  id: number,
  reviewers: Json[],
  w: WireContext,
): Json {
  const rules: Json[] = [];
  if (env.waitTimer !== undefined) {
    rules.push({
      id: id * 10 + 1,
      node_id: nodeId('Gate', id * 10 + 1),
      type: 'wait_timer',
      wait_timer: env.waitTimer,
    });
  }
  if (reviewers.length > 0) {
    rules.push({
      id: id * 10 + 2,
      node_id: nodeId('Gate', id * 10 + 2),
      type: 'required_reviewers',
      prevent_self_review: env.preventSelfReview,
      reviewers,
    });
  }
  const created = env.createdAt ?? w.now;
  return {
    id,
    node_id: nodeId('Environment', id),
    name: env.name,
    url: `${w.base}/repos/${w.org.login}/${repo.name}/environments/${encodeURIComponent(env.name)}`,
    html_url: `https://github.com/${w.org.login}/${repo.name}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
    created_at: created,
    updated_at: created,
    protection_rules: rules,
    deployment_branch_policy: null,
  };
}
