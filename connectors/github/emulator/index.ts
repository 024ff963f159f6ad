// The GitHub sandbox: a scenario served over GitHub's REST wire format (Link-header paging,
// x-ratelimit headers, GitHub's error bodies) plus the few GraphQL queries the collector sends.
// It is not a GraphQL engine: it recognises our queries by the fields they ask for and answers
// with GitHub's response shape and cursor paging.
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import type { EmulatorOptions, FaultKind, RunningEmulator } from '../../../src/core/connector.js';
import {
  type EmulatorRequest,
  type EmulatorResponse,
  matchPath,
  type Route,
  startHttpEmulator,
} from '../../../src/core/emulator-kit.js';
import { GITHUB_AUTH_OPERATIONS, GITHUB_OPERATIONS, splitOperation } from '../operations.js';
import type { GithubScenario, RepoPermission, ScenarioRepo, ScenarioTeam, ScenarioUser } from './scenario.js';
import * as wire from './wire.js';

export const SANDBOX_TOKEN_ENV = 'LANEKEEPER_SANDBOX_GITHUB_TOKEN';
/** GitHub's largest page. */
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 30;
const DEFAULT_RATE_LIMIT = 5000;

type User = ScenarioUser & { id: number };
type Repo = ScenarioRepo & { id: number };
type Team = ScenarioTeam & { id: number };

/** The scenario indexed the way GitHub's answers need it. */
class OrgModel {
  readonly users = new Map<string, User>();
  readonly members = new Map<string, 'admin' | 'member'>();
  readonly repos: Repo[];
  readonly teams: Team[];
  private readonly repoByName = new Map<string, Repo>();
  readonly repoByNode = new Map<string, Repo>();
  readonly teamByNode = new Map<string, Team>();
  private readonly teamRepoCache = new Map<Team, { repo: Repo; permission: RepoPermission }[]>();
  /** Per member login: the highest permission any of their teams gives, per repo. */
  private teamPermissionCache?: Map<string, Map<Repo, RepoPermission[]>>;

  constructor(readonly scenario: GithubScenario) {
    scenario.users.forEach((u, i) => {
      this.users.set(u.login.toLowerCase(), { ...u, id: u.id ?? 5000 + i });
    });
    for (const m of scenario.members) this.members.set(m.login.toLowerCase(), m.role);
    this.repos = scenario.repos.map((r, i) => ({ ...r, id: 700_000 + i }));
    this.teams = scenario.teams.map((t, i) => ({ ...t, id: 90_000 + i }));
    // The first of equal names wins, as find() did.
    for (const r of [...this.repos].reverse()) this.repoByName.set(r.name.toLowerCase(), r);
    for (const r of this.repos) this.repoByNode.set(wire.nodeId('Repository', r.id), r);
    for (const t of this.teams) this.teamByNode.set(wire.nodeId('Team', t.id), t);
  }

  user(login: string): User {
    const u = this.users.get(login.toLowerCase());
    if (!u) throw new Error(`scenario names unknown user ${login}`);
    return u;
  }

  repo(name: string): Repo | undefined {
    return this.repoByName.get(name.toLowerCase());
  }

  team(slug: string): Team | undefined {
    return this.teams.find((t) => t.slug === slug);
  }

  /** Users with direct access to some repo who are not members, in the scenario's user order. */
  outsideCollaborators(): User[] {
    const direct = new Set(this.repos.flatMap((r) => r.collaborators.map((c) => c.login.toLowerCase())));
    return [...this.users.values()].filter((u) => direct.has(u.login.toLowerCase()) && !this.isMember(u.login));
  }

  isMember(login: string): boolean {
    return this.members.has(login.toLowerCase());
  }

  /** A team and the teams above it: a child team inherits its parents' repository access. */
  private lineage(team: Team): Team[] {
    const out: Team[] = [];
    let current: Team | undefined = team;
    while (current && !out.includes(current)) {
      out.push(current);
      current = current.parent ? this.team(current.parent) : undefined;
    }
    return out;
  }

  /** The custom role a team's own entry gives it on a repo, when that entry is its highest permission there. */
  teamCustomRole(team: Team, repo: Repo, permission: RepoPermission): string | undefined {
    return team.repos.find((tr) => tr.repo === repo.name && tr.permission === permission)?.role;
  }

  teamRepos(team: Team): { repo: Repo; permission: RepoPermission }[] {
    // Memoised: the benchmark's organisations ask this for thousands of repositories.
    let cached = this.teamRepoCache.get(team);
    if (!cached) {
      cached = this.computeTeamRepos(team);
      this.teamRepoCache.set(team, cached);
    }
    return cached;
  }

