// Reads one Slack workspace: team.info names the target, then users.list, conversations.list
// and conversations.members for every channel with members, all pages of each. One failed
// call fails the target (its records are dropped by the core), never a shorter list.

import type { z } from 'zod';
import { AdaptiveQueue } from '../../src/core/adaptive-queue.js';
import type { CollectContext, TargetOutput } from '../../src/core/connector.js';
import { readAllPages } from '../../src/core/paging.js';
import { type InstalledApp, installedApps } from './apps.js';
import { type ClientTuning, createSlackApi, type SlackApi, SlackCallError } from './client.js';
import { buildRecords, SLACKBOT, type WorkspaceAnswers } from './records.js';
import {
  type ApiChannel,
  ApiChannelSchema,
  ApiIntegrationLogPageSchema,
  ApiIntegrationLogSchema,
  type ApiTeam,
  ApiTeamInfoSchema,
  type ApiUser,
  type ApiUserGroup,
  ApiUserGroupSchema,
  ApiUserSchema,
  type SlackConfig,
} from './schema.js';

/** Team lookups that only cost us a name: the external team's id stands in for it. */
const NAME_UNAVAILABLE = new Set(['team_not_found', 'team_access_not_granted', 'not_allowed', 'access_denied']);

export function createCollect(tuning: ClientTuning = {}) {
  return async function collectSlack(config: SlackConfig, ctx: CollectContext): Promise<void> {
    // Calls made before the target is known (team.info) are counted into it once it starts.
    const early: string[] = [];
    let count = (method: string): void => {
      early.push(method);
    };
    // One queue per workspace: Slack's limits are per method per minute, so a rate-limit answer
    // halves the requests in flight rather than sending every waiting one into the same limit.
    const queue = new AdaptiveQueue(ctx.concurrency);
    const api = createSlackApi({
      config,
      signal: ctx.signal,
      log: ctx.log,
      onRequest: (method) => count(method),
      onThrottle: () => queue.throttled(),
      tuning,
    });
    const team = await readTeam(api);
    await ctx.runTarget(team.id, async (out) => {
      for (const method of early) out.call(method);
      count = (method) => out.call(method);
      const answers = await readWorkspace(api, team, out, queue);
      const records = buildRecords(answers);
      for (const account of records.accounts) out.account(account);
      for (const grant of records.grants) out.grant(grant);
      for (const gap of records.gaps) out.gap(gap);
    });
  };
}

async function readTeam(api: SlackApi, teamId?: string): Promise<ApiTeam> {
  const answer = await api.call('team.info', teamId ? { team: teamId } : {});
  const parsed = ApiTeamInfoSchema.safeParse(answer);
  if (!parsed.success) throw new SlackCallError('team.info', 'answered without a team id');
  return parsed.data.team;
}

async function readWorkspace(
  api: SlackApi,
  team: ApiTeam,
  out: TargetOutput,
  queue: AdaptiveQueue,
): Promise<WorkspaceAnswers> {
  const userList = await api.list('users.list', {}, 'members');
  const users = parseEach(userList.items, ApiUserSchema, 'users.list', 'member', out);
  // Without users:read.email Slack answers users.list but leaves every email out, and no account
  // could be linked: x-oauth-scopes says so, or, when the header is missing, the answer does.
  if (userList.scopes ? !userList.scopes.includes(EMAIL_SCOPE) : emailsWithheld(users)) {
    throw new SlackCallError(
      'users.list',
      `needs the ${EMAIL_SCOPE} scope (without it Slack hides every email)`,
      'missing_scope',
    );
  }

  const channels = await readChannels(api, out, userList.scopes);

  const members = await readMembers(api, channels, queue);
  const { others, unidentified } = await readUnlistedMembers(api, users, members, queue, out);
  // One after the other: each may add a gap or a warning, and their order is the inventory's.
  const externalTeams = await readExternalTeams(api, team, channels);
  const apps = await readApps(api, out);
  const userGroups = await readUserGroups(api, out);
  return {
    team,
    users,
    channels,
    members,
    externalTeams,
    userGroups,
    otherUsers: others,
    unidentified,
    ...(apps ? { apps } : {}),
  };
}

const EMAIL_SCOPE = 'users:read.email';

/**
 * Whether users.list, read without the x-oauth-scopes header (a proxy may strip it), was answered
 * to a token without users:read.email: Slack then leaves every email out and says nothing else.
 * With the scope Slack gives every full member's email (a full member signs in with one), so
 * active full members none of whom has an email mean the scope is missing; a workspace of such
 * people is not a plausible answer. Only they are asked: bots and Slackbot have no email, and
 * guests, deactivated and invited users are not needed, since every workspace has a full member
 * (its primary owner). An answer without one says nothing and fails nothing; a single email
 * anywhere shows the scope is there.
 */
