// The sandbox Slack: the Web API's wire format on loopback (form-encoded POST to /api/METHOD,
// Bearer token, `ok` envelopes, `response_metadata.next_cursor` paging capped by the page size,
// HTTP 429 with Retry-After, 200 `ok:false` errors: not_authed, invalid_auth, missing_scope with
// `needed`, ratelimited). Only the methods the connector calls exist; anything else is a 404.
import { randomBytes } from 'node:crypto';
import type { EmulatorOptions, FaultKind, RunningEmulator } from '../../../src/core/connector.js';
import {
  type EmulatorRequest,
  type EmulatorResponse,
  pageOf,
  type Route,
  startHttpEmulator,
} from '../../../src/core/emulator-kit.js';
import { INTEGRATION_LOG_SCOPE, isSlackOperation, type SlackOperation } from '../operations.js';
import type { SlackScenario } from './scenario.js';
import {
  SLACKBOT_ID,
  type WireConversationsList,
  type WireConversationsMembers,
  type WireError,
  type WireTeamInfo,
  type WireUsersInfo,
  type WireUsersList,
  type WireView,
  wireChannel,
  wireExternalUser,
  wireSlackbot,
  wireUser,
} from './wire.js';

export const SANDBOX_TOKEN_ENV = 'LANEKEEPER_SANDBOX_SLACK_TOKEN';
/** Slack's own ceiling for `limit` ("a limit value under 1000"); the emulator's page size caps it further. */
const MAX_LIMIT = 999;

/** Which scope each method needs; conversations.* depend on the channel type asked for. */
const METHOD_SCOPES: Record<SlackOperation, string | undefined> = {
  'team.info': 'team:read',
  'users.list': 'users:read',
  'users.info': 'users:read',
  'conversations.list': undefined,
  'conversations.members': undefined,
  'team.integrationLogs': INTEGRATION_LOG_SCOPE,
  'usergroups.list': 'usergroups:read',
};
const CHANNEL_SCOPE = { public: 'channels:read', private: 'groups:read' } as const;

type Page<T> = { ok: true; items: T[]; response_metadata: { next_cursor: string } } | { ok: false; error: string };

export interface SlackEmulatorHooks {
  /** Called for requests the emulator does not know; a test harness can make them fail. */
  onUnknown?(req: EmulatorRequest): void;
}

