// The Web API's answers as the emulator writes them, derived from a scenario. The interfaces
// are checked against @slack/web-api's response types in test/connectors/slack/wire.test.ts.
import type { ScenarioChannel, ScenarioUser, SlackScenario } from './scenario.js';

export interface WireResponseMetadata {
  next_cursor: string;
}

export interface WireProfile {
  real_name: string;
  real_name_normalized: string;
  display_name: string;
  display_name_normalized: string;
  email?: string;
  team: string;
  guest_expiration_ts?: number;
  guest_invited_by?: string;
  bot_id?: string;
}

export interface WireUser {
  id: string;
  team_id: string;
  name: string;
  deleted: boolean;
  real_name: string;
  tz: string;
  tz_label: string;
  tz_offset: number;
  profile: WireProfile;
  is_admin: boolean;
  is_owner: boolean;
  is_primary_owner: boolean;
  is_restricted: boolean;
  is_ultra_restricted: boolean;
  is_bot: boolean;
  is_app_user: boolean;
  is_email_confirmed: boolean;
  updated: number;
  has_2fa?: boolean;
  two_factor_type?: string;
  is_invited_user?: boolean;
  /** Enterprise Grid: the user's place in the organisation. */
  enterprise_user?: WireEnterpriseUser;
  /** users.info of another workspace's person: false when a shared channel the token sees holds them. */
  is_stranger?: boolean;
}

export interface WireEnterpriseUser {
  id: string;
  enterprise_id: string;
  enterprise_name: string;
  is_admin: boolean;
  is_owner: boolean;
  is_primary_owner: boolean;
  teams: string[];
}

/** What users.info tells of another workspace's person no shared channel visible to the token holds. */
export interface WireStranger {
  id: string;
  team_id: string;
  name: string;
  is_stranger: true;
  profile: { team: string };
}

export interface WireTopic {
  value: string;
  creator: string;
  last_set: number;
}

export interface WireChannel {
  id: string;
  name: string;
  name_normalized: string;
  is_channel: boolean;
  is_group: boolean;
  is_im: boolean;
  is_mpim: boolean;
  is_private: boolean;
  is_archived: boolean;
  is_general: boolean;
  is_shared: boolean;
  is_org_shared: boolean;
  is_ext_shared: boolean;
  is_pending_ext_shared: boolean;
  shared_team_ids: string[];
  internal_team_ids?: string[];
  pending_shared: string[];
  pending_connected_team_ids: string[];
  context_team_id: string;
  conversation_host_id: string;
  is_member: boolean;
  num_members: number;
  created: number;
  updated: number;
  unlinked: number;
  creator: string;
  topic: WireTopic;
  purpose: WireTopic;
  previous_names: string[];
}

export interface WireTeam {
  id: string;
  name: string;
  domain: string;
  email_domain?: string;
}

export interface WireUsersList {
  ok: true;
  members: WireUser[];
  cache_ts: number;
  response_metadata: WireResponseMetadata;
}

export interface WireConversationsList {
  ok: true;
  channels: WireChannel[];
  response_metadata: WireResponseMetadata;
}

export interface WireConversationsMembers {
  ok: true;
  members: string[];
  response_metadata: WireResponseMetadata;
}

export interface WireUsersInfo {
  ok: true;
  user: WireUser | WireStranger;
}

export interface WireTeamInfo {
  ok: true;
  team: WireTeam;
}

export interface WireError {
  ok: false;
  error: string;
  needed?: string;
  provided?: string;
}

const DAY_S = 86_400;

