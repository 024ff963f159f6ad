// Turns what Slack answered into lanekeeper's records: one account per user (and per external
// team, and per person of another workspace in a channel), the workspace grant of every full
// member, one grant per channel membership, and one per Slack Connect share. Pure, and sorted,
// so the same answers give the same inventory.

import { normalizeEmail } from '../../src/core/identity.js';
import type { Account, Gap, Grant } from '../../src/core/model.js';
import { appRecords, type InstalledApp } from './apps.js';
import { type SlackPermission, WORKSPACE } from './classify.js';
import type { ApiChannel, ApiTeam, ApiUser, ApiUserGroup } from './schema.js';

export const SYSTEM = 'slack';
/**
 * Slack's own bot, in every workspace's users.list as a person (not is_bot, no email). It is
 * Slack's, not the workspace's: no one can remove it, nor sign in as it, so it is no account.
 */
export const SLACKBOT = 'USLACKBOT';

export interface WorkspaceAnswers {
  team: ApiTeam;
  users: ApiUser[];
  /** Channels the token can see, archived ones included (their members still read the history). */
  channels: ApiChannel[];
  /** Members of each channel (by channel id) whose members were listed. */
  members: ReadonlyMap<string, readonly string[]>;
  /** Names of the other organisations' teams, when team.info told them. */
  externalTeams: ReadonlyMap<string, ApiTeam>;
  /** User groups with their members and default channels (none when they could not be read). */
  userGroups?: readonly ApiUserGroup[];
  /** Apps installed now (the integration log replayed); undefined when the log could not be read. */
  apps?: readonly InstalledApp[];
  /**
   * users.info's answers about channel members users.list did not list: people of other
   * workspaces, and people of this one who joined after the list was read.
   */
  otherUsers?: readonly ApiUser[];
  /** Channel members Slack would not describe (id → Slack's reason): a gap, never dropped. */
  unidentified?: ReadonlyMap<string, string>;
}

export interface WorkspaceRecords {
  accounts: Account[];
  grants: Grant[];
  /** What the token could not see: each a gap on the workspace. */
  gaps: Gap[];
}

export type SlackRole =
  | 'org-primary-owner'
  | 'org-owner'
  | 'org-admin'
  | 'primary-owner'
  | 'owner'
  | 'admin'
  | 'member'
  | 'multi-channel-guest'
  | 'single-channel-guest'
  | 'bot';

export function roleOf(user: ApiUser): SlackRole {
  if (isBot(user)) return 'bot';
  // An Enterprise Grid org role outranks any role in the workspace: its holder manages every
  // workspace of the organisation, and taking a workspace role away leaves that power intact.
  const org = user.enterprise_user;
  if (org?.is_primary_owner) return 'org-primary-owner';
  if (org?.is_owner) return 'org-owner';
  if (org?.is_admin) return 'org-admin';
  if (user.is_primary_owner) return 'primary-owner';
  if (user.is_owner) return 'owner';
  if (user.is_admin) return 'admin';
  // Single-channel guests carry both flags, so the narrower one is asked first.
  if (user.is_ultra_restricted) return 'single-channel-guest';
  if (user.is_restricted) return 'multi-channel-guest';
  return 'member';
}

/** The workspace-wide permission of a role; guests and bots have none. */
function workspacePermission(role: SlackRole): Extract<SlackPermission, SlackRole> | undefined {
  switch (role) {
    case 'org-primary-owner':
    case 'org-owner':
    case 'org-admin':
    case 'primary-owner':
    case 'owner':
    case 'admin':
    case 'member':
      return role;
    default:
      return undefined;
  }
}

function isOrgRole(role: SlackRole): role is 'org-primary-owner' | 'org-owner' | 'org-admin' {
  return role.startsWith('org-');
}

/** The role the workspace's own flags give an org admin or owner (always a full member). */
function workspaceRole(user: ApiUser): string {
  if (user.is_primary_owner) return 'primary-owner';
  if (user.is_owner) return 'owner';
  if (user.is_admin) return 'admin';
  return 'full member';
}

function orgLine(role: SlackRole, user: ApiUser, teamName: string): string {
  const org = user.enterprise_user;
  const name = org?.enterprise_name ?? org?.enterprise_id ?? 'its';
  const id = org?.enterprise_name && org.enterprise_id ? ` (${org.enterprise_id})` : '';
  const what = role === 'org-primary-owner' ? 'primary owner' : role === 'org-owner' ? 'owner' : 'admin';
  return `${what} of the Enterprise Grid organisation ${name}${id}: manages every workspace of it, ${teamName} included`;
}

