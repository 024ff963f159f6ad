// What the Slack emulator serves: one workspace described the way its admin sees it (people
// and their roles, channels and who is in them, which organisations a channel is shared with,
// what the token may read). The emulator derives the Web API's own answers from it.
import { z } from 'zod';
import { INTEGRATION_LOG_SCOPE, REQUIRED_SCOPES } from '../operations.js';

/** The sandbox's token is a workspace admin's user token by default: it sees 2FA and the integration log. */
const ADMIN_TOKEN_SCOPES = [...REQUIRED_SCOPES, INTEGRATION_LOG_SCOPE];

const UserId = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack user id (U…)');
const TeamId = z.string().regex(/^T[A-Z0-9]{2,20}$/, 'a Slack team id (T…)');
const ChannelId = z.string().regex(/^[CG][A-Z0-9]{2,20}$/, 'a Slack channel id (C…)');
/** A date (YYYY-MM-DD: the guest goes at the end of that day, UTC) or an ISO instant. */
const DateOrInstant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'a date or an ISO instant');

export const ROLES = [
  'primary-owner',
  'owner',
  'admin',
  'member',
  'multi-channel-guest',
  'single-channel-guest',
] as const;

export const ScenarioUserSchema = z.strictObject({
  id: UserId,
  /** The handle. */
  name: z.string().min(1),
  realName: z.string().optional(),
  email: z.string().optional(),
  role: z.enum(ROLES).default('member'),
  /**
   * The user's role in the Enterprise Grid organisation (`enterprise`), whatever their role in this
   * workspace: users.list says it in `enterprise_user`.
   */
  orgRole: z.enum(['primary-owner', 'owner', 'admin', 'member']).optional(),
  /** A bot user (is_bot): an app's or an integration's. */
  bot: z.boolean().default(false),
  /**
   * A person who authorized the calling app (is_app_user). Still a person: Slack sets the flag on
   * whoever installed or authorized the app the token belongs to, often an admin.
   */
  authorizedTheApp: z.boolean().default(false),
  deleted: z.boolean().default(false),
  invited: z.boolean().default(false),
  twoFactor: z.boolean().default(false),
  twoFactorType: z.enum(['app', 'sms']).default('app'),
  guestExpiresAt: DateOrInstant.optional(),
  /** Who invited the guest. */
  invitedBy: UserId.optional(),
  /** Joined after users.list was read: users.list leaves them out, users.info answers them. */
  joinedDuringScan: z.boolean().default(false),
});
export type ScenarioUser = z.infer<typeof ScenarioUserSchema>;

export const ScenarioChannelSchema = z.strictObject({
  id: ChannelId,
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, 'a channel name without "#"'),
  private: z.boolean().default(false),
  archived: z.boolean().default(false),
  general: z.boolean().default(false),
  members: z.array(UserId).default([]),
  /**
   * Members of other workspaces (Slack Connect, org-shared): in conversations.members, not in
   * users.list; users.info answers those in `externalUsers`, and user_not_found for the others.
   */
  externalMembers: z.array(UserId).default([]),
  /** Teams of other organisations the channel is shared with through Slack Connect. */
  sharedWith: z.array(TeamId).default([]),
  /** Other workspaces of the same Enterprise Grid organisation the channel is shared with (is_org_shared). */
  orgSharedWith: z.array(TeamId).default([]),
  /** Slack Connect invitations sent but not yet accepted. */
  pendingSharedWith: z.array(TeamId).default([]),
  /** Shared with other organisations, but Slack's answer does not say which (shared_team_ids holds only ours). */
  sharedWithUnnamed: z.boolean().default(false),
  /** A private channel the app was not invited to is invisible to a bot token. */
  visibleToToken: z.boolean().default(true),
});
export type ScenarioChannel = z.infer<typeof ScenarioChannelSchema>;

