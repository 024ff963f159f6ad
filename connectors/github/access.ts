// Who may touch which repository, through GraphQL: direct collaborators (with the permission
// GitHub resolves for them) of 100 repositories per query, and the members and repositories of
// 100 teams per query, where REST needs one call per repository and two per team. A connection
// longer than a page is followed on its own node. REST remains the way when GraphQL is not
// permitted (the caller falls back) or an object has no node id.
import { z } from 'zod';
import { PageGuard } from '../../src/core/paging.js';
import { isNotVisible, type ReadContext } from './calls.js';
import { GithubCallError, readFailure } from './client.js';
import type { Run } from './pages.js';
import type { ApiCollaborator, ApiRepo, ApiTeam, ApiUser } from './schema.js';

/** GitHub's limits: 100 ids per nodes() query, 100 items per connection page. */
export const GRAPHQL_BATCH = 100;
const PAGE = 100;
const OPERATION = 'POST /graphql';

const PageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const PermissionSchema = z.enum(['READ', 'TRIAGE', 'WRITE', 'MAINTAIN', 'ADMIN']);
type GqlPermission = z.infer<typeof PermissionSchema>;
const GqlActorSchema = z.object({
  login: z.string().min(1),
  databaseId: z.number().nullish(),
  __typename: z.string().optional(),
});

const CollaboratorsSchema = z.object({
  pageInfo: PageInfoSchema,
  edges: z.array(z.object({ permission: PermissionSchema, node: GqlActorSchema }).nullable()),
});
const RepoNodeSchema = z.object({ id: z.string(), collaborators: CollaboratorsSchema.nullable() });

const TeamMembersSchema = z.object({ pageInfo: PageInfoSchema, nodes: z.array(GqlActorSchema.nullable()) });
const TeamReposSchema = z.object({
  pageInfo: PageInfoSchema,
  edges: z.array(
    z
      .object({ permission: PermissionSchema, node: z.object({ name: z.string(), nameWithOwner: z.string() }) })
      .nullable(),
  ),
});
const TeamNodeSchema = z.object({
  id: z.string(),
  members: TeamMembersSchema.nullable(),
  repositories: TeamReposSchema.nullable(),
});

const COLLABORATORS = (after: string) => `collaborators(first: ${PAGE}, affiliation: DIRECT${after}) {
      pageInfo { hasNextPage endCursor }
      edges { permission node { __typename login databaseId } }
    }`;
// IMMEDIATE: the members of the team itself. GitHub's default (ALL) adds the members of its child
// teams, whose access records.ts rebuilds from the parent/child structure, so that each grant names
// the team its holder is actually in (the one to remove them from).
const MEMBERS = (after: string) => `members(first: ${PAGE}, membership: IMMEDIATE${after}) {
      pageInfo { hasNextPage endCursor }
      nodes { __typename login databaseId }
    }`;
const REPOSITORIES = (after: string) => `repositories(first: ${PAGE}${after}) {
      pageInfo { hasNextPage endCursor }
      edges { permission node { name nameWithOwner } }
    }`;

export const REPO_COLLABORATORS_QUERY = `query($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Repository { id ${COLLABORATORS('')} }
  }
}`;
export const MORE_COLLABORATORS_QUERY = `query($id: ID!, $cursor: String) {
  node(id: $id) {
    ... on Repository { id ${COLLABORATORS(', after: $cursor')} }
  }
}`;
export const TEAM_ACCESS_QUERY = `query($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Team { id ${MEMBERS('')} ${REPOSITORIES('')} }
  }
}`;
export const MORE_TEAM_MEMBERS_QUERY = `query($id: ID!, $cursor: String) {
  node(id: $id) {
    ... on Team { id ${MEMBERS(', after: $cursor')} }
  }
}`;
export const MORE_TEAM_REPOS_QUERY = `query($id: ID!, $cursor: String) {
  node(id: $id) {
    ... on Team { id ${REPOSITORIES(', after: $cursor')} }
  }
}`;

