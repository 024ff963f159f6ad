// Reads one organisation: every list the inventory needs, as GitHub answers it. Judging and
// shaping happen in records.ts; this file only knows which calls to make and which failures
// are warnings (a view the token may not have) rather than a failed target.

import type { z } from 'zod';
import { AdaptiveQueue } from '../../src/core/adaptive-queue.js';
import { GraphqlDenied, readCollaborators, readTeamAccess } from './access.js';
import { describeShortfall } from './budget.js';
import { call, optional, type ReadContext } from './calls.js';
import { GithubCallError } from './client.js';
import { readEnterpriseOwners } from './enterprise.js';
import type { AppFacts, OrgFacts, OrgRoleFacts, RepoFacts, RoleHolder, TeamFacts } from './facts.js';
import type { GithubOperation } from './operations.js';
import { PER_PAGE, type Run, readPages } from './pages.js';
import { readProfiles } from './profiles.js';
import {
  ApiAppSchema,
  ApiCollaboratorSchema,
  type ApiCustomRepoRole,
  ApiCustomRepoRoleSchema,
  ApiDeployKeySchema,
  ApiEnvironmentSchema,
  type ApiInstallation,
  ApiInstallationSchema,
  ApiInvitationSchema,
  ApiOrgRoleSchema,
  ApiOrgSchema,
  ApiPatGrantSchema,
  ApiRepoSchema,
  ApiRoleTeamSchema,
  type ApiRoleUser,
  ApiRoleUserSchema,
  ApiSecretSchema,
  ApiTeamSchema,
  ApiUserSchema,
} from './schema.js';