  private computeTeamRepos(team: Team): { repo: Repo; permission: RepoPermission }[] {
    const best = new Map<Repo, RepoPermission[]>();
    for (const t of this.lineage(team)) {
      for (const tr of t.repos) {
        const repo = this.repo(tr.repo);
        if (repo) best.set(repo, [...(best.get(repo) ?? []), tr.permission]);
      }
    }
    return this.repos.flatMap((repo) => {
      const permission = wire.highestPermission(best.get(repo) ?? []);
      return permission ? [{ repo, permission }] : [];
    });
  }

  /**
   * Members of a team and of its child teams, as GitHub lists them (REST, and GraphQL's default
   * membership ALL); IMMEDIATE: the team's own members; CHILD_TEAM: its child teams' members.
   */
  teamMembers(team: Team, membership: 'ALL' | 'IMMEDIATE' | 'CHILD_TEAM' = 'ALL'): User[] {
    const logins = new Set<string>();
    for (const t of this.teams) {
      const own = t === team;
      if (membership === 'IMMEDIATE' ? !own : membership === 'CHILD_TEAM' ? own : false) continue;
      if (this.lineage(t).includes(team)) for (const m of t.members) logins.add(m.toLowerCase());
    }
    return [...this.users.values()].filter((u) => logins.has(u.login.toLowerCase()));
  }

  /** The highest permission a user holds on a repo from any source: what role_name reports. */
  effectivePermission(login: string, repo: Repo): RepoPermission | undefined {
    const key = login.toLowerCase();
    const held: RepoPermission[] = [];
    for (const c of repo.collaborators) if (c.login.toLowerCase() === key) held.push(c.permission);
    const role = this.members.get(key);
    if (role === 'admin') held.push('admin');
    if (role) {
      const base = BASE_TO_PERMISSION[this.scenario.org.defaultRepositoryPermission];
      if (base) held.push(base);
      held.push(...(this.teamPermissions().get(key)?.get(repo) ?? []));
    }
    return wire.highestPermission(held);
  }

  private teamPermissions(): Map<string, Map<Repo, RepoPermission[]>> {
    if (this.teamPermissionCache) return this.teamPermissionCache;
    const byLogin = new Map<string, Map<Repo, RepoPermission[]>>();
    for (const team of this.teams) {
      const repos = this.teamRepos(team);
      for (const m of new Set(team.members.map((x) => x.toLowerCase()))) {
        const mine = byLogin.get(m) ?? new Map<Repo, RepoPermission[]>();
        byLogin.set(m, mine);
        for (const tr of repos) mine.set(tr.repo, [...(mine.get(tr.repo) ?? []), tr.permission]);
      }
    }
    this.teamPermissionCache = byLogin;
    return byLogin;
  }
}

const BASE_TO_PERMISSION: Readonly<Record<string, RepoPermission | undefined>> = {
  read: 'pull',
  write: 'push',
  admin: 'admin',
  none: undefined,
};

const ROUTES = [...GITHUB_OPERATIONS, ...GITHUB_AUTH_OPERATIONS].map((operation) => ({
  operation,
  ...splitOperation(operation),
}));

function fakeToken(): string {
  // Shaped like an installation token so the redactor's patterns also catch it.
  return `ghs_${randomBytes(18).toString('hex')}`;
}

