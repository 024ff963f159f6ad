// The slack block of the config, and zod schemas for the few fields of Slack's answers the
// collector reads (nothing more, so an answer that grows new fields never breaks us).
import { z } from 'zod';
import { ConnectorCommonSchema } from '../../src/core/config.js';

/** Channel globs ("#support", "#customers*"); a glob written without "#" gets one. */
const ChannelGlobs = z.array(z.string().trim().min(1)).default([]);

export const SlackLanesSchema = z.strictObject({
  /** Channels where customer data is discussed: membership is data access. */
  data: ChannelGlobs,
  /** Channels that operate production (incidents, deploys). */
  production: ChannelGlobs,
});
export type SlackLanes = z.infer<typeof SlackLanesSchema>;

export const SlackConfigSchema = z.strictObject({
  ...ConnectorCommonSchema.shape,
  /** A bot token (xoxb-…), normally "${SLACK_TOKEN}"; an admin's user token (xoxp-…) also sees 2FA. */
  token: z.string().min(1),
  /** Where the Web API lives; the sandbox points this at its emulator ("http://127.0.0.1:PORT/api/"). */
  slackApiUrl: z.url().optional(),
  lanes: SlackLanesSchema.default({ data: [], production: [] }),
});
export type SlackConfig = z.infer<typeof SlackConfigSchema>;

// ---- Slack answers: only the fields we read ----

const Flag = z.boolean().optional();

export const ApiTeamSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  domain: z.string().optional(),
});
export type ApiTeam = z.infer<typeof ApiTeamSchema>;

export const ApiUserSchema = z.object({
  id: z.string().min(1),
  /** The user's own workspace: another one's for people in Slack Connect and org-shared channels. */
  team_id: z.string().optional(),
  /** users.info of another workspace's person that no shared channel visible to the token holds. */
  is_stranger: Flag,
  /** The handle. */
  name: z.string().optional(),
  real_name: z.string().optional(),
  deleted: Flag,
  is_admin: Flag,
  is_owner: Flag,
  is_primary_owner: Flag,
  /** Multi-channel guest (single-channel guests have both flags). */
  is_restricted: Flag,
  /** Single-channel guest. */
  is_ultra_restricted: Flag,
  is_bot: Flag,
  is_app_user: Flag,
  is_invited_user: Flag,
  /** Only present when the token may see it (an admin's token); absent is "unknown", never false. */
  has_2fa: Flag,
  two_factor_type: z.string().optional(),
  /**
   * Enterprise Grid: the user's role in the organisation, which the workspace flags above do not
   * show. An org admin or owner manages every workspace of the organisation.
   */
  enterprise_user: z
    .object({
      enterprise_id: z.string().optional(),
      enterprise_name: z.string().optional(),
      is_admin: Flag,
      is_owner: Flag,
      is_primary_owner: Flag,
    })
    .optional(),
  profile: z
    .object({
      email: z.string().optional(),
      real_name: z.string().optional(),
      display_name: z.string().optional(),
      /** Epoch seconds; 0 or absent when the guest does not expire. */
      guest_expiration_ts: z.number().nullish(),
      guest_invited_by: z.string().nullish(),
    })
    .optional(),
});
export type ApiUser = z.infer<typeof ApiUserSchema>;

export const ApiChannelSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  is_private: Flag,
  is_archived: Flag,
  is_ext_shared: Flag,
  /** Shared with other workspaces of the same Enterprise Grid organisation. */
  is_org_shared: Flag,
  is_pending_ext_shared: Flag,
  shared_team_ids: z.array(z.string()).optional(),
  internal_team_ids: z.array(z.string()).optional(),
  pending_shared: z.array(z.string()).optional(),
  pending_connected_team_ids: z.array(z.string()).optional(),
  num_members: z.number().optional(),
});
export type ApiChannel = z.infer<typeof ApiChannelSchema>;

export const ApiTeamInfoSchema = z.object({ team: ApiTeamSchema });

/** One entry of team.integrationLogs: an app (or legacy service) added, changed or removed. */
export const ApiIntegrationLogSchema = z.object({
  app_id: z.union([z.string(), z.number()]).optional(),
  app_type: z.string().optional(),
  service_id: z.union([z.string(), z.number()]).optional(),
  service_type: z.string().optional(),
  user_id: z.string().optional(),
  user_name: z.string().optional(),
  /** Epoch seconds, as a string. */
  date: z.union([z.string(), z.number()]).optional(),
  change_type: z.string(),
  scope: z.string().optional(),
  channel: z.string().optional(),
  reason: z.string().optional(),
});
export type ApiIntegrationLog = z.infer<typeof ApiIntegrationLogSchema>;

export const ApiIntegrationLogPageSchema = z.object({
  logs: z.array(z.unknown()),
  paging: z.object({ page: z.number().optional(), pages: z.number().optional() }).optional(),
});

/** A user group (a handle such as @support) with its members and the channels it adds them to. */
export const ApiUserGroupSchema = z.object({
  id: z.string().min(1),
  handle: z.string().optional(),
  name: z.string().optional(),
  date_delete: z.number().optional(),
  prefs: z.object({ channels: z.array(z.string()).optional(), groups: z.array(z.string()).optional() }).optional(),
  users: z.array(z.string()).optional(),
});
export type ApiUserGroup = z.infer<typeof ApiUserGroupSchema>;