export function isGuest(role: SlackRole): boolean {
  return role === 'multi-channel-guest' || role === 'single-channel-guest';
}

// Not is_app_user: Slack sets it on a person who authorized the calling app (often the admin who
// installed lanekeeper's), and that person keeps every grant and check a person has.
function isBot(user: ApiUser): boolean {
  return Boolean(user.is_bot);
}

/** The instant a guest account ends, from Slack's epoch seconds (0 means never). */
export function guestExpiry(user: ApiUser): string | undefined {
  const ts = user.profile?.guest_expiration_ts;
  return typeof ts === 'number' && ts > 0 ? new Date(ts * 1000).toISOString() : undefined;
}

export function buildRecords(answers: WorkspaceAnswers): WorkspaceRecords {
  const { team } = answers;
  const teamName = team.name ?? team.id;
  const accounts: Account[] = [];
  const grants: Grant[] = [];
  const gaps: Gap[] = [];
  // users.info answers people of other workspaces (team_id tells) and our own who joined late.
  const ownTeam = (u: ApiUser) => u.team_id === undefined || u.team_id === team.id;
  const others = answers.otherUsers ?? [];
  const workspaceUsers = [...answers.users, ...others.filter(ownTeam)].filter((u) => u.id !== SLACKBOT);
  const outsiders = others.filter((u) => !ownTeam(u));
  const outsiderIds = new Set(outsiders.map((u) => u.id));
  const usersById = new Map([...workspaceUsers, ...outsiders].map((u) => [u.id, u]));
  const unidentified = answers.unidentified ?? new Map<string, string>();

  const channel = (c: ApiChannel) => `#${c.name}`;
  const publicChannels = answers.channels
    .filter((c) => !c.is_private)
    .map(channel)
    .sort(compare);

  const grant = (
    fields: Omit<Grant, 'system' | 'target' | 'lanes' | 'level'> & { permission: SlackPermission },
  ): void => {
    // Lanes and level are the pipeline's classify step's to set.
    grants.push({ system: SYSTEM, target: team.id, ...fields, lanes: [], level: 'read' });
  };

  let twoFactorHidden = 0;
  let livePeople = 0;
  for (const user of outsiders) accounts.push(outsiderAccount(user, team, answers.externalTeams));
  for (const user of workspaceUsers) {
    const role = roleOf(user);
    const account = accountOf(user, role, team);
    accounts.push(account);
    if (account.status === 'deleted') continue; // a deactivated account holds nothing live
    if (account.kind === 'human') {
      livePeople++;
      if (user.has_2fa === undefined) twoFactorHidden++;
    }
    // Full members (not guests, not bots) can join and read every public channel.
    const permission = workspacePermission(role);
    if (account.kind === 'human' && permission) {
      const admin = permission !== 'member';
      grant({
        account: user.id,
        resource: WORKSPACE,
        permission,
        via: admin ? 'org-role' : 'membership',
        evidence: [
          ...(isOrgRole(role)
            ? [orgLine(role, user, teamName), `${workspaceRole(user)} of the ${teamName} workspace itself`]
            : [admin ? `${role} of the ${teamName} workspace` : `full member of the ${teamName} workspace`]),
          `can read every public channel (${publicChannels.length})`,
          ...(account.status === 'invited' ? ['invited, has not joined yet'] : []),
        ],
        attributes: { publicChannels },
      });
    }
  }
  if (twoFactorHidden > 0) {
    gaps.push({
      kind: 'slack.two-factor',
      detail:
        `two-factor status is not visible to this token for ${twoFactorHidden} of ${livePeople} active people ` +
        '(Slack shows has_2fa only to admins): 2FA was not checked; use a workspace admin’s user token to see it',
      count: twoFactorHidden,
    });
  }

  const addedBy = defaultChannelGroups(answers.userGroups ?? []);
  const externalIds = new Set<string>();
  const unreadable: string[] = [];
  const unknownIn = new Map<string, number>();
  for (const c of answers.channels) {
    const name = channel(c);
    const members = answers.members.get(c.id) ?? [];
    let foreign = 0;
    for (const memberId of members) {
      if (memberId === SLACKBOT) continue;
      const user = usersById.get(memberId);
      if (!user) {
        // Neither users.list nor users.info described them: said in the gap below, never dropped.
        foreign++;
        if (unidentified.has(memberId)) unknownIn.set(name, (unknownIn.get(name) ?? 0) + 1);
        continue;
      }
      const outsider = outsiderIds.has(user.id);
      if (outsider) foreign++;
      if (user.deleted) continue;
      const role = outsider ? undefined : roleOf(user);
      const groups = addedBy.get(`${c.id} ${user.id}`) ?? [];
      // A guest's expiry is Slack's promise to remove the account, not a limit on the grant:
      // while Slack lists the guest as active the access works, so it rides on the account.
      grant({
        account: user.id,
        resource: name,
        permission: c.is_archived ? 'archived-channel-member' : 'channel-member',
        via: 'membership',
        evidence: [
          c.is_archived
            ? `member of archived ${c.is_private ? 'private' : 'public'} channel ${name}: it takes no new messages, but its history stays readable`
            : `member of ${c.is_private ? 'private' : 'public'} channel ${name}`,
          ...(role && isGuest(role) ? [guestLine(role, guestExpiry(user))] : []),
          ...(outsider ? [outsiderLine(user, c, team, answers.externalTeams)] : []),
          ...(c.is_ext_shared ? [`${name} is shared with other organisations through Slack Connect`] : []),
          ...groups.map(
            (g) => `in user group @${g}, whose default channels include ${name}: Slack adds its members there`,
          ),
        ],
        attributes: {
          channelId: c.id,
          private: Boolean(c.is_private),
          sharedExternally: Boolean(c.is_ext_shared),
          ...(c.is_archived ? { archived: true } : {}),
          ...(groups.length > 0 ? { userGroups: groups } : {}),
        },
      });
    }

    if (!c.is_ext_shared) continue;
    const internal = new Set([team.id, ...(c.internal_team_ids ?? [])]);
    const external = unique(c.shared_team_ids ?? []).filter((id) => !internal.has(id));
    const pending = unique([...(c.pending_shared ?? []), ...(c.pending_connected_team_ids ?? [])]).filter(
      (id) => !internal.has(id),
    );
    if (external.length === 0) {
      unreadable.push(name);
      continue;
    }
    for (const teamId of external) {
      externalIds.add(teamId);
      grant({
        account: externalAccountId(teamId),
        resource: name,
        permission: 'slack-connect',
        via: 'membership',
        evidence: [
          `${name} is shared through Slack Connect with ${describeTeam(teamId, answers.externalTeams)}`,
          ...(pending.length > 0 ? [`pending shares (not yet accepted): ${pending.join(', ')}`] : []),
          ...(foreign > 0 ? [`${foreign} member(s) of ${name} belong to other organisations`] : []),
        ],
        attributes: { channelId: c.id, private: Boolean(c.is_private), sharedExternally: true },
      });
    }
  }
  const unknownChannels = [...unknownIn.keys()].sort(compare);
  if (unknownChannels.length > 0) {
    const reasons = unique([...unidentified.values()]);
    gaps.push({
      kind: 'slack.unknown-members',
      detail:
        `${unidentified.size} channel member(s) could not be identified (users.list does not list them and ` +
        `users.info answered ${reasons.join(', ')}): who they are, and what they hold, is unknown: ` +
        unknownChannels.map((n) => `${n} (${unknownIn.get(n)})`).join(', '),
      count: unidentified.size,
    });
  }
  if (unreadable.length > 0) {
    gaps.push({
      kind: 'slack.connect-teams',
      detail:
        `Slack says ${unreadable.join(', ')} ${unreadable.length === 1 ? 'is' : 'are'} shared with other organisations ` +
        'but not with which: those teams are not in the inventory',
      count: unreadable.length,
    });
  }

  for (const teamId of [...externalIds].sort(compare)) {
    const info = answers.externalTeams.get(teamId);
    accounts.push({
      system: SYSTEM,
      target: team.id,
      id: externalAccountId(teamId),
      login: info?.name ?? teamId,
      ...(info?.name ? { displayName: info.name } : {}),
      emails: [],
      kind: 'external',
      status: 'active',
      role: 'slack-connect-team',
      attributes: { teamId, ...(info?.domain ? { domain: info.domain } : {}) },
    });
  }

  // Apps whose scopes read messages reach every channel, archived ones included.
  const allChannels = answers.channels.map(channel).sort(compare);
  for (const app of answers.apps ?? []) {
    const records = appRecords(app, team.id, allChannels);
    if (!records) continue;
    accounts.push(records.account);
    grants.push(records.grant);
  }

  accounts.sort((a, b) => compare(a.id, b.id));
  grants.sort(
    (a, b) => compare(a.account, b.account) || compare(a.resource, b.resource) || compare(a.permission, b.permission),
  );
  return { accounts, grants, gaps };
}