export async function readOrg(ctx: ReadContext): Promise<OrgFacts> {
  const { org } = ctx;
  const queue = ctx.queue ?? new AdaptiveQueue(ctx.concurrency);
  const run: Run = (task) => queue.add(task);
  try {
    const answer = await call('GET /orgs/{org}', undefined, () => ctx.client.request('GET /orgs/{org}', { org }));
    const parsedOrg = ApiOrgSchema.safeParse(answer.data);
    if (!parsedOrg.success) {
      throw new GithubCallError('GET /orgs/{org}', undefined, { message: 'the answer is not an organization' });
    }
    const orgInfo = parsedOrg.data;
    // GitHub shows the base permission among the organization's full details: to an owner only,
    // and to a classic token only with admin:org. Read as "none", it would drop every member's
    // access to every repository without a word.
    if (orgInfo.default_repository_permission == null) {
      ctx.gap({
        kind: 'github.base-permission',
        detail:
          "the organization's base permission was not shown (GitHub shows it to an owner, through the Administration (read) permission or a classic token's admin:org): what it gives every member on every repository is not known",
      });
    }
    const list = <T>(
      operation: GithubOperation,
      params: Record<string, unknown>,
      schema: z.ZodType<T>,
      subject?: string,
    ) => listAll(ctx, run, operation, params, schema, subject);

    const [owners, members, outside, invitations, repos, teams, orgSecrets] = await Promise.all([
      list('GET /orgs/{org}/members', { org, role: 'admin' }, ApiUserSchema, 'role=admin'),
      list('GET /orgs/{org}/members', { org, role: 'member' }, ApiUserSchema, 'role=member'),
      list('GET /orgs/{org}/outside_collaborators', { org }, ApiUserSchema),
      list('GET /orgs/{org}/invitations', { org }, ApiInvitationSchema),
      list('GET /orgs/{org}/repos', { org, type: 'all' }, ApiRepoSchema),
      list('GET /orgs/{org}/teams', { org }, ApiTeamSchema),
      // A classic token needs admin:org here (a scope that can also write), beyond the read:org,
      // admin:read:org and repo the rest asks for: without it the org is read, its secrets a gap.
      optional(
        ctx,
        'GET /orgs/{org}/actions/secrets',
        () => list('GET /orgs/{org}/actions/secrets', { org }, ApiSecretSchema),
        (f) => ({
          kind: 'github.org-secrets',
          detail: `the organization's Actions secrets were not read, so offboarding's list of secrets to rotate may miss organization secrets someone leaving could read: it needs the organization's Secrets (read) permission, or a classic token's admin:org (${f.message})`,
        }),
      ),
    ]);

    await checkRepositoryCoverage(ctx, orgInfo, repos.length);

    const twoFactor = (operation: GithubOperation, who: string) =>
      optional(
        ctx,
        operation,
        () => list(operation, { org, filter: '2fa_disabled' }, ApiUserSchema, 'filter=2fa_disabled'),
        (f) => ({
          kind: 'github.two-factor',
          detail: `two-factor status of ${who} is not visible (${f.message}); it needs an org owner's token`,
        }),
      );
    const [disabledMembers, disabledOutside, patGrants, installations, roles, customRoles] = await Promise.all([
      twoFactor('GET /orgs/{org}/members', 'members'),
      twoFactor('GET /orgs/{org}/outside_collaborators', 'outside collaborators'),
      optional(
        ctx,
        'GET /orgs/{org}/personal-access-tokens',
        () => list('GET /orgs/{org}/personal-access-tokens', { org }, ApiPatGrantSchema),
        (f) => ({
          kind: 'github.pat-grants',
          detail: `fine-grained personal access tokens were not read: listing them needs a GitHub App (${f.message})`,
        }),
      ),
      optional(
        ctx,
        'GET /orgs/{org}/installations',
        () => list('GET /orgs/{org}/installations', { org }, ApiInstallationSchema),
        (f) => ({
          kind: 'github.app-installations',
          detail: `GitHub Apps installed on the organization were not read: it needs the organization's Administration (read) permission (${f.message})`,
        }),
      ),
      run(() =>
        optional(
          ctx,
          'GET /orgs/{org}/organization-roles',
          async () => {
            const answer = await call('GET /orgs/{org}/organization-roles', undefined, () =>
              ctx.client.request('GET /orgs/{org}/organization-roles', { org }),
            );
            const list = (answer.data as { roles?: unknown[] }).roles ?? [];
            return list.map((r) => ApiOrgRoleSchema.parse(r));
          },
          (f) => ({
            kind: 'github.organization-roles',
            detail: `organization roles (security managers, all-repository admins, custom roles) were not read: it needs the organization's Custom organization roles (read) permission (${f.message})`,
          }),
        ),
      ),
      run(() =>
        optional(
          ctx,
          'GET /orgs/{org}/custom-repository-roles',
          () => readCustomRepoRoles(ctx, orgInfo.plan?.name),
          (f) => ({
            kind: 'github.custom-repository-roles',
            detail: `custom repository roles were not read, so a custom role is judged by its base role alone, not by the permissions it adds: it needs the organization's Custom repository roles (read) permission (${f.message})`,
          }),
        ),
      ),
    ]);

    // GraphQL reads who may touch what for 100 repositories (or teams) per call; a token that
    // may not use GraphQL gets the same through REST, one call per repository and two per team.
    const graphql = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (e) {
        if (e instanceof GraphqlDenied) return undefined;
        throw e;
      }
    };
    // GraphQL answers a custom role as its base permission; REST names the role (role_name). An
    // organisation that has custom roles is read through REST, so each holder's role is known.
    const throughRest = (customRoles?.length ?? 0) > 0;
    planBudget(ctx, repos, throughRest ? teams : undefined);
    const [repoCollaborators, teamAccess] = throughRest
      ? [undefined, undefined]
      : await Promise.all([
          graphql(() => readCollaborators(ctx, repos, run)),
          graphql(() => readTeamAccess(ctx, teams, run)),
        ]);

    const repoFacts = Promise.all(
      repos.map(async (repo): Promise<RepoFacts> => {
        const params = repoParams(repo, org);
        const [collaborators, deployKeys, secrets, environments] = await Promise.all([
          repoCollaborators?.get(repo.full_name) ??
            list(
              'GET /repos/{owner}/{repo}/collaborators',
              { ...params, affiliation: 'direct' },
              ApiCollaboratorSchema,
              repo.full_name,
            ),
          list('GET /repos/{owner}/{repo}/keys', params, ApiDeployKeySchema, repo.full_name),
          list('GET /repos/{owner}/{repo}/actions/secrets', params, ApiSecretSchema, repo.full_name),
          list('GET /repos/{owner}/{repo}/environments', params, ApiEnvironmentSchema, repo.full_name),
        ]);
        return { repo, collaborators, deployKeys, secrets, environments };
      }),
    );
    const teamFacts = Promise.all(
      teams.map(async (team): Promise<TeamFacts> => {
        const known = teamAccess?.get(team.slug);
        if (known) return { team, repos: known.repos, members: known.members, membership: 'immediate' };
        const params = { org, team_slug: team.slug };
        const [teamRepos, teamMembers] = await Promise.all([
          list('GET /orgs/{org}/teams/{team_slug}/repos', params, ApiRepoSchema, `team ${team.slug}`),
          list('GET /orgs/{org}/teams/{team_slug}/members', params, ApiUserSchema, `team ${team.slug}`),
        ]);
        return { team, repos: teamRepos, members: teamMembers };
      }),
    );
    // GraphQL paging is sequential by nature; it runs beside the REST fan-out.
    const profiles = readProfiles(ctx, [...owners, ...members], outside);
    const apps = installations ? readApps(ctx, installations, run) : undefined;
    const enterprise = run(() => readEnterpriseOwners(ctx));
    const orgRoles = roles
      ? Promise.all(
          roles.map(async (role): Promise<OrgRoleFacts> => {
            const params = { org, role_id: role.id };
            const subject = `role ${role.name}`;
            const [users, roleTeams] = await Promise.all([
              list('GET /orgs/{org}/organization-roles/{role_id}/users', params, ApiRoleUserSchema, subject),
              list('GET /orgs/{org}/organization-roles/{role_id}/teams', params, ApiRoleTeamSchema, subject),
            ]);
            return { role, users: users.map(roleHolder), teams: roleTeams.map((t) => t.slug) };
          }),
        )
      : undefined;
    // Awaited together, so a failure in one never leaves another's rejection unhandled.
    const [repoList, teamList, profileMap, appList, roleList, enterpriseOwners] = await Promise.all([
      repoFacts,
      teamFacts,
      profiles,
      apps,
      orgRoles,
      enterprise,
    ]);

    return {
      org: orgInfo,
      owners,
      members,
      outside,
      twoFactorDisabled: {
        ...(disabledMembers ? { members: new Set(disabledMembers.map((u) => u.login.toLowerCase())) } : {}),
        ...(disabledOutside ? { outside: new Set(disabledOutside.map((u) => u.login.toLowerCase())) } : {}),
      },
      invitations,
      repos: repoList,
      teams: teamList,
      ...(orgSecrets ? { orgSecrets } : {}),
      ...(patGrants ? { patGrants } : {}),
      ...(appList ? { apps: appList } : {}),
      ...(roleList ? { orgRoles: roleList } : {}),
      ...(customRoles ? { customRepoRoles: customRoles } : {}),
      ...(enterpriseOwners ? { enterpriseOwners } : {}),
      profiles: profileMap,
    };
  } catch (e) {
    // One failure fails the target: stop the calls still queued instead of finishing them for nothing.
    queue.clear();
    throw e;
  }
}

