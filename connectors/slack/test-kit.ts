// What the tests and the benchmark know about Slack: where faults go, what a read is, how the
// Web API answers a wrong token, its tiers and the fewest calls a full read takes.
import type { AnyConnector, ConnectorTestKit, HostileAttack } from '../../src/core/connector.js';
import { pageCount as pages } from '../../src/core/paging.js';
import type { ClientTuning } from './client.js';

/** The one client timeout Slack's client lets us set: a slow answer is abandoned and retried. */
export const FAST_TIMEOUT_MS = 400;

/** The kit, given the connector's own factory (passed in, so this file never imports the connector). */
export const slackTestKit = (create: (tuning: ClientTuning) => AnyConnector): ConnectorTestKit => ({
  fast: create({ msPerSecond: 1, timeoutMs: FAST_TIMEOUT_MS }),
  faults: { firstCall: 'team.info', pagedCall: 'users.list', slowDeadlineSeconds: 3 },
  // Slack's Web API is all POSTs; the method says what it does.
  hostile,
  isRead: (r) => /^[a-z]+\.(list|info|members|integrationLogs)$/.test(r.operation),
  secrets: {
    values: ['LKFAKE-slack-token-2f8a6e4c1b'],
    block: (url) => ({ token: 'LKFAKE-slack-token-2f8a6e4c1b', slackApiUrl: `${url}/api/` }),
    refusal: (sent) => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        ok: false,
        error: 'invalid_auth',
        warning: sent,
        response_metadata: { messages: [sent] },
      }),
    }),
  },
  bench: {
    // Tiers per method per minute: users.list and conversations.list tier 2, team.info tier 3,
    // conversations.members tier 4. Slack limits rates, not concurrency.
    rateLimits: {
      perOperation: {
        'users.list': { limit: 20, windowMs: 60_000 },
        'conversations.list': { limit: 20, windowMs: 60_000 },
        'team.info': { limit: 50, windowMs: 60_000 },
        'users.info': { limit: 100, windowMs: 60_000 },
        'conversations.members': { limit: 100, windowMs: 60_000 },
      },
    },
    concurrency: 8,
    minimumCalls: (scenario) => slackMinimum(scenario as Parameters<typeof slackMinimum>[0]),
  },
});

// The fewest calls that read everything a scenario holds, with the best API the system offers:
// a floor computed from the scenario, not from what lanekeeper does.
interface SlackShape {
  users: { id: string; joinedDuringScan?: boolean }[];
  channels: { members: string[]; externalMembers?: string[] }[];
  integrationLogs?: unknown[];
}

/** The largest `limit` Slack's cursor paging takes: "a limit value under 1000". */
const LARGEST_PAGE = 999;

function slackMinimum(s: SlackShape): Record<string, number> {
  return {
    'team.info': 1,
    'users.list': pages(s.users.length, LARGEST_PAGE),
    'conversations.list': pages(s.channels.length, LARGEST_PAGE),
    'conversations.members': s.channels
      .filter((c) => c.members.length + (c.externalMembers?.length ?? 0) > 0)
      .reduce((n, c) => n + pages(c.members.length + (c.externalMembers?.length ?? 0), LARGEST_PAGE), 0),
    'team.integrationLogs': pages(s.integrationLogs?.length ?? 0, 1000),
    'usergroups.list': 1,
    // Whoever is in a channel but not in users.list is asked about once.
    'users.info': new Set(
      s.channels.flatMap((c) => [
        ...(c.externalMembers ?? []),
        ...c.members.filter((m) => s.users.some((u) => u.id === m && u.joinedDuringScan)),
      ]),
    ).size,
  };
}

/** The scenario with its free-text fields replaced by attacks: the escaping proof's input. */
function hostile(scenario: unknown, attack: HostileAttack): unknown {
  // biome-ignore lint/suspicious/noExplicitAny: scenarios are plain JSON; the emulator's schema checks the result
  type Json = any;
  const s: Json = structuredClone(scenario);
  s.team.name = attack.labelled('Northwind', attack.payload('osc8Link'));
  for (const u of s.users) {
    u.realName = attack.next();
    // Handles of people from outside (guests) are theirs to choose.
    if (u.role?.includes('guest')) u.name = attack.next();
  }
  const mia = s.users.find((u: Json) => u.id === 'U0MIA');
  if (mia) mia.email = `${attack.payload('markdownLink')}@pixelmia.studio`;
  for (const t of s.externalTeams ?? []) t.name = attack.payload('hyperlink');
  // An outsider in the workspace whose every field is an attack.
  s.users.push({
    id: 'U0HOSTILE',
    name: attack.payload('at'),
    realName: attack.payload('script'),
    email: `${attack.payload('minus')}@evil.example`,
    role: 'multi-channel-guest',
  });
  const general = s.channels.find((c: Json) => c.general);
  general?.members.push('U0HOSTILE');
  // An app whose name is an attack, installed by the outsider, reading messages.
  s.integrationLogs = [
    ...(s.integrationLogs ?? []),
    {
      appId: 'A0HOSTILE',
      appName: attack.payload('script'),
      userId: 'U0HOSTILE',
      userName: attack.payload('at').replace(/\s/g, '') || 'x',
      date: '2026-01-01',
      change: 'added',
      scopes: ['channels:history'],
    },
  ];
  return s;
}
