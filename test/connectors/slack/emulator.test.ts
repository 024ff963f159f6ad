// The emulator speaks the Web API's wire format: checked with raw HTTP, and with the SDK's own
// paginate() so that a client other than ours reads it the same way.
import { type ConversationsListResponse, WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/core/connector.js';
import { startEmulator } from './harness.js';
import { everyKind, otherTeams } from './scenarios.js';

function tokenOf(emulator: RunningEmulator): string {
  return Object.values(emulator.env)[0] ?? '';
}

async function post(emulator: RunningEmulator, method: string, form: Record<string, string>, token?: string) {
  const response = await fetch(`${emulator.url}/api/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('slack emulator', () => {
  it("answers users.info about other workspaces' people as Slack does: team_id, and is_stranger", async () => {
    const scenario = otherTeams();
    // Someone of another organisation only in a private channel the token cannot see: a stranger.
    scenario.channels.push({
      id: 'G0HIDDEN',
      name: 'hidden',
      private: true,
      visibleToToken: false,
      externalMembers: ['U0STRANGE'],
    } as never);
    scenario.externalUsers.push({
      id: 'U0STRANGE',
      teamId: 'T0OTHER',
      name: 'stella',
      email: 'stella@other.example',
    } as never);
    const emulator = await startEmulator(scenario);
    const token = tokenOf(emulator);
    const oscar = await post(emulator, 'users.info', { user: 'U0OSCAR' }, token);
    expect(oscar.body).toMatchObject({ ok: true, user: { id: 'U0OSCAR', team_id: 'T0OTHER', is_stranger: false } });
    expect(oscar.body.user).toMatchObject({ profile: { email: 'oscar@other.example', team: 'T0OTHER' } });
    const stella = (await post(emulator, 'users.info', { user: 'U0STRANGE' }, token)).body;
    expect(stella).toEqual({
      ok: true,
      user: { id: 'U0STRANGE', team_id: 'T0OTHER', name: 'stella', is_stranger: true, profile: { team: 'T0OTHER' } },
    });
    expect((await post(emulator, 'users.info', { user: 'U0GHOST' }, token)).body).toEqual({
      ok: false,
      error: 'user_not_found',
    });
    // Joined after the list: users.info knows them, users.list does not.
    const bob = await post(emulator, 'users.info', { user: 'U0BOB' }, token);
    expect(bob.body).toMatchObject({ ok: true, user: { id: 'U0BOB', team_id: 'T0HOME' } });
    const list = await post(emulator, 'users.list', {}, token);
    // Slackbot too, as in every workspace.
    expect((list.body.members as { id: string }[]).map((m) => m.id)).toEqual(['U0ALICE', 'USLACKBOT']);
    const channels = await post(emulator, 'conversations.list', { types: 'public_channel' }, token);
    expect((channels.body.channels as Record<string, unknown>[]).find((c) => c.id === 'C0BILLING')).toMatchObject({
      is_org_shared: true,
      is_ext_shared: false,
      shared_team_ids: ['T0HOME', 'T0SIBLING'],
      internal_team_ids: ['T0HOME', 'T0SIBLING'],
    });
  });

  it('points its config at /api/ with the token as an environment reference', async () => {
    const emulator = await startEmulator(everyKind());
    expect(emulator.config).toEqual({
      slackApiUrl: `${emulator.url}/api/`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a config ${ENV} reference, not a template
      token: '${LANEKEEPER_SANDBOX_SLACK_TOKEN}',
    });
    expect(tokenOf(emulator)).toMatch(/^xoxb-/);
  });

  it('answers ok envelopes, pages with next_cursor, and announces the token scopes', async () => {
    const emulator = await startEmulator(everyKind(), { pageSize: 5 });
    const first = await post(emulator, 'users.list', { limit: '200' }, tokenOf(emulator));
    expect(first.status).toBe(200);
    // The sandbox's token is an admin's user token: the six read scopes, and admin for the integration log.
    expect(first.headers.get('x-oauth-scopes')).toBe(
      'channels:read,groups:read,team:read,users:read,users:read.email,usergroups:read,admin',
    );
    expect(first.body.ok).toBe(true);
    expect(first.body.members).toHaveLength(5);
    const cursor = (first.body.response_metadata as { next_cursor: string }).next_cursor;
    expect(cursor).not.toBe('');
    const ids: string[] = [];
    let next = '';
    do {
      const page = await post(
        emulator,
        'users.list',
        { limit: '200', ...(next ? { cursor: next } : {}) },
        tokenOf(emulator),
      );
      ids.push(...(page.body.members as { id: string }[]).map((m) => m.id));
      next = (page.body.response_metadata as { next_cursor: string }).next_cursor;
    } while (next);
    expect(ids).toEqual([...everyKind().users.map((u) => u.id), 'USLACKBOT']);
    expect((await post(emulator, 'users.list', { cursor: 'bm9wZQ==' }, tokenOf(emulator))).body).toEqual({
      ok: false,
      error: 'invalid_cursor',
    });
    // Slack pages take a limit under 1000.
    expect((await post(emulator, 'conversations.list', { limit: '1000' }, tokenOf(emulator))).body).toEqual({
      ok: false,
      error: 'invalid_limit',
    });
    expect((await post(emulator, 'users.list', { limit: '999' }, tokenOf(emulator))).body.ok).toBe(true);
  });

  it('refuses a missing or wrong token the way Slack does', async () => {
    const emulator = await startEmulator(everyKind());
    expect((await post(emulator, 'team.info', {})).body).toEqual({ ok: false, error: 'not_authed' });
    expect((await post(emulator, 'team.info', {}, 'xoxb-not-the-right-one')).body).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    // The token as a form field is accepted too.
    expect((await post(emulator, 'team.info', { token: tokenOf(emulator) })).body.ok).toBe(true);
  });

  it('answers missing_scope with the scope needed', async () => {
    const emulator = await startEmulator({ ...everyKind(), token: { scopes: ['users:read', 'channels:read'] } });
    const answer = await post(
      emulator,
      'conversations.list',
      { types: 'public_channel,private_channel' },
      tokenOf(emulator),
    );
    expect(answer.body).toEqual({
      ok: false,
      error: 'missing_scope',
      needed: 'groups:read',
      provided: 'users:read,channels:read',
    });
    const users = await post(emulator, 'users.list', {}, tokenOf(emulator));
    expect((users.body.members as { profile: { email?: string } }[]).every((m) => m.profile.email === undefined)).toBe(
      true,
    );
  });

  it('renders rate limits as HTTP 429 with Retry-After and as a 200 ratelimited', async () => {
    const emulator = await startEmulator(
      { ...everyKind(), retryAfterSeconds: 3 },
      { faults: { seed: 1, rate: 1, kinds: ['rate-limit'], operations: ['team.info'] } },
    );
    const limited = await post(emulator, 'team.info', {}, tokenOf(emulator));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    // Never the same operation twice in a row: the retry gets through.
    expect((await post(emulator, 'team.info', {}, tokenOf(emulator))).status).toBe(200);

    const secondary = await startEmulator(everyKind(), {
      faults: { seed: 1, rate: 1, kinds: ['secondary-rate-limit'] },
    });
    const answer = await post(secondary, 'users.list', {}, tokenOf(secondary));
    expect([answer.status, answer.body]).toEqual([200, { ok: false, error: 'ratelimited' }]);
  });

  it('knows only the methods the connector calls', async () => {
    const emulator = await startSlackEmulatorWithoutHarness();
    const answer = await fetch(`${emulator.url}/api/chat.postMessage`, { method: 'POST' });
    expect(answer.status).toBe(404);
    expect(emulator.requests.map((r) => r.operation)).toEqual(['unknown']);
    await emulator.close();
  });

  it("is read by the SDK's own paginate()", async () => {
    const emulator = await startEmulator(everyKind(), { pageSize: 2 });
    const client = new WebClient(tokenOf(emulator), {
      slackApiUrl: `${emulator.url}/api/`,
      retryConfig: { retries: 0 },
    });
    const names: string[] = [];
    for await (const page of client.paginate('conversations.list', {
      types: 'public_channel,private_channel',
      limit: 2,
    })) {
      for (const c of (page as ConversationsListResponse).channels ?? []) names.push(c.name ?? '');
    }
    expect(names).toEqual([
      'general',
      'support',
      'customers-eu',
      'incidents',
      'old-project',
      'empty',
      'partner-support',
    ]);
    const first = await client.conversations.members({ channel: 'G0PARTNER' });
    expect(first.members).toEqual(['U0OWN', 'U0EXT1']);
    const rest = await client.conversations.members({
      channel: 'G0PARTNER',
      cursor: first.response_metadata?.next_cursor ?? '',
    });
    expect([rest.members, rest.response_metadata?.next_cursor]).toEqual([['U0EXT2'], '']);
    const partner = await client.team.info({ team: 'T0PARTNER' });
    expect(partner.team?.name).toBe('Partner Co');
  });
});

/** The harness fails tests on unknown requests; this one makes one on purpose. */
async function startSlackEmulatorWithoutHarness() {
  const { startSlackEmulator } = await import('../../../connectors/slack/emulator/index.js');
  const { SlackScenarioSchema } = await import('../../../connectors/slack/emulator/scenario.js');
  const { NOW } = await import('./harness.js');
  return startSlackEmulator(SlackScenarioSchema.parse(everyKind()), { now: NOW });
}