/**
 * The organisation's custom repository roles. Only an enterprise plan has them (GitHub Enterprise
 * Cloud, and GitHub Enterprise Server from 3.17): elsewhere GitHub answers 404, which means there
 * are none. But 404 is also GitHub's answer to a token without the scope, so it is read as "none"
 * only when the organisation's plan (shown to an owner) says it is not an enterprise one;
 * otherwise the roles are a named gap (undefined).
 */
async function readCustomRepoRoles(
  ctx: ReadContext,
  plan: string | undefined,
): Promise<ApiCustomRepoRole[] | undefined> {
  const operation = 'GET /orgs/{org}/custom-repository-roles';
  try {
    const answer = await call(operation, undefined, () => ctx.client.request(operation, { org: ctx.org }));
    return ((answer.data as { custom_roles?: unknown[] }).custom_roles ?? []).map((r) =>
      ApiCustomRepoRoleSchema.parse(r),
    );
  } catch (e) {
    if (!(e instanceof GithubCallError && e.status === 404)) throw e;
    if (plan !== undefined && !/enterprise/i.test(plan)) return [];
    const why =
      plan === undefined
        ? "GitHub answered 404 and the organization's plan was not shown (it is shown to an owner), so it cannot tell whether the organization has none or the token may not read them"
        : "GitHub answered 404 on the organization's enterprise plan, where it means the token may not read them";
    ctx.gap({
      kind: 'github.custom-repository-roles',
      detail: `custom repository roles were not read, so a custom role is judged by its base role alone, not by the permissions it adds: ${why} (it needs the organization's Custom repository roles (read) permission, or a classic token's admin:org)`,
    });
    return undefined;
  }
}