export async function startGithubEmulator(
  scenario: GithubScenario,
  options: EmulatorOptions,
): Promise<RunningEmulator> {
  const model = new OrgModel(scenario);
  const token = fakeToken();
  const pageSize = Math.max(1, options.pageSize ?? MAX_PER_PAGE);
  const used: Record<string, number> = { core: 0, graphql: 0 };
  /** A repository the credential reaches: public ones always, the others when selected (or all are). */
  const selected = scenario.selectedRepositories?.map((name) => name.toLowerCase());
  const reachable = (r: Repo) => !selected || !(r.private || r.internal) || selected.includes(r.name.toLowerCase());
  /** The scenario's throttledOnce entries already answered. */
  const throttled = new Set<number>();
  // GitHub's primary budget: enforced only when the options set one (the benchmark, the scale
  // tests); otherwise the headers count down from 5000 as information.
  const hourly = options.rateLimits?.hourly;
  const RATE_LIMIT = hourly ?? DEFAULT_RATE_LIMIT;
  const windowSeconds = options.rateLimits?.hourlyWindowSeconds ?? 3600;
  let windowStart = Date.now();
  const resetAt = () => Math.floor(windowStart / 1000) + windowSeconds;
  // A budget's window that has passed starts afresh, as GitHub's hour does.
  const renewWindow = () => {
    if (Date.now() < windowStart + windowSeconds * 1000) return;
    windowStart = Date.now();
    used.core = 0;
    used.graphql = 0;
  };

  const rateHeaders = (resource: string, remaining?: number): Record<string, string> => {
    used[resource] = (used[resource] ?? 0) + 1;
    return {
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(remaining ?? Math.max(0, RATE_LIMIT - (used[resource] ?? 0))),
      'x-ratelimit-used': String(used[resource]),
      // The throttling plugin compares reset with the real clock, so this uses it too.
      'x-ratelimit-reset': String(
        hourly !== undefined ? resetAt() : Math.floor(Date.now() / 1000) + (remaining === 0 ? 1 : 3600),
      ),
      'x-ratelimit-resource': resource,
    };
  };

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse => ({
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      ...headers,
    },
    body: JSON.stringify(body),
  });

  const error = (status: number, message: string, resource = 'core', extra: Record<string, string> = {}) =>
    json(
      status,
      { message, documentation_url: 'https://docs.github.com/rest', status: String(status) },
      { ...rateHeaders(resource), ...extra },
    );

  // GitHub's conditional GET: every 200 carries an ETag (weak, a digest of the body alone: a list
  // that grew past its old last page keeps that page's ETag); a request whose If-None-Match names
  // the current one is answered 304 with no body, the current Link header, and is not charged.
  const notModifiedWhenUnchanged = (req: EmulatorRequest, response: EmulatorResponse): EmulatorResponse => {
    if (req.method !== 'GET' || response.status !== 200) return response;
    const etag = `W/"${createHash('sha256').update(response.body).digest('hex').slice(0, 32)}"`;
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
    const named = (req.headers['if-none-match'] ?? '').split(',').map(opaque);
    if (!named.includes(opaque(etag))) return { ...response, headers: { ...response.headers, etag } };
    // The answer was counted as it was built; a 304 gives that request back.
    used.core = Math.max(0, (used.core ?? 0) - 1);
    const rate = Object.entries(response.headers ?? {}).filter(([name]) => name.startsWith('x-ratelimit-'));
    return {
      status: 304,
      headers: {
        ...Object.fromEntries(rate),
        etag,
        ...(response.headers?.link ? { link: response.headers.link } : {}),
        'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - (used.core ?? 0))),
        'x-ratelimit-used': String(used.core),
      },
      body: '',
    };
  };

  const answer = (
    req: EmulatorRequest,
    route: Route,
    ctx: { baseUrl: string; fault?: FaultKind },
  ): EmulatorResponse => {
    if (route.operation === 'POST /app/installations/{installation_id}/access_tokens') {
      const app = scenario.app;
      if (!app || Number(route.params.installation_id) !== app.installationId) return error(404, 'Not Found');
      if (!validAppJwt(req, app)) {
        return error(401, "'Expiration time' claim ('exp') is too far in the future, or the JWT could not be verified");
      }
      const expires = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return json(
        201,
        {
          token,
          expires_at: expires,
          permissions: { members: 'read', metadata: 'read' },
          repository_selection: scenario.selectedRepositories ? 'selected' : 'all',
        },
        rateHeaders('core'),
      );
    }
    if (!authorised(req, token)) return error(401, 'Bad credentials');
    const resource = route.operation === 'POST /graphql' ? 'graphql' : 'core';
    renewWindow();
    if (hourly !== undefined && (used[resource] ?? 0) >= hourly) {
      // Past the budget GitHub answers 403 with remaining 0 until the hour's reset.
      return error(403, 'API rate limit exceeded for installation.', resource, {
        'x-ratelimit-remaining': '0',
      });
    }
    const throttle = scenario.throttledOnce.findIndex((t, i) => t.operation === route.operation && !throttled.has(i));
    if (throttle >= 0) {
      throttled.add(throttle);
      return scenario.throttledOnce[throttle]?.answer === 'abuse-detection'
        ? error(
            403,
            'You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.',
            resource,
            { 'retry-after': '1' },
          )
        : error(429, 'Too many requests', resource, { 'retry-after': '1' });
    }
    const w: wire.WireContext = { base: ctx.baseUrl, org: scenario.org, now: options.now.toISOString() };
    const list = (items: unknown[]) => paged(req, items, pageSize, ctx.baseUrl, ctx.fault, rateHeaders('core'), json);
    const orgMismatch =
      route.params.org !== undefined && route.params.org.toLowerCase() !== scenario.org.login.toLowerCase();
    const ownerMismatch =
      route.params.owner !== undefined && route.params.owner.toLowerCase() !== scenario.org.login.toLowerCase();
    if (orgMismatch || ownerMismatch) return error(404, 'Not Found');
    const user = (login: string) => wire.simpleUser(model.user(login), w);
    const repo = route.params.repo !== undefined ? model.repo(route.params.repo) : undefined;
    if (route.params.repo !== undefined && !(repo && reachable(repo))) return error(404, 'Not Found');
    const team = route.params.team_slug !== undefined ? model.team(route.params.team_slug) : undefined;
    if (route.params.team_slug !== undefined && !team) return error(404, 'Not Found');

    switch (route.operation) {
      case 'GET /orgs/{org}': {
        const full = wire.organizationFull(
          w,
          {
            publicRepos: model.repos.filter((r) => !r.private && !r.internal).length,
            privateRepos: model.repos.filter((r) => r.private || r.internal).length,
          },
          scenario.org.plan ?? (scenario.customRepositoryRoles !== undefined ? 'enterprise' : 'free'),
        );
        return json(200, scenario.orgDetailsVisible ? full : wire.withoutFullDetails(full), rateHeaders('core'));
      }
      case 'GET /orgs/{org}/members': {
        const role = req.query.get('role') ?? 'all';
        const filter = req.query.get('filter') ?? 'all';
        if (filter !== 'all' && !scenario.twoFactorVisible) return error(422, 'Only owners can use this filter.');
        const members = scenario.members
          .filter((m) => role === 'all' || m.role === role)
          .map((m) => model.user(m.login))
          .filter((u) => filter !== '2fa_disabled' || !u.twoFactor);
        return list(members.map((u) => wire.simpleUser(u, w)));
      }
      case 'GET /orgs/{org}/outside_collaborators': {
        const filter = req.query.get('filter') ?? 'all';
        if (filter !== 'all' && !scenario.twoFactorVisible) return error(422, 'Only owners can use this filter.');
        const outside = model.outsideCollaborators().filter((u) => filter !== '2fa_disabled' || !u.twoFactor);
        return list(outside.map((u) => wire.simpleUser(u, w)));
      }
      case 'GET /orgs/{org}/invitations':
        return list(scenario.invitations.map((inv) => wire.invitation(inv, user(inv.inviter), w)));
      case 'GET /orgs/{org}/repos': {
        const owner = orgAsOwner(w);
        return list(model.repos.filter(reachable).map((r) => wire.minimalRepository(r, owner, w)));
      }
      case 'GET /orgs/{org}/teams':
        return list(model.teams.map((t) => wire.team(t, t.parent ? model.team(t.parent) : undefined, w)));
      case 'GET /orgs/{org}/teams/{team_slug}/repos': {
        const owner = orgAsOwner(w);
        return list(
          model
            .teamRepos(team as Team)
            .filter(({ repo: r }) => reachable(r))
            .map(({ repo: r, permission }) =>
              wire.minimalRepository(
                r,
                owner,
                w,
                wire.repoAccess(permission, model.teamCustomRole(team as Team, r, permission)),
              ),
            ),
        );
      }
      case 'GET /orgs/{org}/teams/{team_slug}/members':
        return list(model.teamMembers(team as Team).map((u) => wire.simpleUser(u, w)));
      case 'GET /orgs/{org}/personal-access-tokens':
        if (scenario.patGrants === null) return error(403, 'Resource not accessible by personal access token');
        return list(scenario.patGrants.map((g) => wire.patGrant(g, user(g.owner), w)));
      case 'GET /orgs/{org}/actions/secrets':
        if (scenario.orgSecrets === null) return error(403, 'Resource not accessible by personal access token');
        return list(scenario.orgSecrets.map((s) => wire.orgSecret(s, w)));
      case 'GET /orgs/{org}/organization-roles':
        if (scenario.organizationRoles === null) return error(403, 'Resource not accessible by personal access token');
        return json(
          200,
          {
            total_count: scenario.organizationRoles.length,
            roles: scenario.organizationRoles.map((r) => wire.organizationRole(r, orgAsOwner(w), w)),
          },
          rateHeaders('core'),
        );
      case 'GET /orgs/{org}/organization-roles/{role_id}/users': {
        const role = scenario.organizationRoles?.find((r) => String(r.id) === route.params.role_id);
        if (!role) return error(404, 'Not Found');
        // GitHub lists those who hold the role through its teams (child teams' members included)
        // too: indirect, or mixed when also assigned it.
        const assigned = new Set(role.users.map((l) => l.toLowerCase()));
        const roleTeams = role.teams.flatMap((slug) => model.team(slug) ?? []);
        const through = (u: User) => roleTeams.filter((t) => model.teamMembers(t).includes(u));
        return list(
          [...model.users.values()]
            .filter((u) => assigned.has(u.login.toLowerCase()) || through(u).length > 0)
            .map((u) => wire.roleUser(wire.simpleUser(u, w), assigned.has(u.login.toLowerCase()), through(u), w)),
        );
      }
      case 'GET /orgs/{org}/organization-roles/{role_id}/teams': {
        const role = scenario.organizationRoles?.find((r) => String(r.id) === route.params.role_id);
        if (!role) return error(404, 'Not Found');
        return list(
          role.teams.flatMap((slug) => {
            const t = model.team(slug);
            return t ? [{ ...wire.team(t, t.parent ? model.team(t.parent) : undefined, w), assignment: 'direct' }] : [];
          }),
        );
      }
      case 'GET /orgs/{org}/custom-repository-roles': {
        // Only an enterprise plan has custom repository roles: elsewhere the route is not found.
        // (On an enterprise plan GitHub answers 404 too to a token without the scope: roles null.)
        const roles = scenario.customRepositoryRoles;
        if (roles === undefined) return error(404, 'Not Found');
        if (roles === null) return error(403, 'Resource not accessible by personal access token');
        return json(
          200,
          { total_count: roles.length, custom_roles: roles.map((r) => wire.customRepositoryRole(r, orgAsOwner(w))) },
          rateHeaders('core'),
        );
      }
      case 'GET /orgs/{org}/installations':
        if (scenario.installations === null) return error(403, 'Resource not accessible by personal access token');
        return list(scenario.installations.map((i) => wire.installation(i, orgAsOwner(w), w)));
      case 'GET /apps/{app_slug}': {
        const app = scenario.installations?.find((i) => i.appSlug === route.params.app_slug);
        // A private app is shown to its owner only.
        if (!app || app.owner === null) return error(404, 'Not Found');
        // The org itself, a user of the scenario (a person's app, type User), or another organisation.
        const owner =
          app.owner.toLowerCase() === scenario.org.login.toLowerCase()
            ? orgAsOwner(w)
            : model.users.has(app.owner.toLowerCase())
              ? user(app.owner)
              : { ...orgAsOwner({ ...w, org: { ...w.org, login: app.owner, id: app.appId + 9000 } }) };
        return json(200, wire.integration(app, owner), rateHeaders('core'));
      }
      case 'GET /repos/{owner}/{repo}/collaborators': {
        const r = repo as Repo;
        const affiliation = req.query.get('affiliation') ?? 'all';
        const logins = collaboratorLogins(model, r, affiliation);
        return list(
          logins.flatMap((login) => {
            const permission = model.effectivePermission(login, r);
            // role_name names a custom role when that is where the highest permission comes from.
            const custom = r.collaborators.find(
              (c) => c.login.toLowerCase() === login.toLowerCase() && c.permission === permission,
            )?.role;
            return permission ? [{ ...user(login), ...wire.repoAccess(permission, custom) }] : [];
          }),
        );
      }
      case 'GET /repos/{owner}/{repo}/keys': {
        const r = repo as Repo;
        return list(r.deployKeys.map((k) => wire.deployKey(r, k, w)));
      }
      case 'GET /repos/{owner}/{repo}/actions/secrets':
        return list((repo as Repo).secrets.map(wire.repoSecret));
      case 'GET /repos/{owner}/{repo}/environments': {
        const r = repo as Repo;
        return list(
          r.environments.map((env, i) =>
            wire.environment(
              r,
              env,
              r.id * 100 + i,
              env.reviewers.map((rv) =>
                'user' in rv
                  ? { type: 'User', reviewer: user(rv.user) }
                  : { type: 'Team', reviewer: teamReviewer(model, rv.team, w) },
              ),
              w,
            ),
          ),
        );
      }
      case 'POST /graphql':
        return graphql(model, req, pageSize, () => rateHeaders('graphql'), json, reachable);
      default:
        return error(404, 'Not Found');
    }
  };

  const running = await startHttpEmulator({
    options,
    route(req) {
      for (const r of ROUTES) {
        if (r.method !== req.method) continue;
        const params = matchPath(r.template, req.path);
        if (!params) continue;
        // GraphQL has one endpoint for reads and writes: a write is recorded as what it is (no
        // connector declares it, and no test kit counts it as a read), and refused as unknown.
        if (r.operation === 'POST /graphql' && isGraphqlWrite(req.body)) return undefined;
        return { operation: r.operation, params };
      }
      return undefined;
    },
    renderFault(kind, req) {
      const resource = req.path === '/graphql' ? 'graphql' : 'core';
      return renderFault(kind, resource, rateHeaders, json);
    },
    // GET answers carry an ETag; a request that names the current one gets a 304, not charged.
    handle: (req, route, ctx) => notModifiedWhenUnchanged(req, answer(req, route, ctx)),
  });

  return {
    url: running.url,
    config: { org: scenario.org.login, baseUrl: running.url, token: `\${${SANDBOX_TOKEN_ENV}}` },
    env: { [SANDBOX_TOKEN_ENV]: token },
    requests: running.requests,
    close: running.close,
  };
}