export const SlackScenarioSchema = z
  .strictObject({
    team: z.strictObject({
      id: TeamId,
      name: z.string().min(1),
      domain: z.string().regex(/^[a-z0-9-]+$/),
    }),
    token: z
      .strictObject({
        /** The scopes the installed app was granted; a method needing another answers missing_scope. */
        scopes: z.array(z.string()).default(ADMIN_TOKEN_SCOPES),
        /** Slack shows has_2fa only to admins' tokens; false drops the field from users.list. */
        seesTwoFactor: z.boolean().default(true),
        /** Slack names the token's scopes in x-oauth-scopes; false leaves the header out (a proxy may strip it). */
        announcesScopes: z.boolean().default(true),
      })
      .default({ scopes: ADMIN_TOKEN_SCOPES, seesTwoFactor: true, announcesScopes: true }),
    /**
     * The workspace is part of an Enterprise Grid organisation: every user of users.list and
     * users.info carries `enterprise_user`, with the role `orgRole` gives (a member by default).
     */
    enterprise: z
      .strictObject({
        id: z.string().regex(/^E[A-Z0-9]{2,20}$/, 'an Enterprise Grid id (E…)'),
        name: z.string().min(1),
      })
      .optional(),
    /** User groups (@handles): their members and the channels they add members to by default. */
    userGroups: z
      .array(
        z.strictObject({
          id: z.string().regex(/^S[A-Z0-9]{2,20}$/),
          handle: z.string().regex(/^[a-z0-9._-]+$/),
          name: z.string().optional(),
          channels: z.array(ChannelId).default([]),
          users: z.array(UserId).default([]),
        }),
      )
      .default([]),
    /** The workspace is on the free plan: the integration log answers paid_only. */
    freePlan: z.boolean().default(false),
    /**
     * The integration log, as Slack keeps it: apps added, changed and removed, by whom, with which
     * scopes (the first entry for an app is usually `added`).
     */
    integrationLogs: z
      .array(
        z.strictObject({
          appId: z.string().regex(/^A[A-Z0-9]{2,20}$/),
          appName: z.string().min(1),
          userId: UserId,
          userName: z.string().min(1),
          date: DateOrInstant,
          change: z.enum(['added', 'removed', 'enabled', 'disabled', 'updated', 'expanded']),
          scopes: z.array(z.string()).default([]),
        }),
      )
      .default([]),
    /** Seconds sent in Retry-After with an HTTP 429. */
    retryAfterSeconds: z.number().int().nonnegative().default(1),
    users: z.array(ScenarioUserSchema).default([]),
    /** users.list also answers this many members without the fields Slack always sends (a broken record). */
    unreadableUsers: z.number().int().nonnegative().default(0),
    channels: z.array(ScenarioChannelSchema).default([]),
    /** People of other workspaces that users.info describes (team_id, is_stranger as Slack sets it). */
    externalUsers: z
      .array(
        z.strictObject({
          id: UserId,
          teamId: TeamId,
          name: z.string().min(1),
          realName: z.string().optional(),
          email: z.string().optional(),
          bot: z.boolean().default(false),
          deleted: z.boolean().default(false),
        }),
      )
      .default([]),
    /** Other organisations' teams that team.info may be asked about. */
    externalTeams: z
      .array(z.strictObject({ id: TeamId, name: z.string().min(1), domain: z.string().optional() }))
      .default([]),
  })
  .superRefine((s, ctx) => {
    const users = new Map(s.users.map((u) => [u.id, u]));
    if (users.size !== s.users.length)
      ctx.addIssue({ code: 'custom', path: ['users'], message: 'user ids must be unique' });
    const channelIds = new Set(s.channels.map((c) => c.id));
    const names = new Set(s.channels.map((c) => c.name));
    if (channelIds.size !== s.channels.length || names.size !== s.channels.length) {
      ctx.addIssue({ code: 'custom', path: ['channels'], message: 'channel ids and names must be unique' });
    }
    const channelsOf = new Map<string, number>();
    for (const [i, c] of s.channels.entries()) {
      for (const m of c.members) {
        if (!users.has(m))
          ctx.addIssue({ code: 'custom', path: ['channels', i, 'members'], message: `unknown user ${m}` });
        channelsOf.set(m, (channelsOf.get(m) ?? 0) + 1);
      }
      for (const m of c.externalMembers) {
        if (users.has(m)) {
          ctx.addIssue({
            code: 'custom',
            path: ['channels', i, 'externalMembers'],
            message: `${m} is a workspace user`,
          });
        }
      }
      if (c.sharedWith.includes(s.team.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'sharedWith'],
          message: 'a channel is not shared with its own team',
        });
      }
    }
    for (const [i, u] of s.externalUsers.entries()) {
      if (users.has(u.id) || u.teamId === s.team.id) {
        ctx.addIssue({ code: 'custom', path: ['externalUsers', i], message: `${u.id} is of another workspace` });
      }
    }
    for (const [i, u] of s.users.entries()) {
      if (u.role === 'single-channel-guest' && (channelsOf.get(u.id) ?? 0) > 1) {
        ctx.addIssue({ code: 'custom', path: ['users', i], message: 'a single-channel guest is in one channel only' });
      }
      if (u.orgRole && !s.enterprise) {
        ctx.addIssue({ code: 'custom', path: ['users', i, 'orgRole'], message: 'an org role needs an enterprise' });
      }
      if (u.guestExpiresAt && !u.role.endsWith('guest')) {
        ctx.addIssue({ code: 'custom', path: ['users', i, 'guestExpiresAt'], message: 'only guests expire' });
      }
    }
  });
export type SlackScenario = z.infer<typeof SlackScenarioSchema>;