/**
 * A GitHub App installed on selected repositories, or a fine-grained token limited to some,
 * does not see the private repositories outside them: GitHub leaves them out of the listing
 * without a word. The organisation's own counts (shown to an owner) and the installation token's
 * repository_selection tell; either way the repositories not seen are a named gap.
 */
async function checkRepositoryCoverage(
  ctx: ReadContext,
  org: z.infer<typeof ApiOrgSchema>,
  listed: number,
): Promise<void> {
  // A token's auth ignores the argument; an App's answers its cached installation token.
  const auth = (await ctx.client.auth({ type: 'installation' })) as { repositorySelection?: unknown };
  const selectedOnly = auth.repositorySelection === 'selected';
  const counted =
    typeof org.public_repos === 'number' && typeof org.total_private_repos === 'number'
      ? org.public_repos + org.total_private_repos
      : undefined;
  const unseen = counted === undefined ? undefined : counted - listed;
  const why = selectedOnly
    ? 'the GitHub App installation reaches selected repositories only'
    : 'the token does not reach them (a fine-grained token limited to some repositories, say)';
  if (unseen !== undefined && unseen > 0) {
    ctx.gap({
      kind: 'github.repository-coverage',
      detail: `${unseen} of the organization's ${counted} repositories were not seen: ${why}, and who can do what in the others is not known`,
      count: unseen,
    });
  } else if (unseen === undefined && selectedOnly) {
    ctx.gap({
      kind: 'github.repository-coverage',
      detail:
        "the GitHub App installation reaches selected repositories only: repositories outside them were not seen (how many is not known: the organization's repository counts are shown to an owner only), and who can do what in them is not known",
    });
  }
}

/**
 * How a listed holder holds an organisation role. GitHub lists members who hold it through a team
 * too (indirect), and both ways at once (mixed); an assignment it does not name (an older server)
 * is taken as direct, as the listing then held only those assigned the role.
 */
function roleHolder(u: ApiRoleUser): RoleHolder {
  const assignment = u.assignment === 'indirect' || u.assignment === 'mixed' ? u.assignment : 'direct';
  const teams = (u.inherited_from ?? []).flatMap((t) => (t.slug ? [t.slug] : []));
  return { login: u.login, assignment, teams };
}

/** The path parameters of a repository's own endpoints. */
function repoParams(repo: { full_name: string; name: string }, org: string) {
  return { owner: repo.full_name.split('/')[0] ?? org, repo: repo.name };
}

/** The REST reads made for every repository in readOrg's fan-out: the bulk of a large organisation's requests. */
const PER_REPOSITORY_READS = [
  'GET /repos/{owner}/{repo}/keys',
  'GET /repos/{owner}/{repo}/actions/secrets',
  'GET /repos/{owner}/{repo}/environments',
] as const satisfies readonly GithubOperation[];