function emailsWithheld(users: readonly ApiUser[]): boolean {
  if (users.some((u) => u.profile?.email)) return false;
  return users.some(
    (u) =>
      u.id !== SLACKBOT && !u.is_bot && !u.deleted && !u.is_invited_user && !u.is_restricted && !u.is_ultra_restricted,
  );
}

/** What users.info answers about someone the token may not be told of: that member is then a gap. */
const USER_UNAVAILABLE = new Set([
  'user_not_found',
  'users_not_found',
  'user_not_visible',
  'not_allowed',
  'access_denied',
  'team_access_not_granted',
]);

/**
 * users.info for every channel member users.list did not answer: people of other workspaces
 * (Slack Connect, Enterprise Grid org-shared channels, sibling workspaces), who users.list never
 * lists, and people who joined after it was read. Each is asked once. One Slack will not describe
 * is kept by id with Slack's reason (a gap), never dropped; any other failure fails the target.
 */
async function readUnlistedMembers(
  api: SlackApi,
  users: readonly ApiUser[],
  members: ReadonlyMap<string, readonly string[]>,
  queue: AdaptiveQueue,
  out: TargetOutput,
): Promise<{ others: ApiUser[]; unidentified: Map<string, string> }> {
  const listed = new Set(users.map((u) => u.id));
  const ids = [...new Set([...members.values()].flat())].filter((id) => !listed.has(id)).sort();
  const found = new Map<string, unknown>();
  const unidentified = new Map<string, string>();
  const work = ids.map((id) =>
    queue.add(async () => {
      try {
        const answer = await api.call('users.info', { user: id });
        found.set(id, answer.user);
      } catch (error) {
        if (!(error instanceof SlackCallError && error.slackCode && USER_UNAVAILABLE.has(error.slackCode))) throw error;
        unidentified.set(id, error.slackCode);
      }
    }),
  );
  try {
    await Promise.all(work);
  } finally {
    queue.clear();
  }
  const answered = ids.filter((id) => found.has(id));
  const others = parseEach(
    answered.map((id) => found.get(id)),
    ApiUserSchema,
    'users.info',
    'user',
    out,
  );
  const parsed = new Set(others.map((u) => u.id));
  // An answer about someone else, or one that did not parse (already a records-invalid gap), still leaves the member unknown.
  for (const id of answered) if (!parsed.has(id)) unidentified.set(id, 'unreadable answer');
  const asked = new Set(ids);
  return { others: others.filter((u) => asked.has(u.id)), unidentified };
}

const PRIVATE_SCOPE = 'groups:read';

/**
 * Public and private channels, archived ones too: they take no new messages, but their members
 * still read their history. Slack lists a private channel only to its members, and none at all to
 * a token without groups:read: the first is said on every scan (a warning, since no token outside
 * Enterprise Grid's admin API can do better), the second is a gap, since a scope would fix it.
 */
async function readChannels(api: SlackApi, out: TargetOutput, scopes: readonly string[] | undefined) {
  const list = (types: string) =>
    api.list('conversations.list', { types, exclude_archived: false }, 'channels').then((answer) => answer.items);
  let items: unknown[];
  let privateRead = !scopes || scopes.includes(PRIVATE_SCOPE);
  try {
    items = await list(privateRead ? 'public_channel,private_channel' : 'public_channel');
  } catch (error) {
    // A token whose scopes Slack did not announce learns it here.
    if (!(privateRead && error instanceof SlackCallError && /\bgroups:read\b/.test(error.message))) throw error;
    privateRead = false;
    items = await list('public_channel');
  }
  const channels = parseEach(items, ApiChannelSchema, 'conversations.list', 'channel', out);
  if (!privateRead) {
    out.gap({
      kind: 'slack.private-channels',
      detail:
        'private channels were not read: the token has no groups:read scope, so Slack lists none of them, ' +
        'nor who is in them; add groups:read to the app (see the manifest) and reinstall it',
    });
  }
  const privateCount = channels.filter((c) => c.is_private).length;
  out.warn(
    `private channels the token is not a member of are not read (Slack lists a private channel only to its members; ` +
      `invite the app to each one that matters): ${privateCount} private channel${privateCount === 1 ? ' was' : 's were'} read`,
  );
  return channels;
}

/**
 * User groups and their default channels. A group is not access by itself (the memberships it
 * causes are read as memberships), so a token without usergroups:read costs only the advice that
 * names the groups, and the target says so instead of failing.
 */
async function readUserGroups(api: SlackApi, out: TargetOutput): Promise<ApiUserGroup[]> {
  try {
    // Not paged: Slack answers every group at once.
    const answer = await api.call('usergroups.list', { include_users: true, include_disabled: false });
    const groups = Array.isArray(answer.usergroups) ? answer.usergroups : [];
    return parseEach(groups, ApiUserGroupSchema, 'usergroups.list', 'user group', out).filter((g) => !g.date_delete);
  } catch (error) {
    if (!(error instanceof SlackCallError && error.slackCode === 'missing_scope')) throw error;
    out.warn(
      `user groups were not read (${error.message}): channel memberships are all read, but removing someone will not name the groups whose default channels add them back`,
    );
    return [];
  }
}