/** "<channel id> <user id>" → the handles of the groups that add that user to that channel by default. */
function defaultChannelGroups(groups: readonly ApiUserGroup[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of [...groups].sort((a, b) => compare(a.handle ?? a.id, b.handle ?? b.id))) {
    const channels = [...(g.prefs?.channels ?? []), ...(g.prefs?.groups ?? [])];
    for (const channel of channels)
      for (const user of g.users ?? []) {
        const key = `${channel} ${user}`;
        out.set(key, [...(out.get(key) ?? []), g.handle ?? g.id]);
      }
  }
  return out;
}

export function externalAccountId(teamId: string): string {
  return `team:${teamId}`;
}

/** Who a user is, as every account of one says it: the workspace, the id, the handle, name and email. */
function identityOf(
  user: ApiUser,
  team: ApiTeam,
): Pick<Account, 'system' | 'target' | 'id' | 'login' | 'displayName' | 'emails'> {
  const profile = user.profile ?? {};
  const email = profile.email ? normalizeEmail(profile.email) : undefined;
  const displayName = profile.real_name || user.real_name || profile.display_name;
  return {
    system: SYSTEM,
    target: team.id,
    id: user.id,
    login: user.name || user.id,
    ...(displayName ? { displayName } : {}),
    emails: email ? [email] : [],
  };
}