/**
 * Before the fan-out: say so when the hour's budget cannot cover the reads that will be charged.
 * `restTeams`: access is read through REST (custom roles), so collaborators and team access cost too.
 */
function planBudget(
  ctx: ReadContext,
  repos: readonly { full_name: string; name: string }[],
  restTeams?: readonly { slug: string }[],
): void {
  if (!ctx.budget) return;
  const { kept, shortfall, announce } = ctx.budget;
  let needed = 0;
  const charged = (operation: GithubOperation, params: Record<string, unknown>) =>
    kept(operation, { ...params, per_page: PER_PAGE }) ? 0 : 1;
  for (const repo of repos) {
    const params = repoParams(repo, ctx.org);
    for (const operation of PER_REPOSITORY_READS) needed += charged(operation, params);
    if (restTeams) needed += charged('GET /repos/{owner}/{repo}/collaborators', { ...params, affiliation: 'direct' });
  }
  for (const team of restTeams ?? [])
    for (const operation of [
      'GET /orgs/{org}/teams/{team_slug}/repos',
      'GET /orgs/{org}/teams/{team_slug}/members',
    ] as const)
      needed += charged(operation, { org: ctx.org, team_slug: team.slug });
  const short = shortfall(needed);
  if (short) announce(describeShortfall(ctx.org, short));
}

/** Each installed app's name and owner: one call per app, since an installation does not say who owns it. */
async function readApps(ctx: ReadContext, installations: readonly ApiInstallation[], run: Run): Promise<AppFacts[]> {
  const slugs = [...new Set(installations.map((i) => i.app_slug))];
  const owners = new Map(
    await Promise.all(
      slugs.map((slug) =>
        run(async () => {
          try {
            const answer = await call('GET /apps/{app_slug}', slug, () =>
              ctx.client.request('GET /apps/{app_slug}', { app_slug: slug }),
            );
            const app = ApiAppSchema.safeParse(answer.data);
            if (!app.success)
              throw new GithubCallError('GET /apps/{app_slug}', slug, { message: 'the answer is not an app' });
            const owner = app.data.owner;
            return [slug, { name: app.data.name, owner: owner?.login, ownerType: owner?.type }] as const;
          } catch (e) {
            // A private app of another owner is not shown to anyone else: its owner is unknown, so
            // it is judged as someone else's.
            if (e instanceof GithubCallError && e.status === 404)
              return [slug, { name: slug, owner: undefined, ownerType: undefined }] as const;
            throw e;
          }
        }),
      ),
    ),
  );
  return installations.map((installation) => {
    const app = owners.get(installation.app_slug);
    return {
      installation,
      name: app?.name ?? installation.app_slug,
      ...(app?.owner ? { owner: app.owner } : {}),
      ...(app?.owner && app.ownerType ? { ownerType: app.ownerType } : {}),
    };
  });
}

/**
 * Every record of a paged list, each checked against its schema. Each page is a request of its
 * own in the queue (pages.ts): a list never holds a place in the queue while its pages wait.
 */
async function listAll<T>(
  ctx: ReadContext,
  run: Run,
  operation: GithubOperation,
  params: Record<string, unknown>,
  schema: z.ZodType<T>,
  subject?: string,
): Promise<T[]> {
  const items = await call(operation, subject, () => readPages(ctx.client, run, operation, params, subject));
  const parsed: T[] = [];
  let unreadable = 0;
  for (const item of items) {
    const r = schema.safeParse(item);
    if (r.success) parsed.push(r.data);
    else unreadable++;
  }
  // Records we cannot read are a gap with their count, never silently dropped.
  if (unreadable > 0) {
    ctx.gap({
      kind: 'records-invalid',
      detail: `${operation}${subject ? ` (${subject})` : ''}: ${unreadable} of ${items.length} records did not have the expected shape`,
      count: unreadable,
    });
  }
  return parsed;
}
