// A workspace with one of everything Slack can hold: each role, guests with and without an
// expiry, an invited user, a deactivated one, bots, channels in each lane, a private channel the
// app was not invited to, an archived channel and a Slack Connect share. Slackbot is in users.list
// too: the emulator lists it in every workspace, as Slack does.
export const TEAM = 'T0ACME';

export const LANES = { data: ['#support', '#customers*', 'partner-*'], production: ['#incidents'] };

export function everyKind() {
  return {
    team: { id: TEAM, name: 'Acme', domain: 'acme' },
    users: [
      { id: 'U0PRIM', name: 'pat', email: 'Pat@Acme.example', role: 'primary-owner', twoFactor: true },
      { id: 'U0OWN', name: 'oona', email: 'oona@acme.example', role: 'owner', twoFactor: true, twoFactorType: 'sms' },
      // The admin who installed the app the token belongs to: Slack marks them is_app_user.
      {
        id: 'U0ADM',
        name: 'adam',
        email: 'adam@acme.example',
        role: 'admin',
        twoFactor: false,
        authorizedTheApp: true,
      },
      { id: 'U0MEM', name: 'mel', realName: 'Mel Member', email: 'mel@acme.example' },
      {
        id: 'U0MULTI',
        name: 'max',
        email: 'max@freelance.example',
        role: 'multi-channel-guest',
        twoFactor: true,
        guestExpiresAt: '2026-12-31',
        invitedBy: 'U0ADM',
      },
      {
        id: 'U0SINGLE',
        name: 'sol',
        email: 'sol@design.example',
        role: 'single-channel-guest',
        guestExpiresAt: '2027-01-15T12:00:00Z',
      },
      { id: 'U0NOEXP', name: 'nick', email: 'nick@freelance.example', role: 'multi-channel-guest' },
      { id: 'U0INV', name: 'ivy', email: 'ivy@acme.example', invited: true },
      { id: 'U0GONE', name: 'gus', email: 'gus@old.example', role: 'multi-channel-guest', deleted: true },
      { id: 'U0BOT', name: 'deploybot', bot: true },
      { id: 'U0APP', name: 'helpdesk-app', bot: true },
    ],
    channels: [
      { id: 'C0GENERAL', name: 'general', general: true, members: ['U0PRIM', 'U0OWN', 'U0ADM', 'U0MEM'] },
      { id: 'G0SUPPORT', name: 'support', private: true, members: ['U0MEM', 'U0MULTI', 'U0GONE', 'U0APP'] },
      { id: 'C0CUSTEU', name: 'customers-eu', members: ['U0SINGLE'] },
      { id: 'C0INCIDENT', name: 'incidents', members: ['U0ADM', 'U0BOT', 'U0MULTI', 'U0NOEXP'] },
      { id: 'G0HIDDEN', name: 'exec', private: true, visibleToToken: false, members: ['U0PRIM'] },
      { id: 'C0OLD', name: 'old-project', archived: true, members: ['U0MEM'] },
      { id: 'C0EMPTY', name: 'empty' },
      {
        id: 'G0PARTNER',
        name: 'partner-support',
        private: true,
        members: ['U0OWN'],
        externalMembers: ['U0EXT1', 'U0EXT2'],
        sharedWith: ['T0PARTNER', 'T0NONAME'],
        pendingSharedWith: ['T0PENDING'],
      },
    ],
    externalTeams: [{ id: 'T0PARTNER', name: 'Partner Co', domain: 'partnerco' }],
    // The Slack Connect members of #partner-support, as users.info describes them.
    externalUsers: [
      { id: 'U0EXT1', teamId: 'T0PARTNER', name: 'pia', email: 'pia@partnerco.example' },
      { id: 'U0EXT2', teamId: 'T0NONAME', name: 'noor' },
    ],
  };
}

/**
 * Channel members users.list does not answer: a person of a sibling workspace in an org-shared
 * channel, one of another organisation in a Slack Connect channel, one who joined after the list,
 * and two Slack will not describe (users.info answers user_not_found), one in a channel shared
 * with nobody.
 */
export function otherTeams() {
  return {
    team: { id: 'T0HOME', name: 'Home', domain: 'home' },
    users: [
      { id: 'U0ALICE', name: 'alice', email: 'alice@home.example' },
      { id: 'U0BOB', name: 'bob', email: 'bob@home.example', joinedDuringScan: true },
    ],
    channels: [
      { id: 'C0GENERAL', name: 'general', general: true, members: ['U0ALICE', 'U0BOB'] },
      {
        id: 'C0BILLING',
        name: 'billing',
        members: ['U0ALICE'],
        externalMembers: ['W0GRACE'],
        orgSharedWith: ['T0SIBLING'],
      },
      {
        id: 'G0SUPPORT',
        name: 'support',
        private: true,
        members: ['U0ALICE'],
        externalMembers: ['U0OSCAR', 'U0GHOST'],
        sharedWith: ['T0OTHER'],
      },
      { id: 'C0RANDOM', name: 'random', members: ['U0ALICE'], externalMembers: ['U0GHOST2', 'W0GRACE'] },
    ],
    externalTeams: [{ id: 'T0OTHER', name: 'Other Co', domain: 'otherco' }],
    externalUsers: [
      { id: 'W0GRACE', teamId: 'T0SIBLING', name: 'grace', email: 'grace@home.example' },
      { id: 'U0OSCAR', teamId: 'T0OTHER', name: 'oscar', realName: 'Oscar Other', email: 'oscar@other.example' },
    ],
  };
}