function authorised(req: EmulatorRequest, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const [scheme, value] = header.split(/\s+/, 2);
  return (scheme?.toLowerCase() === 'token' || scheme?.toLowerCase() === 'bearer') && value === token;
}

/** A GitHub App JWT: RS256, signed by the app's key, issued by the app, not expired. */
function validAppJwt(req: EmulatorRequest, app: NonNullable<GithubScenario['app']>): boolean {
  const [scheme, jwt] = (req.headers.authorization ?? '').split(/\s+/, 2);
  if (scheme?.toLowerCase() !== 'bearer' || !jwt) return false;
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return false;
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: unknown };
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey(app.publicKey),
      Buffer.from(signature, 'base64url'),
    );
    // The JWT library reads the real clock, so expiry is judged against it too.
    return signed && h.alg === 'RS256' && String(p.iss) === String(app.appId) && Number(p.exp) > Date.now() / 1000;
  } catch {
    return false;
  }
}

function orgAsOwner(w: wire.WireContext): Record<string, unknown> {
  const owner = wire.simpleUser(
    { login: w.org.login, id: w.org.id, type: 'User', verifiedDomainEmails: [], twoFactor: true },
    w,
  );
  return { ...owner, type: 'Organization', node_id: wire.nodeId('Organization', w.org.id) };
}