export async function startSlackEmulator(
  scenario: SlackScenario,
  options: EmulatorOptions,
  hooks: SlackEmulatorHooks = {},
): Promise<RunningEmulator> {
  const token = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
  const scopes = new Set(scenario.token.scopes);
  const view: WireView = {
    seesEmail: scopes.has('users:read.email'),
    seesTwoFactor: scenario.token.seesTwoFactor,
    nowSeconds: Math.floor(options.now.getTime() / 1000),
  };
  const pageCap = Math.max(1, options.pageSize ?? MAX_LIMIT);
  const scopeHeader = scenario.token.scopes.join(',');

  const json = (body: unknown, accepted?: string, extra: Record<string, string> = {}): EmulatorResponse => ({
    status: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(scenario.token.announcesScopes ? { 'x-oauth-scopes': scopeHeader } : {}),
      ...(accepted ? { 'x-accepted-oauth-scopes': accepted } : {}),
      ...extra,
    },
    body: JSON.stringify(body),
  });
  const fail = (error: string, more: Omit<WireError, 'ok' | 'error'> = {}, accepted?: string) =>
    json({ ok: false, error, ...more } satisfies WireError, accepted);
  const missing = (needed: string) => fail('missing_scope', { needed, provided: scopeHeader }, needed);

  /** One page of a list, with the paging faults applied to it. */
  const page = <T>(items: readonly T[], params: URLSearchParams, fault?: FaultKind): Page<T> => {
    const raw = params.get('cursor');
    const offset = raw ? decodeCursor(raw) : 0;
    if (offset === undefined) return { ok: false, error: 'invalid_cursor' };
    const limit = Number.parseInt(params.get('limit') ?? '', 10);
    if (limit > MAX_LIMIT) return { ok: false, error: 'invalid_limit' };
    const size = Math.min(pageCap, limit > 0 ? limit : MAX_LIMIT);
    const slice = pageOf(items, String(offset), size);
    let pageItems = slice.page;
    let next = slice.next === undefined ? '' : encodeCursor(Number(slice.next));
    if (fault === 'empty-page' && pageItems.length > 0) {
      pageItems = [];
      next = encodeCursor(offset);
    } else if (fault === 'repeat-cursor' && next !== '') {
      next = encodeCursor(offset);
    }
    return { ok: true, items: pageItems, response_metadata: { next_cursor: next } };
  };

  const visibleChannels = (types: Set<string>, excludeArchived: boolean) =>
    scenario.channels.filter(
      (c) =>
        (c.private ? types.has('private_channel') && c.visibleToToken : types.has('public_channel')) &&
        !(excludeArchived && c.archived),
    );

  const handle = (req: EmulatorRequest, route: Route, fault?: FaultKind): EmulatorResponse => {
    const method = route.operation as SlackOperation;
    const params = paramsOf(req);
    const presented = bearer(req) ?? params.get('token');
    if (!presented) return fail('not_authed');
    if (presented !== token) return fail('invalid_auth');
    const needed = METHOD_SCOPES[method];
    if (needed && !scopes.has(needed)) return missing(needed);

    switch (method) {
      case 'team.info': {
        const asked = params.get('team');
        if (!asked || asked === scenario.team.id) {
          return json({ ok: true, team: { ...scenario.team, email_domain: '' } } satisfies WireTeamInfo, needed);
        }
        const other = scenario.externalTeams.find((t) => t.id === asked);
        if (!other) return fail('team_not_found');
        return json({
          ok: true,
          team: { id: other.id, name: other.name, domain: other.domain ?? '' },
        } satisfies WireTeamInfo);
      }
      case 'users.list': {
        const broken = Array.from({ length: scenario.unreadableUsers }, (_, i) => ({
          id: `U0BROKEN${i}`,
          deleted: 'no',
        }));
        const listed = scenario.users.filter((u) => !u.joinedDuringScan).map((u) => wireUser(u, scenario, view));
        // Real Slack lists its own bot in every workspace; a scenario may describe it itself.
        if (!listed.some((u) => u.id === SLACKBOT_ID)) listed.push(wireSlackbot(scenario));
        const p = page([...listed, ...broken], params, fault);
        if (!p.ok) return fail(p.error);
        return json(
          {
            ok: true,
            members: p.items as WireUsersList['members'],
            cache_ts: view.nowSeconds,
            response_metadata: p.response_metadata,
          } satisfies WireUsersList,
          needed,
        );
      }
      case 'users.info': {
        const id = params.get('user');
        const own = scenario.users.find((u) => u.id === id);
        if (own) return json({ ok: true, user: wireUser(own, scenario, view) } satisfies WireUsersInfo, needed);
        if (id === SLACKBOT_ID) return json({ ok: true, user: wireSlackbot(scenario) } satisfies WireUsersInfo, needed);
        const other = scenario.externalUsers.find((u) => u.id === id);
        if (!other) return fail('user_not_found');
        // Slack's is_stranger: of another workspace, and in no shared channel the token can see.
        const seen = scenario.channels.some(
          (c) => c.externalMembers.includes(other.id) && (!c.private || c.visibleToToken),
        );
        return json({ ok: true, user: wireExternalUser(other, view, !seen) } satisfies WireUsersInfo, needed);
      }
      case 'conversations.list': {
        const types = new Set((params.get('types') ?? 'public_channel').split(',').map((t) => t.trim()));
        if (types.has('public_channel') && !scopes.has(CHANNEL_SCOPE.public)) return missing(CHANNEL_SCOPE.public);
        if (types.has('private_channel') && !scopes.has(CHANNEL_SCOPE.private)) return missing(CHANNEL_SCOPE.private);
        const excludeArchived = params.get('exclude_archived') === 'true';
        const p = page(visibleChannels(types, excludeArchived), params, fault);
        if (!p.ok) return fail(p.error);
        return json({
          ok: true,
          channels: p.items.map((c) => wireChannel(c, scenario, view)),
          response_metadata: p.response_metadata,
        } satisfies WireConversationsList);
      }
      case 'conversations.members': {
        const channel = scenario.channels.find((c) => c.id === params.get('channel'));
        if (!channel || (channel.private && !channel.visibleToToken)) return fail('channel_not_found');
        const scope = channel.private ? CHANNEL_SCOPE.private : CHANNEL_SCOPE.public;
        if (!scopes.has(scope)) return missing(scope);
        const p = page([...channel.members, ...channel.externalMembers], params, fault);
        if (!p.ok) return fail(p.error);
        return json(
          { ok: true, members: p.items, response_metadata: p.response_metadata } satisfies WireConversationsMembers,
          scope,
        );
      }
      case 'usergroups.list': {
        const withUsers = params.get('include_users') === 'true';
        return json(
          {
            ok: true,
            usergroups: scenario.userGroups.map((g) => ({
              id: g.id,
              team_id: scenario.team.id,
              is_usergroup: true,
              name: g.name ?? g.handle,
              description: '',
              handle: g.handle,
              is_external: false,
              date_create: view.nowSeconds - 86_400 * 90,
              date_update: view.nowSeconds - 86_400 * 30,
              date_delete: 0,
              auto_type: null,
              prefs: {
                channels: g.channels.filter((c) => c.startsWith('C')),
                groups: g.channels.filter((c) => c.startsWith('G')),
              },
              ...(withUsers ? { users: g.users } : {}),
              user_count: g.users.length,
            })),
          },
          'usergroups:read',
        );
      }
      case 'team.integrationLogs': {
        if (scenario.freePlan) return fail('paid_only');
        // Newest first, paged with page/count (Slack's older paging), not a cursor.
        const logs = scenario.integrationLogs
          .map((l, i) => ({ l, i, at: Math.floor(Date.parse(l.date) / 1000) }))
          .sort((a, b) => b.at - a.at || b.i - a.i)
          .map(({ l, at }) => ({
            app_id: l.appId,
            app_type: l.appName,
            user_id: l.userId,
            user_name: l.userName,
            date: String(at),
            change_type: l.change,
            ...(l.scopes.length > 0 ? { scope: l.scopes.join(',') } : {}),
          }));
        const count = Math.min(pageCap, Math.max(1, Number.parseInt(params.get('count') ?? '100', 10) || 100));
        const pageNumber = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
        const pages = Math.max(1, Math.ceil(logs.length / count));
        // Numbered pages have no cursor to repeat or to point on past an empty page: the paging faults do not apply.
        const items = logs.slice((pageNumber - 1) * count, pageNumber * count);
        return json(
          { ok: true, logs: items, paging: { count, total: logs.length, page: pageNumber, pages } },
          INTEGRATION_LOG_SCOPE,
        );
      }
    }
  };

  const server = await startHttpEmulator({
    options,
    route(req) {
      const m = /^\/api\/([a-zA-Z.]+)$/.exec(req.path);
      const name = m?.[1];
      if (!name || !isSlackOperation(name) || (req.method !== 'POST' && req.method !== 'GET')) return undefined;
      return { operation: name, params: {} };
    },
    handle: (req, route, ctx) => handle(req, route, ctx.fault),
    renderFault(kind) {
      switch (kind) {
        case 'rate-limit':
          return {
            status: 429,
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'retry-after': String(scenario.retryAfterSeconds),
            },
            body: JSON.stringify({ ok: false, error: 'ratelimited' } satisfies WireError),
          };
        case 'secondary-rate-limit':
          return json({ ok: false, error: 'ratelimited' } satisfies WireError);
        case 'bad-gateway':
          return {
            status: 502,
            headers: { 'content-type': 'text/html' },
            body: '<html><body>502 Bad Gateway</body></html>',
          };
        case 'unavailable':
          return {
            status: 503,
            headers: { 'content-type': 'text/html' },
            body: '<html><body>503 Service Unavailable</body></html>',
          };
        default:
          return {
            status: 500,
            headers: { 'content-type': 'text/html' },
            body: '<html><body>500 Internal Server Error</body></html>',
          };
      }
    },
    ...(hooks.onUnknown ? { onUnknown: hooks.onUnknown } : {}),
  });

  return {
    url: server.url,
    config: { slackApiUrl: `${server.url}/api/`, token: `\${${SANDBOX_TOKEN_ENV}}` },
    env: { [SANDBOX_TOKEN_ENV]: token },
    requests: server.requests,
    close: () => server.close(),
  };
}

/** Form-encoded (what the SDK sends), JSON, or the query string: Slack accepts all three. */
function paramsOf(req: EmulatorRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/json') && req.body) {
    try {
      const body = JSON.parse(req.body) as Record<string, unknown>;
      for (const [k, v] of Object.entries(body)) if (v !== undefined && v !== null) params.set(k, String(v));
    } catch {
      // An unreadable body carries no arguments; the method then answers as if none were given.
    }
  } else if (req.body) {
    for (const [k, v] of new URLSearchParams(req.body)) params.set(k, v);
  }
  return params;
}

function bearer(req: EmulatorRequest): string | undefined {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return m?.[1];
}

/** Opaque like Slack's ("dXNlcjpVMDYxTkZUVDI="): base64 of the offset. */
function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

function decodeCursor(cursor: string): number | undefined {
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}