/** What REST says for the same permission: role_name and the permissions booleans. */
const ROLE: Record<GqlPermission, { role: string; rank: number }> = {
  READ: { role: 'read', rank: 0 },
  TRIAGE: { role: 'triage', rank: 1 },
  WRITE: { role: 'write', rank: 2 },
  MAINTAIN: { role: 'maintain', rank: 3 },
  ADMIN: { role: 'admin', rank: 4 },
};

function access(permission: GqlPermission): Pick<ApiCollaborator, 'permissions' | 'role_name'> {
  const { role, rank } = ROLE[permission];
  return {
    role_name: role,
    permissions: { admin: rank >= 4, maintain: rank >= 3, push: rank >= 2, triage: rank >= 1, pull: true },
  };
}

function user(actor: z.infer<typeof GqlActorSchema>): ApiUser {
  return { login: actor.login, id: actor.databaseId ?? 0, type: actor.__typename === 'Bot' ? 'Bot' : 'User' };
}

/** Thrown when GraphQL is not permitted for this token: the caller reads the same through REST. */
export class GraphqlDenied extends Error {
  override name = 'GraphqlDenied';
}

async function query<T>(
  ctx: ReadContext,
  subject: string,
  text: string,
  variables: Record<string, unknown>,
  schema: z.ZodType<T>,
): Promise<T> {
  let data: unknown;
  try {
    data = await ctx.client.graphql(text, variables);
  } catch (e) {
    const failure = readFailure(e);
    if (isNotVisible(failure)) throw new GraphqlDenied(failure.message);
    throw new GithubCallError(OPERATION, subject, failure);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success)
    throw new GithubCallError(OPERATION, subject, { message: 'the answer does not have the expected shape' });
  return parsed.data;
}

/** Follow one node's connection past its first page under the core's paging policy. */
async function rest<T>(
  subject: string,
  first: { pageInfo: z.infer<typeof PageInfoSchema> },
  next: (cursor: string) => Promise<{ pageInfo: z.infer<typeof PageInfoSchema>; items: T[] }>,
): Promise<T[]> {
  const guard = new PageGuard<T>(`${OPERATION} (${subject})`);
  let info = first.pageInfo;
  let cursor = '';
  while (info.hasNextPage) {
    if (!info.endCursor)
      throw new GithubCallError(OPERATION, subject, {
        message: 'paging did not advance (a next page without a cursor)',
      });
    cursor = info.endCursor;
    const page = await next(cursor);
    info = page.pageInfo;
    if (guard.page(cursor, page.items, info.hasNextPage ? info.endCursor : undefined) === undefined) break;
  }
  return guard.items();
}

/**
 * The entries of a GraphQL list that are there. GitHub answers null for an entry it could not
 * resolve (a member it hides, a repository gone mid-read): each is a gap with its count, never a
 * silently shorter list.
 */
function present<T>(ctx: Pick<ReadContext, 'gap'>, what: string, entries: readonly (T | null)[]): T[] {
  const kept = entries.filter((e): e is T => e !== null);
  const missing = entries.length - kept.length;
  if (missing > 0)
    ctx.gap({
      kind: 'records-invalid',
      detail: `GitHub GraphQL answered null for ${missing} of the ${what}`,
      count: missing,
    });
  return kept;
}

const nodesOf = <T extends z.ZodTypeAny>(node: T) => z.object({ nodes: z.array(node.nullable()) });
const nodeOf = <T extends z.ZodTypeAny>(node: T) => z.object({ node: node.nullable() });