/** Epoch seconds of a scenario date: a plain date means the last second of that day (UTC). */
export function epochSeconds(value: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00Z`) / 1000 + DAY_S - 1;
  return Math.floor(Date.parse(value) / 1000);
}

export interface WireView {
  seesEmail: boolean;
  seesTwoFactor: boolean;
  /** A fixed instant so answers are the same on every run. */
  nowSeconds: number;
}

/** The fields every person's record carries, of this workspace or another. */
function wirePerson(
  user: Pick<ScenarioUser, 'id' | 'name' | 'realName' | 'email' | 'bot' | 'deleted'>,
  teamId: string,
  view: WireView,
): Pick<WireUser, 'id' | 'team_id' | 'name' | 'deleted' | 'real_name' | 'tz' | 'tz_label' | 'tz_offset' | 'profile'> {
  const realName = user.realName ?? user.name;
  const profile: WireProfile = {
    real_name: realName,
    real_name_normalized: realName,
    display_name: user.name,
    display_name_normalized: user.name,
    team: teamId,
  };
  if (user.email && view.seesEmail && !user.bot) profile.email = user.email;
  return {
    id: user.id,
    team_id: teamId,
    name: user.name,
    deleted: user.deleted,
    real_name: realName,
    tz: 'Europe/London',
    tz_label: 'Greenwich Mean Time',
    tz_offset: 0,
    profile,
  };
}

export function wireUser(user: ScenarioUser, scenario: SlackScenario, view: WireView): WireUser {
  const owner = user.role === 'owner' || user.role === 'primary-owner';
  const admin = owner || user.role === 'admin';
  const single = user.role === 'single-channel-guest';
  const guest = single || user.role === 'multi-channel-guest';
  const person = wirePerson(user, scenario.team.id, view);
  const profile = person.profile;
  if (guest && user.guestExpiresAt) profile.guest_expiration_ts = epochSeconds(user.guestExpiresAt);
  if (guest && user.invitedBy) profile.guest_invited_by = user.invitedBy;
  if (user.bot) profile.bot_id = `B${user.id.slice(1)}`;
  const wire: WireUser = {
    ...person,
    is_admin: admin,
    is_owner: owner,
    is_primary_owner: user.role === 'primary-owner',
    // Slack marks single-channel guests as restricted too.
    is_restricted: guest,
    is_ultra_restricted: single,
    is_bot: user.bot,
    is_app_user: user.authorizedTheApp,
    is_email_confirmed: !user.invited,
    updated: view.nowSeconds - DAY_S,
  };
  if (view.seesTwoFactor && !user.bot && !user.deleted) {
    wire.has_2fa = user.twoFactor;
    if (user.twoFactor) wire.two_factor_type = user.twoFactorType;
  }
  if (user.invited) wire.is_invited_user = true;
  if (scenario.enterprise) {
    const orgRole = user.orgRole ?? 'member';
    const orgOwner = orgRole === 'owner' || orgRole === 'primary-owner';
    wire.enterprise_user = {
      id: user.id,
      enterprise_id: scenario.enterprise.id,
      enterprise_name: scenario.enterprise.name,
      is_admin: orgOwner || orgRole === 'admin',
      is_owner: orgOwner,
      is_primary_owner: orgRole === 'primary-owner',
      teams: [scenario.team.id],
    };
  }
  return wire;
}

/** Slack's own bot: in every workspace's users.list, as Slack writes it (not is_bot, no email, no 2FA). */
export const SLACKBOT_ID = 'USLACKBOT';

export function wireSlackbot(scenario: SlackScenario): WireUser {
  return {
    id: SLACKBOT_ID,
    team_id: scenario.team.id,
    name: 'slackbot',
    deleted: false,
    real_name: 'Slackbot',
    tz: 'America/Los_Angeles',
    tz_label: 'Pacific Standard Time',
    tz_offset: -28_800,
    profile: {
      real_name: 'Slackbot',
      real_name_normalized: 'Slackbot',
      display_name: 'Slackbot',
      display_name_normalized: 'Slackbot',
      team: scenario.team.id,
    },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: false,
    is_app_user: false,
    is_email_confirmed: false,
    updated: 0,
  };
}

/** Another workspace's person as users.info answers them; most fields left out of a stranger. */
export function wireExternalUser(
  user: SlackScenario['externalUsers'][number],
  view: WireView,
  stranger: boolean,
): WireUser | WireStranger {
  if (stranger)
    return { id: user.id, team_id: user.teamId, name: user.name, is_stranger: true, profile: { team: user.teamId } };
  return {
    ...wirePerson(user, user.teamId, view),
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.bot,
    is_app_user: false,
    is_email_confirmed: true,
    updated: view.nowSeconds - DAY_S,
    is_stranger: false,
  };
}

export function wireChannel(channel: ScenarioChannel, scenario: SlackScenario, view: WireView): WireChannel {
  const shared = channel.sharedWith.length > 0 || channel.sharedWithUnnamed;
  const orgShared = channel.orgSharedWith.length > 0;
  const pending = channel.pendingSharedWith;
  const created = view.nowSeconds - 400 * DAY_S;
  return {
    id: channel.id,
    name: channel.name,
    name_normalized: channel.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: channel.private,
    is_archived: channel.archived,
    is_general: channel.general,
    is_shared: shared || orgShared,
    is_org_shared: orgShared,
    is_ext_shared: shared,
    is_pending_ext_shared: pending.length > 0,
    shared_team_ids: [scenario.team.id, ...channel.orgSharedWith, ...channel.sharedWith],
    ...(orgShared ? { internal_team_ids: [scenario.team.id, ...channel.orgSharedWith] } : {}),
    pending_shared: [...pending],
    pending_connected_team_ids: [...pending],
    context_team_id: scenario.team.id,
    conversation_host_id: scenario.team.id,
    is_member: channel.private,
    num_members: channel.members.length + channel.externalMembers.length,
    created,
    updated: created,
    unlinked: 0,
    creator: scenario.users[0]?.id ?? '',
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    previous_names: [],
  };
}