function teamReviewer(model: OrgModel, slug: string, w: wire.WireContext): Record<string, unknown> {
  const team = model.team(slug);
  if (!team) throw new Error(`scenario names unknown team ${slug} as a reviewer`);
  return wire.team(team, team.parent ? model.team(team.parent) : undefined, w);
}

function collaboratorLogins(model: OrgModel, repo: Repo, affiliation: string): string[] {
  const direct = repo.collaborators.map((c) => c.login);
  if (affiliation === 'direct') return direct;
  if (affiliation === 'outside') return direct.filter((l) => !model.isMember(l));
  const all = new Set([...direct.map((l) => l.toLowerCase()), ...model.members.keys()]);
  return [...model.users.values()].filter((u) => all.has(u.login.toLowerCase())).map((u) => u.login);
}

type JsonFn = (status: number, body: unknown, headers?: Record<string, string>) => EmulatorResponse;

/** One page of a REST list, with GitHub's Link header pointing back at this emulator. */
function paged(
  req: EmulatorRequest,
  items: unknown[],
  pageSize: number,
  baseUrl: string,
  fault: FaultKind | undefined,
  headers: Record<string, string>,
  json: JsonFn,
): EmulatorResponse {
  const perPage = Math.min(pageSize, clampInt(req.query.get('per_page'), DEFAULT_PER_PAGE, 1, MAX_PER_PAGE));
  const page = clampInt(req.query.get('page'), 1, 1, Number.MAX_SAFE_INTEGER);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  // Like GitHub, links keep the client's own parameters (per_page included) and change only the page.
  const link = (p: number) => {
    const q = new URLSearchParams(req.query);
    q.set('page', String(p));
    return `${baseUrl}${req.path}?${q.toString()}`;
  };
  let slice = items.slice((page - 1) * perPage, page * perPage);
  let next: number | undefined = page < lastPage ? page + 1 : undefined;
  // Paging faults: a well-behaved client survives both, because the next answer is clean.
  if (fault === 'empty-page' && slice.length > 0) {
    slice = [];
    next = page;
  } else if (fault === 'repeat-cursor' && next !== undefined) {
    next = page;
  }
  const links: string[] = [];
  if (next !== undefined) links.push(`<${link(next)}>; rel="next"`, `<${link(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
  const wrapped = wrapList(req.path, slice, items.length);
  return json(200, wrapped, { ...headers, ...(links.length > 0 ? { link: links.join(', ') } : {}) });
}

/** Some list endpoints answer `{total_count, <key>: [...]}` instead of a bare array. */
function wrapList(path: string, slice: unknown[], total: number): unknown {
  if (path.endsWith('/actions/secrets')) return { total_count: total, secrets: slice };
  if (path.endsWith('/environments')) return { total_count: total, environments: slice };
  if (path.endsWith('/installations')) return { total_count: total, installations: slice };
  return slice;
}

function clampInt(value: string | null, fallback: number, min: number, max: number): number {
  const n = value === null ? Number.NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

function renderFault(
  kind: FaultKind,
  resource: string,
  rateHeaders: (resource: string, remaining?: number) => Record<string, string>,
  json: JsonFn,
): EmulatorResponse {
  const body = (message: string, status: number) => ({
    message,
    documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
    status: String(status),
  });
  switch (kind) {
    case 'rate-limit':
      return json(429, body('API rate limit exceeded for installation.', 429), {
        ...rateHeaders(resource, 0),
        'retry-after': '1',
      });
    case 'secondary-rate-limit':
      return json(
        403,
        body(
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000:0000.',
          403,
        ),
        { ...rateHeaders(resource), 'retry-after': '1' },
      );
    case 'bad-gateway':
    case 'unavailable': {
      const status = kind === 'bad-gateway' ? 502 : 503;
      // GitHub's edge answers these with an HTML page, not JSON.
      return {
        status,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: `<!DOCTYPE html><html><head><title>${status}</title></head><body>Unicorn! This page is taking too long to load.</body></html>`,
      };
    }
    default:
      return json(500, { message: 'Server Error', status: '500' }, rateHeaders(resource));
  }
}

// ---- GraphQL ----

interface GraphqlBody {
  query?: string;
  variables?: Record<string, unknown>;
}

/** A document that holds a mutation or a subscription (its string values aside). */
export function isGraphqlWrite(body: string): boolean {
  let query: unknown;
  try {
    query = (JSON.parse(body) as GraphqlBody).query;
  } catch {
    return false;
  }
  if (typeof query !== 'string') return false;
  const bare = query.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#[^\n]*/g, '');
  return /\b(mutation|subscription)\b/.test(bare);
}

function graphql(
  model: OrgModel,
  req: EmulatorRequest,
  pageSize: number,
  headers: () => Record<string, string>,
  json: JsonFn,
  reachable: (repo: Repo) => boolean,
): EmulatorResponse {
  let body: GraphqlBody;
  try {
    body = JSON.parse(req.body) as GraphqlBody;
  } catch {
    return json(400, { message: 'Problems parsing JSON' }, headers());
  }
  const query = body.query ?? '';
  const vars = body.variables ?? {};
  const scenario = model.scenario;
  if (!scenario.graphqlAllowed) {
    return json(
      200,
      {
        data: null,
        errors: [
          { type: 'FORBIDDEN', path: ['organization'], message: 'Resource not accessible by personal access token' },
        ],
      },
      headers(),
    );
  }
  const first = Math.min(pageSize, Number(/first:\s*(\d+)/.exec(query)?.[1] ?? MAX_PER_PAGE), MAX_PER_PAGE);
  const after = typeof vars.cursor === 'string' ? decodeCursor(vars.cursor) : 0;
  const orgLogin = typeof vars.org === 'string' ? vars.org : '';
  const sameOrg = orgLogin.toLowerCase() === scenario.org.login.toLowerCase();
  const userNode = (u: User) => ({
    login: u.login,
    name: u.name ?? null,
    // GitHub's User.email is non-null: an empty string when the email is not public.
    email: u.publicEmail ?? '',
    organizationVerifiedDomainEmails: sameOrg ? u.verifiedDomainEmails : [],
  });
  const page = <T>(items: T[]) => {
    const slice = items.slice(after, after + first);
    const end = after + slice.length;
    return {
      nodes: slice,
      pageInfo: { hasNextPage: end < items.length, endCursor: slice.length > 0 ? encodeCursor(end) : null },
    };
  };

  if (query.includes('membersWithRole')) {
    if (!sameOrg) return json(200, notFound(orgLogin), headers());
    const members = scenario.members.map((m) => userNode(model.user(m.login)));
    const { nodes, pageInfo } = page(members);
    return json(200, { data: { organization: { membersWithRole: { pageInfo, nodes } } } }, headers());
  }
  if (query.includes('enterpriseOwners')) {
    if (!sameOrg) return json(200, notFound(orgLogin), headers());
    if (scenario.enterpriseOwners === null)
      return json(
        200,
        {
          data: null,
          errors: [
            {
              type: 'FORBIDDEN',
              path: ['organization', 'enterpriseOwners'],
              message: 'Resource not accessible by integration',
            },
          ],
        },
        headers(),
      );
    const edges: unknown[] = scenario.enterpriseOwners.map((o) => {
      const u = model.user(o.login);
      return { organizationRole: o.organizationRole, node: { login: u.login, name: u.name ?? null } };
    });
    for (const kind of scenario.unresolvedEnterpriseOwners)
      edges.push(kind === 'edge' ? null : { organizationRole: 'UNAFFILIATED', node: null });
    const { nodes, pageInfo } = page(edges);
    return json(200, { data: { organization: { enterpriseOwners: { pageInfo, edges: nodes } } } }, headers());
  }
  if (query.includes('externalIdentities')) {
    if (!sameOrg) return json(200, notFound(orgLogin), headers());
    if (!scenario.org.samlSso) return json(200, { data: { organization: { samlIdentityProvider: null } } }, headers());
    const identities = [...model.users.values()]
      .filter((u) => u.saml)
      .map((u) => ({
        samlIdentity: { nameId: u.saml?.nameId ?? null, emails: (u.saml?.emails ?? []).map((value) => ({ value })) },
        user: { login: u.login },
      }));
    const { nodes, pageInfo } = page(identities);
    return json(
      200,
      { data: { organization: { samlIdentityProvider: { externalIdentities: { pageInfo, nodes } } } } },
      headers(),
    );
  }
  if (query.includes('... on Repository') || query.includes('... on Team')) {
    return json(200, { data: accessNodes(model, query, vars, first, after, reachable) }, headers());
  }
  if (query.includes('nodes(ids')) {
    const ids = Array.isArray(vars.ids) ? vars.ids.filter((x): x is string => typeof x === 'string') : [];
    const byNode = new Map([...model.users.values()].map((u) => [wire.nodeId('User', u.id), u]));
    const nodes = ids.map((id) => {
      const u = byNode.get(id);
      return u ? userNode(u) : null;
    });
    return json(200, { data: { nodes } }, headers());
  }
  return json(
    200,
    { errors: [{ message: 'This emulator does not know the query', extensions: { code: 'undefinedField' } }] },
    headers(),
  );
}

const GRAPHQL_PERMISSION: Readonly<Record<RepoPermission, string>> = {
  pull: 'READ',
  triage: 'TRIAGE',
  push: 'WRITE',
  maintain: 'MAINTAIN',
  admin: 'ADMIN',
};

/**
 * `nodes(ids)` / `node(id)` on repositories (direct collaborators with the permission GitHub
 * resolves) and teams (members of the team and its children, repositories with the team's
 * permission), each connection paged by `first` and, on `node(id)`, the `$cursor` variable.
 */
function accessNodes(
  model: OrgModel,
  query: string,
  vars: Record<string, unknown>,
  first: number,
  after: number,
  reachable: (repo: Repo) => boolean,
): Record<string, unknown> {
  const connection = <T>(items: T[], key: 'nodes' | 'edges', from: number) => {
    const slice = items.slice(from, from + first);
    const end = from + slice.length;
    return {
      pageInfo: { hasNextPage: end < items.length, endCursor: slice.length > 0 ? encodeCursor(end) : null },
      [key]: slice,
    };
  };
  const actor = (u: User) => ({ __typename: u.type === 'Bot' ? 'Bot' : 'User', login: u.login, databaseId: u.id });
  const single = query.includes('node(id');
  const from = single ? after : 0;
  const answer = (id: string): Record<string, unknown> | null => {
    const found = model.repoByNode.get(id);
    const repo = found && reachable(found) ? found : undefined;
    if (repo && query.includes('... on Repository')) {
      const edges = repo.collaborators.flatMap((c) => {
        const permission = model.effectivePermission(c.login, repo);
        return permission ? [{ permission: GRAPHQL_PERMISSION[permission], node: actor(model.user(c.login)) }] : [];
      });
      const unresolved: null[] = Array.from({ length: repo.unresolvedCollaborators }, () => null);
      return { id, collaborators: connection([...edges, ...unresolved], 'edges', from) };
    }
    const team = model.teamByNode.get(id);
    if (team && query.includes('... on Team')) {
      const out: Record<string, unknown> = { id };
      if (query.includes('members(')) {
        const membership = /members\([^)]*\bmembership:\s*(ALL|IMMEDIATE|CHILD_TEAM)\b/.exec(query)?.[1] as
          | 'ALL'
          | 'IMMEDIATE'
          | 'CHILD_TEAM'
          | undefined;
        out.members = connection(model.teamMembers(team, membership).map(actor), 'nodes', from);
      }
      if (query.includes('repositories(')) {
        const edges = model
          .teamRepos(team)
          .filter(({ repo: r }) => reachable(r))
          .map(({ repo: r, permission }) => ({
            permission: GRAPHQL_PERMISSION[permission],
            node: { name: r.name, nameWithOwner: `${model.scenario.org.login}/${r.name}` },
          }));
        out.repositories = connection(edges, 'edges', from);
      }
      return out;
    }
    // An id of another type answers an empty object under an inline fragment; an unknown id, null.
    return repo || team ? {} : null;
  };
  if (single) return { node: answer(typeof vars.id === 'string' ? vars.id : '') };
  const ids = Array.isArray(vars.ids) ? vars.ids.filter((x): x is string => typeof x === 'string') : [];
  return { nodes: ids.map(answer) };
}

function notFound(org: string) {
  return {
    data: { organization: null },
    errors: [
      {
        type: 'NOT_FOUND',
        path: ['organization'],
        message: `Could not resolve to an Organization with the login of '${org}'.`,
      },
    ],
  };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`cursor:v2:${offset}`).toString('base64');
}

function decodeCursor(cursor: string): number {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? Number(m[1]) : 0;
}
