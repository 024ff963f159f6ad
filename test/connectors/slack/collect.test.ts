import { describe, expect, it } from 'vitest';
import { remediation } from '../../../connectors/slack/remediation.js';
import type { Grant, Snapshot } from '../../../src/core/model.js';
import { evaluate } from '../../../src/pipeline/evaluate/index.js';
import { policy, register } from '../../support/builders.js';
import { FAST, inventoryOf, NOW, scanSlack, startEmulator } from './harness.js';
import { everyKind, LANES, otherTeams, TEAM } from './scenarios.js';

function grantsOf(snapshot: Snapshot, account: string): Grant[] {
  return snapshot.grants.filter((g) => g.account === account);
}

function grant(snapshot: Snapshot, account: string, resource: string): Grant {
  const found = snapshot.grants.find((g) => g.account === account && g.resource === resource);
  if (!found) throw new Error(`no grant for ${account} on ${resource}`);
  return found;
}

describe('slack collect', () => {
  it('classifies every kind of member', async () => {
    const snapshot = await scanSlack(await startEmulator(everyKind()), { lanes: LANES });
    expect(snapshot.systems).toMatchObject([
      { system: 'slack', target: TEAM, ok: true, warnings: [expect.stringMatching(/^private channels the token/)] },
    ]);
    const summary = Object.fromEntries(
      snapshot.accounts.map((a) => [a.id, [a.login, a.kind, a.status, a.role, a.mfa, a.emails.join(',')]]),
    );
    expect(summary).toEqual({
      U0PRIM: ['pat', 'human', 'active', 'primary-owner', true, 'pat@acme.example'],
      U0OWN: ['oona', 'human', 'active', 'owner', true, 'oona@acme.example'],
      U0ADM: ['adam', 'human', 'active', 'admin', false, 'adam@acme.example'],
      U0MEM: ['mel', 'human', 'active', 'member', false, 'mel@acme.example'],
      U0MULTI: ['max', 'human', 'active', 'multi-channel-guest', true, 'max@freelance.example'],
      U0SINGLE: ['sol', 'human', 'active', 'single-channel-guest', false, 'sol@design.example'],
      U0NOEXP: ['nick', 'human', 'active', 'multi-channel-guest', false, 'nick@freelance.example'],
      U0INV: ['ivy', 'human', 'invited', 'member', false, 'ivy@acme.example'],
      U0GONE: ['gus', 'human', 'deleted', 'multi-channel-guest', undefined, 'gus@old.example'],
      U0BOT: ['deploybot', 'bot', 'active', 'bot', undefined, ''],
      U0APP: ['helpdesk-app', 'bot', 'active', 'bot', undefined, ''],
      'team:T0NONAME': ['T0NONAME', 'external', 'active', 'slack-connect-team', undefined, ''],
      'team:T0PARTNER': ['Partner Co', 'external', 'active', 'slack-connect-team', undefined, ''],
      // The other organisations' people in #partner-support, from users.info.
      U0EXT1: ['pia', 'external', 'active', 'external-member', undefined, 'pia@partnerco.example'],
      U0EXT2: ['noor', 'external', 'active', 'external-member', undefined, ''],
    });
    // is_app_user marks a person who authorized the calling app, not an app: Adam stays a human
    // admin, with the missing two-factor the MFA rule reads.
    const adam = snapshot.accounts.find((a) => a.id === 'U0ADM');
    expect([adam?.kind, adam?.mfa]).toEqual(['human', false]);
    expect(snapshot.accounts.find((a) => a.id === 'U0MEM')?.displayName).toBe('Mel Member');
    expect(snapshot.accounts.find((a) => a.id === 'U0OWN')?.attributes).toEqual({ twoFactorType: 'sms' });
    // Sorted by id, so the same workspace gives the same inventory byte for byte.
    const ids = snapshot.accounts.map((a) => a.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('leaves out Slackbot, which Slack lists in every workspace: no account, no grant, no finding', async () => {
    const emulator = await startEmulator(everyKind());
    const snapshot = await scanSlack(emulator, { lanes: LANES });
    expect(emulator.requests.some((r) => r.operation === 'users.list')).toBe(true);
    expect(snapshot.accounts.map((a) => a.id)).not.toContain('USLACKBOT');
    expect(snapshot.grants.filter((g) => g.account === 'USLACKBOT')).toEqual([]);
    // With nobody in the register every account is unknown, but Slackbot is no one's to explain.
    const { findings } = evaluate({ snapshot, register: register(), policy: policy(), now: NOW });
    expect(findings.some((f) => f.rule === 'unknown-account')).toBe(true);
    expect(findings.filter((f) => f.account === 'USLACKBOT')).toEqual([]);
  });

  it('gives full members the workspace, at admin level for admins and owners, and guests only their channels', async () => {
    const snapshot = await scanSlack(await startEmulator(everyKind()), { lanes: LANES });
    const workspace = snapshot.grants.filter((g) => g.resource === 'workspace');
    expect(workspace.map((g) => [g.account, g.permission, g.level, g.via])).toEqual([
      ['U0ADM', 'admin', 'admin', 'org-role'],
      ['U0INV', 'member', 'write', 'membership'],
      ['U0MEM', 'member', 'write', 'membership'],
      ['U0OWN', 'owner', 'admin', 'org-role'],
      ['U0PRIM', 'primary-owner', 'admin', 'org-role'],
    ]);
    // Public #customers-eu is data and #incidents production: a full member can read both.
    for (const g of workspace) expect(g.lanes).toEqual(['code', 'data', 'production']);
    // Archived public channels too: a full member still reads their history.
    expect(workspace[0]?.attributes?.publicChannels).toEqual([
      '#customers-eu',
      '#empty',
      '#general',
      '#incidents',
      '#old-project',
    ]);
    // Guests, bots and the deactivated hold no workspace grant.
    for (const id of ['U0MULTI', 'U0SINGLE', 'U0NOEXP', 'U0BOT', 'U0APP', 'U0GONE']) {
      expect(workspace.map((g) => g.account)).not.toContain(id);
    }
  });

  it('reads Enterprise Grid org owners and admins as admins of the workspace, though it makes them plain members', async () => {
    const grid = {
      team: { id: 'T0ACME', name: 'Acme', domain: 'acme' },
      enterprise: { id: 'E0ACME', name: 'Acme Org' },
      users: [
        { id: 'W0DANA', name: 'dana', email: 'dana@acme.example', orgRole: 'primary-owner' },
        { id: 'W0OLGA', name: 'olga', email: 'olga@acme.example', orgRole: 'owner', role: 'admin' },
        { id: 'W0ARI', name: 'ari', email: 'ari@acme.example', orgRole: 'admin' },
        { id: 'W0MEL', name: 'mel', email: 'mel@acme.example' },
      ],
      channels: [{ id: 'C0GENERAL', name: 'general', general: true, members: ['W0DANA', 'W0ARI', 'W0MEL'] }],
    };
    const snapshot = await scanSlack(await startEmulator(grid), { lanes: LANES });
    expect(snapshot.systems).toMatchObject([{ target: 'T0ACME', ok: true }]);
    expect(snapshot.accounts.map((a) => [a.id, a.role])).toEqual([
      ['W0ARI', 'org-admin'],
      ['W0DANA', 'org-primary-owner'],
      ['W0MEL', 'member'],
      ['W0OLGA', 'org-owner'],
    ]);
    const workspace = snapshot.grants.filter((g) => g.resource === 'workspace');
    expect(workspace.map((g) => [g.account, g.permission, g.level, g.via])).toEqual([
      ['W0ARI', 'org-admin', 'admin', 'org-role'],
      ['W0DANA', 'org-primary-owner', 'admin', 'org-role'],
      ['W0MEL', 'member', 'write', 'membership'],
      ['W0OLGA', 'org-owner', 'admin', 'org-role'],
    ]);
    const dana = workspace.find((g) => g.account === 'W0DANA');
    expect(dana?.evidence?.slice(0, 2)).toEqual([
      'primary owner of the Enterprise Grid organisation Acme Org (E0ACME): manages every workspace of it, Acme included',
      'full member of the Acme workspace itself',
    ]);
    expect(workspace.find((g) => g.account === 'W0OLGA')?.evidence?.[1]).toBe('admin of the Acme workspace itself');
    // Taken away where it is given: in the organisation, not in the workspace's settings.
    const danaAccount = snapshot.accounts.find((a) => a.id === 'W0DANA');
    expect(remediation.revokeGrant(dana!, danaAccount).steps[0]).toMatch(
      /^Take away @dana \(W0DANA\)'s primary-owner role in the Enterprise Grid organisation .*Manage organization › People/,
    );
  });

  it('maps channels to lanes: data and production channels by the globs, the rest code', async () => {
    const snapshot = await scanSlack(await startEmulator(everyKind()), { lanes: LANES });
    const channelGrants = snapshot.grants.filter((g) => g.permission === 'channel-member');
    const byChannel = new Map(channelGrants.map((g) => [g.resource, g.lanes]));
    expect(Object.fromEntries(byChannel)).toEqual({
      '#general': ['code'],
      '#support': ['data'],
      '#customers-eu': ['data'],
      '#incidents': ['production'],
      '#partner-support': ['data'],
    });
    for (const g of channelGrants) expect(g.level).toBe('write');
    // Invisible and empty channels give no grant; an archived one gives its members read access to its history.
    expect(channelGrants.map((g) => g.resource)).not.toContain('#exec');
    expect(channelGrants.map((g) => g.resource)).not.toContain('#old-project');
    const archived = snapshot.grants.filter((g) => g.permission === 'archived-channel-member');
    expect(archived.map((g) => [g.account, g.resource, g.level, g.attributes?.archived])).toEqual([
      ['U0MEM', '#old-project', 'read', true],
    ]);
    expect(archived[0]?.evidence?.[0]).toBe(
      'member of archived public channel #old-project: it takes no new messages, but its history stays readable',
    );
    expect(remediation.revokeGrant(archived[0]!).steps[0]).toMatch(
      /is archived, and Slack removes nobody from an archived channel: unarchive it/,
    );
    expect(grantsOf(snapshot, 'U0MULTI').map((g) => [g.resource, g.lanes])).toEqual([
      ['#incidents', ['production']],
      ['#support', ['data']],
    ]);
    expect(grantsOf(snapshot, 'U0APP').map((g) => g.resource)).toEqual(['#support']);
    // Without a mapping nothing is data.
    const unmapped = await scanSlack(await startEmulator(everyKind()));
    for (const g of unmapped.grants.filter((x) => x.account.startsWith('U'))) expect(g.lanes).toEqual(['code']);
  });

  it("carries each guest's Slack expiry on the account as a promise, never as a limit on its grants", async () => {
    const snapshot = await scanSlack(await startEmulator(everyKind()), { lanes: LANES });
    // A plain date in the scenario is the last second of that day.
    expect(snapshot.accounts.find((a) => a.id === 'U0MULTI')).toMatchObject({
      endsAt: '2026-12-31T23:59:59.000Z',
      attributes: { invitedBy: 'U0ADM' },
    });
    // Slack says it will remove the guest; until it does, the account's status decides.
    for (const g of snapshot.grants) expect(g.expiresAt).toBeUndefined();
    expect(grant(snapshot, 'U0SINGLE', '#customers-eu').evidence).toContain(
      'single-channel guest; Slack is to remove the guest at 2027-01-15T12:00:00.000Z',
    );
    // No expiry in Slack is said, not invented; members never expire.
    expect(snapshot.accounts.find((a) => a.id === 'U0NOEXP')?.endsAt).toBeUndefined();
    expect(grant(snapshot, 'U0NOEXP', '#incidents').evidence).toContain(
      'multi-channel guest with no expiry date in Slack',
    );
    expect(snapshot.accounts.find((a) => a.id === 'U0MEM')?.endsAt).toBeUndefined();
  });

  it('keeps deactivated users as deleted accounts with no grants', async () => {
    const snapshot = await scanSlack(await startEmulator(everyKind()), { lanes: LANES });
    expect(snapshot.accounts.find((a) => a.id === 'U0GONE')?.status).toBe('deleted');
    expect(grantsOf(snapshot, 'U0GONE')).toEqual([]);
  });

  it('reports each Slack Connect team as an external account that reads and posts in the shared channel', async () => {
    const snapshot = await scanSlack(await startEmulator(everyKind()), { lanes: LANES });
    const partner = grant(snapshot, 'team:T0PARTNER', '#partner-support');
    expect(partner).toMatchObject({ permission: 'slack-connect', level: 'write', lanes: ['data'], via: 'membership' });
    expect(partner.evidence).toEqual([
      '#partner-support is shared through Slack Connect with Partner Co (T0PARTNER)',
      'pending shares (not yet accepted): T0PENDING',
      '2 member(s) of #partner-support belong to other organisations',
    ]);
    expect(grant(snapshot, 'team:T0NONAME', '#partner-support').evidence?.[0]).toBe(
      '#partner-support is shared through Slack Connect with T0NONAME',
    );
    // A pending share is not access yet; the people of the other side are accounts of their own,
    // beside their organisation's (see "channel members users.list does not answer").
    expect(snapshot.accounts.map((a) => a.id)).not.toContain('team:T0PENDING');
    expect(grant(snapshot, 'U0EXT1', '#partner-support')).toMatchObject({
      permission: 'channel-member',
      level: 'write',
    });
    expect(grant(snapshot, 'U0OWN', '#partner-support').evidence).toContain(
      '#partner-support is shared with other organisations through Slack Connect',
    );
  });

  it('reads every page at a page size of 1 and counts every call', async () => {
    const whole = await startEmulator(everyKind());
    const paged = await startEmulator(everyKind(), { pageSize: 1 });
    const a = await scanSlack(whole, { lanes: LANES });
    const b = await scanSlack(paged, { lanes: LANES });
    expect(inventoryOf(b)).toEqual(inventoryOf(a));
    expect(paged.requests.filter((r) => r.operation === 'users.list')).toHaveLength(12);
    expect(paged.requests.length).toBeGreaterThan(whole.requests.length);
    expect(b.systems[0]?.calls).toBe(paged.requests.length);
    expect(a.systems[0]?.calls).toBe(whole.requests.length);
  });

  it('waits out HTTP 429 with Retry-After and gives the same inventory', async () => {
    const clean = await scanSlack(await startEmulator(everyKind(), { pageSize: 2 }), { lanes: LANES });
    const limited = await startEmulator(everyKind(), {
      pageSize: 2,
      faults: { seed: 7, rate: 0.5, kinds: ['rate-limit'] },
    });
    const snapshot = await scanSlack(limited, { lanes: LANES });
    expect(limited.requests.filter((r) => r.status === 429).length).toBeGreaterThan(2);
    expect(snapshot.systems[0]?.ok).toBe(true);
    expect(inventoryOf(snapshot)).toEqual(inventoryOf(clean));
  });

  it('retries a 200 "ratelimited" answer and gives the same inventory', async () => {
    const clean = await scanSlack(await startEmulator(everyKind(), { pageSize: 2 }), { lanes: LANES });
    const limited = await startEmulator(everyKind(), {
      pageSize: 2,
      faults: { seed: 3, rate: 0.5, kinds: ['secondary-rate-limit'] },
    });
    const snapshot = await scanSlack(limited, { lanes: LANES });
    expect(limited.requests.filter((r) => r.fault === 'secondary-rate-limit').length).toBeGreaterThan(2);
    expect(inventoryOf(snapshot)).toEqual(inventoryOf(clean));
  });

  it('fails the target, keeping nothing, when "ratelimited" outlasts the retries', async () => {
    // users.list succeeds; the members of a channel never come: no partial inventory may result.
    const limited = await startEmulator(everyKind(), {
      faults: { seed: 1, rate: 1, kinds: ['secondary-rate-limit'], operations: ['conversations.members'] },
    });
    const snapshot = await scanSlack(limited, { lanes: LANES, tuning: { ...FAST, retries: 0 } });
    expect(snapshot.systems).toMatchObject([{ target: TEAM, ok: false }]);
    expect(snapshot.systems[0]?.error).toMatch(
      /^conversations\.members gave up after 1 attempt\(s\) \(answered ratelimited\)/,
    );
    expect(snapshot.accounts).toEqual([]);
    expect(snapshot.grants).toEqual([]);
  });

  it('survives server errors, resets, unreadable bodies and odd paging with the same inventory', async () => {
    const clean = await scanSlack(await startEmulator(everyKind(), { pageSize: 1 }), { lanes: LANES });
    const faulty = await startEmulator(everyKind(), {
      pageSize: 1,
      faults: {
        seed: 11,
        rate: 0.4,
        kinds: ['server-error', 'bad-gateway', 'unavailable', 'reset', 'malformed', 'empty-page', 'repeat-cursor'],
      },
    });
    const snapshot = await scanSlack(faulty, { lanes: LANES });
    const kinds = new Set(faulty.requests.map((r) => r.fault).filter(Boolean));
    expect(kinds.size).toBeGreaterThanOrEqual(5);
    expect(snapshot.systems[0]).toMatchObject({ ok: true });
    expect(inventoryOf(snapshot)).toEqual(inventoryOf(clean));
  });

  it('names the missing scope and fails the target instead of reading it as empty', async () => {
    const noPrivate = {
      ...everyKind(),
      token: { scopes: ['users:read', 'users:read.email', 'team:read', 'channels:read'] },
    };
    const a = await scanSlack(await startEmulator(noPrivate), { lanes: LANES });
    // Public channels are still read; the private ones are a gap (see below), never an empty list.
    expect(a.systems[0]?.gaps?.map((g) => g.kind)).toContain('slack.private-channels');

    const noEmail = { ...everyKind(), token: { scopes: ['users:read', 'team:read', 'channels:read', 'groups:read'] } };
    const b = await scanSlack(await startEmulator(noEmail), { lanes: LANES });
    expect(b.systems[0]?.error).toMatch(/^users\.list needs the users:read\.email scope/);

    const noTeam = {
      ...everyKind(),
      token: { scopes: ['users:read', 'users:read.email', 'channels:read', 'groups:read'] },
    };
    const c = await scanSlack(await startEmulator(noTeam), { lanes: LANES });
    expect(c.systems).toMatchObject([{ system: 'slack', target: '*', ok: false }]);
    expect(c.systems[0]?.error).toMatch(/^team\.info needs the team:read scope/);
  });

  it('fails the target without users:read.email when Slack does not announce the scopes: the answer shows it', async () => {
    const readScopes = ['users:read', 'team:read', 'channels:read', 'groups:read', 'usergroups:read'];
    const scenario = (scopes: string[], announcesScopes: boolean, more: Record<string, unknown> = {}) => ({
      ...everyKind(),
      token: { scopes, seesTwoFactor: true, announcesScopes },
      ...more,
    });
    const announced = await scanSlack(await startEmulator(scenario(readScopes, true)), { lanes: LANES });
    const unannounced = await scanSlack(await startEmulator(scenario(readScopes, false)), { lanes: LANES });
    // Every full member without an email: not a workspace Slack shows to a token with the scope.
    expect(unannounced.systems).toMatchObject([{ target: TEAM, ok: false }]);
    expect(unannounced.systems[0]?.error).toBe(announced.systems[0]?.error);
    expect(unannounced.systems[0]?.error).toMatch(/^users\.list needs the users:read\.email scope/);
    expect(unannounced.accounts).toEqual([]);

    // With the scope, the same unannounced token reads everyone, Slackbot's missing email aside.
    const emailScopes = [...readScopes, 'users:read.email'];
    const withEmail = await scanSlack(await startEmulator(scenario(emailScopes, false)), { lanes: LANES });
    expect(withEmail.systems).toMatchObject([{ target: TEAM, ok: true }]);
    expect(withEmail.accounts.find((a) => a.id === 'U0MEM')?.emails).toEqual(['mel@acme.example']);
    // One email shows the scope is there, whoever else has none.
    const users = everyKind().users.map(({ email, ...u }) => (u.id === 'U0PRIM' ? { ...u, email } : u));
    const few = await scanSlack(await startEmulator(scenario(emailScopes, false, { users })), { lanes: LANES });
    expect(few.systems).toMatchObject([{ target: TEAM, ok: true }]);
    // No active full member to ask (only a guest, a bot and the deactivated): nothing to infer, nothing failed.
    const noMember = {
      users: [
        { id: 'U0GUEST', name: 'gia', email: 'gia@outside.example', role: 'multi-channel-guest' },
        { id: 'U0BOT', name: 'deploybot', bot: true },
        { id: 'U0GONE', name: 'gus', email: 'gus@acme.example', deleted: true },
      ],
      channels: [{ id: 'C0GENERAL', name: 'general', general: true, members: ['U0GUEST', 'U0BOT'] }],
      externalUsers: [],
    };
    const guests = await scanSlack(await startEmulator(scenario(readScopes, false, noMember)), { lanes: LANES });
    expect(guests.systems).toMatchObject([{ target: TEAM, ok: true }]);
  });

  it('says on every scan that private channels the token is not in are not read, and how many were', async () => {
    const snapshot = await scanSlack(await startEmulator(everyKind(), { pageSize: 1 }), { lanes: LANES });
    expect(snapshot.systems).toMatchObject([{ target: TEAM, ok: true }]);
    // #support and #partner-support were read; #exec, which the app was not invited to, cannot be.
    expect(snapshot.systems[0]?.warnings).toEqual([
      expect.stringMatching(
        /^private channels the token is not a member of are not read .*: 2 private channels were read$/,
      ),
    ]);
    expect(snapshot.grants.map((g) => g.resource)).not.toContain('#exec');
  });

  it('reads the public channels and names the gap when the token has no groups:read, through throttling and server errors', async () => {
    const noPrivate = {
      ...everyKind(),
      token: { scopes: ['users:read', 'users:read.email', 'team:read', 'channels:read', 'usergroups:read', 'admin'] },
    };
    const clean = await startEmulator(noPrivate, { pageSize: 1 });
    const a = await scanSlack(clean, { lanes: LANES });
    expect(a.systems).toMatchObject([{ target: TEAM, ok: true }]);
    expect(a.systems[0]?.gaps).toEqual([
      {
        kind: 'slack.private-channels',
        detail: expect.stringMatching(/^private channels were not read: .*groups:read/),
      },
    ]);
    expect(a.systems[0]?.warnings).toEqual([expect.stringMatching(/: 0 private channels were read$/)]);
    const resources = new Set(a.grants.map((g) => g.resource));
    expect(resources).toContain('#general');
    expect(resources).not.toContain('#support');
    // The scope was read from x-oauth-scopes: private channels were never asked for (five public channels, one a page).
    expect(clean.requests.filter((r) => r.operation === 'conversations.list')).toHaveLength(5);

    const faulty = await startEmulator(noPrivate, {
      pageSize: 1,
      faults: { seed: 5, rate: 0.4, kinds: ['rate-limit', 'server-error', 'bad-gateway'] },
    });
    const b = await scanSlack(faulty, { lanes: LANES });
    expect(faulty.requests.some((r) => r.fault)).toBe(true);
    expect(inventoryOf(b)).toEqual(inventoryOf(a));
    expect(b.systems[0]?.gaps).toEqual(a.systems[0]?.gaps);

    // Slack did not name the scopes: the missing_scope answer teaches the same.
    const unannounced = { ...noPrivate, token: { ...noPrivate.token, announcesScopes: false } };
    const c = await scanSlack(await startEmulator(unannounced, { pageSize: 1 }), { lanes: LANES });
    expect(inventoryOf(c)).toEqual(inventoryOf(a));
    expect(c.systems[0]?.gaps).toEqual(a.systems[0]?.gaps);
  });

  it('fails on invalid_auth with a clear reason and without the token', async () => {
    const lines: string[] = [];
    const log = {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      debug: (m: string) => lines.push(m),
    };
    const token = 'xoxb-1111-2222-wrongwrongwrong';
    const emulator = await startEmulator(everyKind());
    const snapshot = await scanSlack(emulator, { lanes: LANES, token, log });
    expect(snapshot.systems).toMatchObject([{ system: 'slack', target: '*', ok: false }]);
    expect(snapshot.systems[0]?.error).toContain('Slack rejected the token (invalid_auth)');
    const everything = JSON.stringify(snapshot) + lines.join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('wrongwrongwrong');
    expect(emulator.requests).toHaveLength(1); // refused credentials are not retried
  });

  it('names the gap when Slack says a channel is shared but not with whom', async () => {
    const scenario = everyKind();
    scenario.channels.push({
      id: 'C0HIDDEN',
      name: 'vendor-chat',
      general: false,
      members: [],
      sharedWithUnnamed: true,
    } as (typeof scenario.channels)[number]);
    const snapshot = await scanSlack(await startEmulator(scenario), { lanes: LANES });
    expect(snapshot.systems[0]?.gaps).toEqual([
      {
        kind: 'slack.connect-teams',
        detail: expect.stringContaining('#vendor-chat is shared with other organisations'),
        count: 1,
      },
    ]);
  });

  it('names the gap, with the count, for users that do not have the shape Slack promises', async () => {
    const snapshot = await scanSlack(await startEmulator({ ...everyKind(), unreadableUsers: 2 }), { lanes: LANES });
    expect(snapshot.systems[0]?.gaps).toEqual([
      {
        kind: 'records-invalid',
        detail: expect.stringMatching(
          /^users\.list: 2 member\(s\) did not have the expected shape: U0BROKEN0, U0BROKEN1$/,
        ),
        count: 2,
      },
    ]);
  });

  it('names the gap once when 2FA is not visible to the token, and guesses nothing', async () => {
    const hidden = { ...everyKind(), token: { seesTwoFactor: false } };
    const snapshot = await scanSlack(await startEmulator(hidden), { lanes: LANES });
    for (const a of snapshot.accounts) expect(a.mfa).toBeUndefined();
    const gaps = snapshot.systems[0]?.gaps ?? [];
    expect(gaps).toEqual([
      {
        kind: 'slack.two-factor',
        detail: expect.stringMatching(/^two-factor status is not visible to this token for 8 of 8 active people/),
        count: 8,
      },
    ]);
  });

  it('gives the same inventory byte for byte on every run', async () => {
    const a = await scanSlack(await startEmulator(everyKind()), { lanes: LANES });
    const b = await scanSlack(await startEmulator(everyKind()), { lanes: LANES });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('slack collect: installed apps (the integration log)', () => {
  const withApps = () => ({
    ...everyKind(),
    integrationLogs: [
      // Added, then given more scopes: reads messages.
      {
        appId: 'A0NOTES',
        appName: 'Meeting Notes AI',
        userId: 'U0MULTI',
        userName: 'max',
        date: '2026-03-01',
        change: 'added',
        scopes: ['chat:write'],
      },
      {
        appId: 'A0NOTES',
        appName: 'Meeting Notes AI',
        userId: 'U0MULTI',
        userName: 'max',
        date: '2026-04-01',
        change: 'expanded',
        scopes: ['channels:history', 'search:read'],
      },
      // Only posts: not access to what people wrote.
      {
        appId: 'A0POLL',
        appName: 'Polls',
        userId: 'U0MEM',
        userName: 'mel',
        date: '2026-02-01',
        change: 'added',
        scopes: ['chat:write', 'commands'],
      },
      // Read messages once, removed since.
      {
        appId: 'A0OLD',
        appName: 'Old Archiver',
        userId: 'U0ADM',
        userName: 'adam',
        date: '2025-01-01',
        change: 'added',
        scopes: ['channels:history'],
      },
      {
        appId: 'A0OLD',
        appName: 'Old Archiver',
        userId: 'U0ADM',
        userName: 'adam',
        date: '2025-06-01',
        change: 'removed',
      },
      // Disabled: installed, but it does not run.
      {
        appId: 'A0OFF',
        appName: 'Paused Exporter',
        userId: 'U0ADM',
        userName: 'adam',
        date: '2026-01-01',
        change: 'added',
        scopes: ['groups:history'],
      },
      {
        appId: 'A0OFF',
        appName: 'Paused Exporter',
        userId: 'U0ADM',
        userName: 'adam',
        date: '2026-01-02',
        change: 'disabled',
      },
    ],
  });

  it('replays the log at page size 1 into the apps installed now; one that reads messages reads every channel', async () => {
    const one = await scanSlack(await startEmulator(withApps(), { pageSize: 1 }), { lanes: LANES });
    const all = await scanSlack(await startEmulator(withApps()), { lanes: LANES });
    expect(inventoryOf(one)).toEqual(inventoryOf(all));
    const apps = one.accounts.filter((a) => a.id.startsWith('app:'));
    expect(apps.map((a) => [a.id, a.login, a.kind, a.attributes?.installedBy])).toEqual([
      ['app:A0NOTES', 'Meeting Notes AI', 'bot', 'U0MULTI'],
    ]);
    const [read] = grantsOf(one, 'app:A0NOTES');
    expect(read).toMatchObject({ resource: 'workspace', permission: 'app-reads-messages', level: 'read' });
    expect(read?.lanes).toEqual(['code', 'data', 'production']);
    expect(read?.evidence?.[0]).toBe(
      'Slack app "Meeting Notes AI" installed by @max (U0MULTI) on 2026-03-01 may read messages (channels:history, search:read)',
    );
    expect(one.systems[0]?.gaps.map((g) => g.kind)).not.toContain('slack.apps');
  });

  it('counts every scope that reads messages or files, the granular search ones too, and no other', async () => {
    const reading = [
      'channels:history',
      'groups:history',
      'im:history',
      'mpim:history',
      'search:read',
      'search:read.public',
      'search:read.private',
      'search:read.im',
      'search:read.mpim',
      'search:read.files',
      'files:read',
      'canvases:read',
      'pins:read',
      'reactions:read',
      'stars:read',
      'discovery:read',
      'read',
      'client',
      'bot',
    ];
    // search:read.users searches the people directory; the others post, or read no content.
    const notReading = ['search:read.users', 'chat:write', 'users:read', 'channels:read', 'app_mentions:read'];
    const appId = (i: number) => `A0S${String(i).padStart(2, '0')}`;
    const scenario = {
      ...everyKind(),
      integrationLogs: [...reading, ...notReading].map((scope, i) => ({
        appId: appId(i),
        appName: `Uses ${scope}`,
        userId: 'U0ADM',
        userName: 'adam',
        date: '2026-10-01',
        change: 'added',
        scopes: [scope, 'chat:write'],
      })),
    };
    const snapshot = await scanSlack(await startEmulator(scenario), { lanes: LANES });
    const apps = snapshot.grants.filter((g) => g.permission === 'app-reads-messages');
    expect(apps.map((g) => g.account)).toEqual(reading.map((_, i) => `app:${appId(i)}`));
    for (const g of apps) expect(g.lanes).toEqual(['code', 'data', 'production']);
    expect(apps.find((g) => g.account === 'app:A0S09')?.evidence?.[0]).toMatch(
      /may read messages \(search:read\.files\)$/,
    );
  });

  it('reads the same apps through rate limits and server errors', async () => {
    const clean = await scanSlack(await startEmulator(withApps()), { lanes: LANES });
    const faulty = await startEmulator(withApps(), {
      pageSize: 1,
      faults: {
        seed: 5,
        rate: 0.5,
        kinds: ['rate-limit', 'secondary-rate-limit', 'server-error'],
        operations: ['team.integrationLogs'],
      },
    });
    const snapshot = await scanSlack(faulty, { lanes: LANES });
    expect(faulty.requests.some((r) => r.operation === 'team.integrationLogs' && r.fault)).toBe(true);
    expect(inventoryOf(snapshot)).toEqual(inventoryOf(clean));
  });

  it('names the gap, never an empty list, when the token may not read the log (a bot token, a free plan)', async () => {
    const bot = {
      ...withApps(),
      token: { scopes: ['channels:read', 'groups:read', 'team:read', 'users:read', 'users:read.email'] },
    };
    const free = { ...withApps(), freePlan: true };
    for (const scenario of [bot, free]) {
      const snapshot = await scanSlack(await startEmulator(scenario), { lanes: LANES });
      expect(snapshot.systems[0]).toMatchObject({ ok: true });
      expect(snapshot.systems[0]?.gaps.filter((g) => g.kind === 'slack.apps')).toEqual([
        {
          kind: 'slack.apps',
          detail: expect.stringMatching(
            /only in the integration log, to a workspace admin's user token .*\(team\.integrationLogs (needs the admin scope|answered paid_only)/,
          ),
        },
      ]);
      expect(snapshot.accounts.some((a) => a.id.startsWith('app:'))).toBe(false);
    }
  });

  it('says where to remove an app', () => {
    const steps = remediation.revokeGrant({
      system: 'slack',
      target: TEAM,
      account: 'app:A0NOTES',
      resource: 'workspace',
      permission: 'app-reads-messages',
      via: 'direct',
      viaName: 'app installation',
      lanes: ['data'],
      level: 'read',
    });
    expect(steps.steps[0]).toMatch(/^Remove the app app:A0NOTES from the workspace: Workspace settings › Manage apps/);
  });
});

describe('slack collect: user groups', () => {
  const withGroups = () => ({
    ...everyKind(),
    userGroups: [
      // Adds its members to #support (private) and #incidents by default.
      { id: 'S0ONCALL', handle: 'oncall', channels: ['G0SUPPORT', 'C0INCIDENT'], users: ['U0MULTI', 'U0ADM'] },
      { id: 'S0DESIGN', handle: 'design', channels: ['C0CUSTEU'], users: ['U0MEM'] },
    ],
  });

  it('names the groups whose default channels add a member, and removing them names the group too', async () => {
    const snapshot = await scanSlack(await startEmulator(withGroups(), { pageSize: 1 }), { lanes: LANES });
    const support = grant(snapshot, 'U0MULTI', '#support');
    expect(support.attributes?.userGroups).toEqual(['oncall']);
    expect(support.evidence).toContain(
      'in user group @oncall, whose default channels include #support: Slack adds its members there',
    );
    const steps = remediation.revokeGrant(support).steps;
    expect(steps[1]).toMatch(
      /^Also take U0MULTI out of the user group @oncall .* an identity provider that syncs the group puts them back\.$/,
    );
    // A group's default channel the member is not in adds nothing; a member in a channel by no group says nothing of groups.
    expect(grantsOf(snapshot, 'U0MEM').every((g) => g.attributes?.userGroups === undefined)).toBe(true);
    expect(grant(snapshot, 'U0NOEXP', '#incidents').attributes?.userGroups).toBeUndefined();
    // Nothing new is access: the same grants as without groups, only their evidence says more.
    const plain = await scanSlack(await startEmulator(everyKind()), { lanes: LANES });
    const key = (s: Snapshot) => s.grants.map((g) => `${g.account} ${g.resource} ${g.permission} ${g.level}`);
    expect(key(snapshot)).toEqual(key(plain));
  });

  it('warns, and fails nothing, when the token has no usergroups:read', async () => {
    const scopes = ['channels:read', 'groups:read', 'team:read', 'users:read', 'users:read.email', 'admin'];
    const snapshot = await scanSlack(await startEmulator({ ...withGroups(), token: { scopes } }), { lanes: LANES });
    expect(snapshot.systems[0]).toMatchObject({ ok: true });
    expect(snapshot.systems[0]?.warnings).toEqual([
      expect.stringMatching(/^private channels the token/),
      expect.stringMatching(/^user groups were not read \(usergroups\.list needs the usergroups:read scope/),
    ]);
    expect(snapshot.systems[0]?.gaps).toEqual([]);
  });
});

describe('slack collect: channel members users.list does not answer', () => {
  const lanes = { data: ['#billing', '#support'], production: [] };

  it('asks users.info about each once: people of other workspaces are external accounts in their channels, never dropped', async () => {
    const emulator = await startEmulator(otherTeams(), { pageSize: 1 });
    const snapshot = await scanSlack(emulator, { lanes });
    expect(snapshot.systems).toMatchObject([{ target: 'T0HOME', ok: true }]);
    const account = (id: string) => snapshot.accounts.find((a) => a.id === id);
    // A sibling workspace's person in an org-shared channel, and another organisation's in a Slack Connect one.
    expect(account('W0GRACE')).toMatchObject({
      kind: 'external',
      status: 'active',
      role: 'external-member',
      emails: ['grace@home.example'],
      attributes: { teamId: 'T0SIBLING' },
    });
    expect(account('U0OSCAR')).toMatchObject({
      kind: 'external',
      displayName: 'Oscar Other',
      attributes: { teamId: 'T0OTHER', teamName: 'Other Co' },
    });
    expect(grant(snapshot, 'W0GRACE', '#billing')).toMatchObject({
      permission: 'channel-member',
      level: 'write',
      lanes: ['data'],
    });
    expect(grant(snapshot, 'W0GRACE', '#billing').evidence).toContain(
      'a member of workspace T0SIBLING, not of Home: #billing is shared between workspaces of the Enterprise Grid organisation',
    );
    expect(grant(snapshot, 'W0GRACE', '#random').evidence).toContain('a member of workspace T0SIBLING, not of Home');
    expect(grant(snapshot, 'U0OSCAR', '#support').evidence).toContain(
      'a member of Other Co (T0OTHER), not of Home: #support is shared with it through Slack Connect',
    );
    // The other organisation's share stays an account of its own: who it adds next is its admins' choice.
    expect(grant(snapshot, 'team:T0OTHER', '#support').evidence).toContain(
      '2 member(s) of #support belong to other organisations',
    );
    // Someone who joined after users.list is the workspace's own member, with a member's grants.
    expect(account('U0BOB')).toMatchObject({ kind: 'human', role: 'member', emails: ['bob@home.example'] });
    expect(grantsOf(snapshot, 'U0BOB').map((g) => g.resource)).toEqual(['#general', 'workspace']);
    // Whom Slack will not describe is a gap naming the channels, never a silent drop.
    expect(snapshot.systems[0]?.gaps).toEqual([
      {
        kind: 'slack.unknown-members',
        detail: expect.stringMatching(
          /^2 channel member\(s\) could not be identified .*: #random \(1\), #support \(1\)/,
        ),
        count: 2,
      },
    ]);
    const asked = emulator.requests.filter((r) => r.operation === 'users.info');
    expect(asked).toHaveLength(5);
    // Removing a person of another workspace takes them out of our channels; their organisation stays a share.
    const oscar = account('U0OSCAR');
    if (!oscar) throw new Error('no U0OSCAR');
    expect(remediation.removeAccount(oscar).steps).toEqual([
      expect.stringMatching(
        /^Remove oscar \(U0OSCAR\), a member of Other Co \(T0OTHER\), from each channel of this workspace they are in: .*Remove from channel/,
      ),
      expect.stringMatching(/Slack Connect › Stop sharing/),
    ]);
  });

  it('reads the same members through throttling and server errors', async () => {
    const clean = await scanSlack(await startEmulator(otherTeams(), { pageSize: 1 }), { lanes });
    const faulty = await startEmulator(otherTeams(), {
      pageSize: 1,
      faults: { seed: 9, rate: 0.5, kinds: ['rate-limit', 'secondary-rate-limit', 'server-error', 'bad-gateway'] },
    });
    const snapshot = await scanSlack(faulty, { lanes });
    expect(faulty.requests.some((r) => r.operation === 'users.info' && r.fault)).toBe(true);
    expect(inventoryOf(snapshot)).toEqual(inventoryOf(clean));
    expect(snapshot.systems[0]?.gaps).toEqual(clean.systems[0]?.gaps);
  });

  it('fails the target, keeping nothing, when users.info stays rate limited', async () => {
    const limited = await startEmulator(otherTeams(), {
      faults: { seed: 1, rate: 1, kinds: ['secondary-rate-limit'], operations: ['users.info'] },
    });
    const snapshot = await scanSlack(limited, { lanes, tuning: { ...FAST, retries: 1 } });
    expect(snapshot.systems).toMatchObject([{ target: 'T0HOME', ok: false }]);
    expect(snapshot.systems[0]?.error).toMatch(/^users\.info gave up after 2 attempt\(s\)/);
    expect(snapshot.accounts).toEqual([]);
  });
});