function accountOf(user: ApiUser, role: SlackRole, team: ApiTeam): Account {
  const profile = user.profile ?? {};
  const endsAt = isGuest(role) ? guestExpiry(user) : undefined;
  const attributes: Account['attributes'] = {};
  if (profile.guest_invited_by) attributes.invitedBy = profile.guest_invited_by;
  if (user.has_2fa && user.two_factor_type) attributes.twoFactorType = user.two_factor_type;
  return {
    ...identityOf(user, team),
    kind: role === 'bot' ? 'bot' : 'human',
    status: user.deleted ? 'deleted' : user.is_invited_user ? 'invited' : 'active',
    role,
    ...(endsAt ? { endsAt } : {}),
    // A bot signs in with a token, not a password: 2FA says nothing about it.
    ...(user.has_2fa !== undefined && role !== 'bot' ? { mfa: user.has_2fa } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

/**
 * A person of another workspace in one of ours (Slack Connect, an org-shared channel): an account
 * of its own, `external`, beside the `team:T…` account of a Slack Connect share. The team stands for
 * the organisation and whoever its admins add next; the person is who is in the channel now, and
 * may be someone the register knows by email.
 */
function outsiderAccount(user: ApiUser, team: ApiTeam, teams: ReadonlyMap<string, ApiTeam>): Account {
  const teamId = user.team_id ?? '';
  const teamName = teams.get(teamId)?.name;
  return {
    ...identityOf(user, team),
    kind: 'external',
    status: user.deleted ? 'deleted' : 'active',
    role: 'external-member',
    attributes: { teamId, ...(teamName ? { teamName } : {}), ...(user.is_stranger ? { stranger: true } : {}) },
  };
}

function outsiderLine(user: ApiUser, c: ApiChannel, team: ApiTeam, teams: ReadonlyMap<string, ApiTeam>): string {
  const teamId = user.team_id ?? '';
  const name = teams.get(teamId)?.name;
  const who = `a member of ${name ? `${name} (${teamId})` : `workspace ${teamId}`}, not of ${team.name ?? team.id}`;
  if (c.is_ext_shared && c.shared_team_ids?.includes(teamId)) {
    return `${who}: #${c.name} is shared with it through Slack Connect`;
  }
  if (c.is_org_shared) return `${who}: #${c.name} is shared between workspaces of the Enterprise Grid organisation`;
  return who;
}

function guestLine(role: SlackRole, expiresAt: string | undefined): string {
  const kind = role === 'single-channel-guest' ? 'single-channel guest' : 'multi-channel guest';
  return expiresAt ? `${kind}; Slack is to remove the guest at ${expiresAt}` : `${kind} with no expiry date in Slack`;
}

function describeTeam(teamId: string, teams: ReadonlyMap<string, ApiTeam>): string {
  const name = teams.get(teamId)?.name;
  return name ? `${name} (${teamId})` : teamId;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compare);
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