/** What Slack answers a token that may not read the integration log: the log is then a gap. */
const LOG_UNREADABLE = new Set([
  'missing_scope',
  'not_allowed_token_type',
  'paid_only',
  'not_authorized',
  'access_denied',
]);
/** The log's page size (Slack's default is 100; it pages with page/pages, not a cursor). */
const LOG_PAGE = 1000;

/**
 * The integration log, every page, replayed into the apps installed now. Only an admin's user
 * token with the `admin` scope on a paid plan may read it; any other token leaves which apps
 * read messages unknown, and that is a gap, never an empty list.
 */
async function readApps(api: SlackApi, out: TargetOutput): Promise<InstalledApp[] | undefined> {
  try {
    const logs = await readAllPages('team.integrationLogs', async (page) => {
      const number = page ? Number(page) : 1;
      const answer = await api.call('team.integrationLogs', { count: LOG_PAGE, page: number });
      const parsed = ApiIntegrationLogPageSchema.safeParse(answer);
      if (!parsed.success) throw new SlackCallError('team.integrationLogs', 'answered without a "logs" list');
      const pages = parsed.data.paging?.pages ?? 1;
      return { items: parsed.data.logs, next: number < pages ? String(number + 1) : undefined };
    });
    // An entry we cannot read could be the one that added an app: said, never dropped silently.
    const entries = parseEach(logs, ApiIntegrationLogSchema, 'team.integrationLogs', 'log entry', out);
    return installedApps(entries);
  } catch (error) {
    if (!(error instanceof SlackCallError && error.slackCode && LOG_UNREADABLE.has(error.slackCode))) throw error;
    out.gap({
      kind: 'slack.apps',
      detail: `the apps installed in the workspace, and whether their scopes read messages, were not read: Slack shows them only in the integration log, to a workspace admin's user token with the admin scope on a paid plan (${error.message})`,
    });
    return undefined;
  }
}

/** conversations.members for every channel that has members: one call per channel and page (see README). */
async function readMembers(
  api: SlackApi,
  channels: readonly ApiChannel[],
  queue: AdaptiveQueue,
): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  const work = channels
    .filter((c) => c.num_members === undefined || c.num_members > 0)
    .map((c) =>
      queue.add(async () => {
        const list = await api.list('conversations.members', { channel: c.id }, 'members');
        const ids = list.items.filter((m): m is string => typeof m === 'string');
        if (ids.length !== list.items.length) {
          throw new SlackCallError('conversations.members', `answered members that are not user ids for #${c.name}`);
        }
        members.set(c.id, [...new Set(ids)]);
      }),
    );
  try {
    await Promise.all(work);
  } finally {
    // One failure fails the target; the channels still queued are not worth asking about.
    queue.clear();
  }
  return members;
}

async function readExternalTeams(
  api: SlackApi,
  team: ApiTeam,
  channels: readonly ApiChannel[],
): Promise<Map<string, ApiTeam>> {
  const ids = new Set<string>();
  for (const c of channels) {
    if (!c.is_ext_shared) continue;
    const internal = new Set([team.id, ...(c.internal_team_ids ?? [])]);
    for (const id of c.shared_team_ids ?? []) if (!internal.has(id)) ids.add(id);
  }
  const teams = new Map<string, ApiTeam>();
  for (const id of [...ids].sort()) {
    try {
      teams.set(id, await readTeam(api, id));
    } catch (error) {
      if (error instanceof SlackCallError && error.slackCode && NAME_UNAVAILABLE.has(error.slackCode)) continue;
      throw error;
    }
  }
  return teams;
}

/**
 * Each item checked on its own: one odd record is a gap named by id (or position), never silently
 * dropped, and the rest still count. Records with an id are kept once each (a page served twice
 * lists its records twice); records without one (log entries) all count.
 */
function parseEach<T>(
  items: readonly unknown[],
  schema: z.ZodType<T>,
  method: string,
  noun: string,
  out: TargetOutput,
): T[] {
  const byKey = new Map<string, T>();
  const unreadable: string[] = [];
  for (const [index, item] of items.entries()) {
    const parsed = schema.safeParse(item);
    if (parsed.success) byKey.set(idOf(parsed.data) ?? `#${index}`, parsed.data);
    else unreadable.push(idOf(item) ?? `#${index + 1}`);
  }
  if (unreadable.length > 0) {
    out.gap({
      kind: 'records-invalid',
      detail: `${method}: ${unreadable.length} ${noun}(s) did not have the expected shape: ${unreadable.slice(0, 10).join(', ')}`,
      count: unreadable.length,
    });
  }
  return [...byKey.values()];
}

function idOf(item: unknown): string | undefined {
  if (item && typeof item === 'object' && 'id' in item && typeof item.id === 'string') return item.id;
  return undefined;
}