/** Direct collaborators of each repository, by full name. */
export async function readCollaborators(
  ctx: ReadContext,
  repos: readonly ApiRepo[],
  run: Run,
): Promise<Map<string, ApiCollaborator[]>> {
  const byId = new Map(repos.flatMap((r) => (r.node_id ? [[r.node_id, r] as const] : [])));
  const out = new Map<string, ApiCollaborator[]>();
  const collaborators = (full: string, edges: z.infer<typeof CollaboratorsSchema>['edges']): ApiCollaborator[] =>
    present(ctx, `collaborators of ${full}`, edges).map((e) => ({ ...user(e.node), ...access(e.permission) }));
  await Promise.all(
    batchesOf([...byId.keys()]).map(async (batch) => {
      // Only the request holds a queue slot, never the wait for follow-up pages: with one slot
      // (the sequential baseline) a task waiting for its own follow-ups would wait forever.
      const data = await run(() =>
        query(ctx, 'repository collaborators', REPO_COLLABORATORS_QUERY, { ids: batch }, nodesOf(RepoNodeSchema)),
      );
      await Promise.all(
        data.nodes.map(async (node, k) => {
          const repo = byId.get(batch[k] ?? '');
          if (!repo) return;
          const full = repo.full_name;
          if (!node?.collaborators) throw unreadable(full, 'collaborators');
          const more = await rest(`collaborators of ${full}`, node.collaborators, async (cursor) => {
            const page = await run(() =>
              query(ctx, full, MORE_COLLABORATORS_QUERY, { id: node.id, cursor }, nodeOf(RepoNodeSchema)),
            );
            const c = page.node?.collaborators;
            if (!c) throw unreadable(full, 'collaborators');
            return { pageInfo: c.pageInfo, items: collaborators(full, c.edges) };
          });
          out.set(full, [...collaborators(full, node.collaborators.edges), ...more]);
        }),
      );
    }),
  );
  return out;
}

export interface TeamAccess {
  /** The team's own members (membership IMMEDIATE): child teams' members are not among them. */
  members: ApiUser[];
  repos: ApiRepo[];
}

const MoreTeamSchema = TeamNodeSchema.partial({ members: true, repositories: true });

/** Immediate members (not its child teams') and repositories of each team, by slug. */
export async function readTeamAccess(
  ctx: ReadContext,
  teams: readonly ApiTeam[],
  run: Run,
): Promise<Map<string, TeamAccess>> {
  const byId = new Map(teams.flatMap((t) => (t.node_id ? [[t.node_id, t] as const] : [])));
  const out = new Map<string, TeamAccess>();
  const members = (slug: string, nodes: z.infer<typeof TeamMembersSchema>['nodes']) =>
    present(ctx, `members of team ${slug}`, nodes).map(user);
  const repos = (slug: string, edges: z.infer<typeof TeamReposSchema>['edges']): ApiRepo[] =>
    present(ctx, `repositories of team ${slug}`, edges).map((e) => ({
      name: e.node.name,
      full_name: e.node.nameWithOwner,
      ...access(e.permission),
    }));
  await Promise.all(
    batchesOf([...byId.keys()]).map(async (batch) => {
      const data = await run(() =>
        query(ctx, 'team access', TEAM_ACCESS_QUERY, { ids: batch }, nodesOf(TeamNodeSchema)),
      );
      await Promise.all(
        data.nodes.map(async (node, k) => {
          const team = byId.get(batch[k] ?? '');
          if (!team) return;
          const subject = `team ${team.slug}`;
          if (!node?.members || !node.repositories) throw unreadable(subject, 'members or repositories');
          const next = (text: string) => (cursor: string) =>
            run(() => query(ctx, subject, text, { id: node.id, cursor }, nodeOf(MoreTeamSchema)));
          const [moreMembers, moreRepos] = await Promise.all([
            rest(`members of ${subject}`, node.members, async (cursor) => {
              const c = (await next(MORE_TEAM_MEMBERS_QUERY)(cursor)).node?.members;
              if (!c) throw unreadable(subject, 'members');
              return { pageInfo: c.pageInfo, items: members(team.slug, c.nodes) };
            }),
            rest(`repositories of ${subject}`, node.repositories, async (cursor) => {
              const c = (await next(MORE_TEAM_REPOS_QUERY)(cursor)).node?.repositories;
              if (!c) throw unreadable(subject, 'repositories');
              return { pageInfo: c.pageInfo, items: repos(team.slug, c.edges) };
            }),
          ]);
          out.set(team.slug, {
            members: [...members(team.slug, node.members.nodes), ...moreMembers],
            repos: [...repos(team.slug, node.repositories.edges), ...moreRepos],
          });
        }),
      );
    }),
  );
  return out;
}

function batchesOf(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += GRAPHQL_BATCH) out.push(ids.slice(i, i + GRAPHQL_BATCH));
  return out;
}

function unreadable(subject: string, what: string): GithubCallError {
  return new GithubCallError(OPERATION, subject, { message: `${what} were not readable` });
}
