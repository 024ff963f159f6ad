import { afterEach, describe, expect, it } from 'vitest';
import { startGithubEmulator } from '../../../connectors/github/emulator/index.js';
import { GithubScenarioSchema } from '../../../connectors/github/emulator/scenario.js';
import type { EmulatorOptions, RunningEmulator } from '../../../src/core/connector.js';
import { NOW } from './harness.js';
import { RICH_SCENARIO } from './scenarios.js';

let running: RunningEmulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Partial<EmulatorOptions> = {}, scenario: unknown = RICH_SCENARIO) {
  running = await startGithubEmulator(GithubScenarioSchema.parse(scenario), { now: NOW, ...options });
  const token = Object.values(running.env)[0] as string;
  const get = (path: string, headers: Record<string, string> = { authorization: `token ${token}` }) =>
    fetch(path.startsWith('http') ? path : `${running?.url}${path}`, { headers });
  return { emulator: running, token, get };
}

describe('GitHub emulator wire format', () => {
  it('points its config at itself with the token as an environment reference', async () => {
    const { emulator, token } = await start();
    expect(emulator.config).toEqual({
      org: 'acme',
      baseUrl: emulator.url,
      token: `\${LANEKEEPER_SANDBOX_GITHUB_TOKEN}`,
    });
    expect(emulator.env).toEqual({ LANEKEEPER_SANDBOX_GITHUB_TOKEN: token });
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('pages with Link headers that point back at the emulator, capped by the page size', async () => {
    const { emulator, get } = await start({ pageSize: 2 });
    const first = await get('/orgs/acme/members?per_page=100');
    expect(((await first.json()) as { login: string }[]).map((u) => u.login)).toEqual(['Owner-One', 'dev-two']);
    const link = first.headers.get('link') ?? '';
    expect(link).toContain(`<${emulator.url}/orgs/acme/members?per_page=100&page=2>; rel="next"`);
    expect(link).toContain('rel="last"');
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] as string;
    const second = await get(next);
    expect(((await second.json()) as { login: string }[]).map((u) => u.login)).toEqual([
      'reviewer-three',
      'deploy-bot',
    ]);
    expect(second.headers.get('link')).not.toContain('rel="next"');
    // per_page below the cap is honoured.
    const one = await get('/orgs/acme/members?per_page=1&role=admin');
    expect(((await one.json()) as unknown[]).length).toBe(1);
    expect(one.headers.get('link')).toBeNull();
  });

  it('answers 401 for a missing or wrong token', async () => {
    const { get } = await start();
    const variants: Record<string, string>[] = [{}, { authorization: 'token ghp_wrongwrongwrongwrongwrong' }];
    for (const headers of variants) {
      const res = await get('/orgs/acme', headers);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { message: string }).message).toBe('Bad credentials');
    }
  });

  it('sends x-ratelimit headers that count down', async () => {
    const { get } = await start();
    const a = await get('/orgs/acme');
    const b = await get('/orgs/acme/teams');
    expect(a.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(Number(b.headers.get('x-ratelimit-remaining'))).toBe(Number(a.headers.get('x-ratelimit-remaining')) - 1);
    expect(a.headers.get('x-ratelimit-resource')).toBe('core');
  });

  it('renders rate-limit faults as GitHub does', async () => {
    const { get, emulator } = await start({
      faults: { seed: 1, rate: 1, kinds: ['rate-limit'], operations: ['GET /orgs/{org}'] },
    });
    const limited = await get('/orgs/acme');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);
    // Never the same operation twice in a row: a retry gets through.
    expect((await get('/orgs/acme')).status).toBe(200);
    expect(emulator.requests.map((r) => [r.operation, r.status, r.fault])).toEqual([
      ['GET /orgs/{org}', 429, 'rate-limit'],
      ['GET /orgs/{org}', 200, undefined],
    ]);
  });

  it('renders secondary rate limits as a 403 with GitHub message', async () => {
    const { get } = await start({
      faults: { seed: 1, rate: 1, kinds: ['secondary-rate-limit'], operations: ['GET /orgs/{org}/teams'] },
    });
    const res = await get('/orgs/acme/teams');
    expect(res.status).toBe(403);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { message: string }).message).toMatch(/secondary rate limit/);
  });

  it('answers PAT grants with 403 when the token may not read them, and 404 for another org', async () => {
    const { get } = await start({}, { ...RICH_SCENARIO, patGrants: null });
    expect((await get('/orgs/acme/personal-access-tokens')).status).toBe(403);
    expect((await get('/orgs/other/members')).status).toBe(404);
  });

  it('answers the GraphQL queries with cursor paging', async () => {
    const { token } = await start({ pageSize: 1 });
    const post = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(`${running?.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as { data: Record<string, unknown> };
    };
    const q =
      'query { organization(login:$org){membersWithRole(first:100, after:$cursor){pageInfo{hasNextPage endCursor} nodes{login}}}}';
    const logins: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const { data } = await post(q, { org: 'acme', cursor });
      const page = (
        data.organization as {
          membersWithRole: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { login: string }[] };
        }
      ).membersWithRole;
      logins.push(...page.nodes.map((n) => n.login));
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    }
    expect(logins).toEqual(['Owner-One', 'dev-two', 'reviewer-three', 'deploy-bot']);
  });

  it('records a GraphQL mutation or subscription as unknown, never as the read POST /graphql', async () => {
    const { token, emulator } = await start();
    const post = (query: string) =>
      fetch(`${emulator.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
    const read = await post('# mutation in a comment\nquery { organization(login: "mutation") { login } }');
    const write = await post('mutation { addStar(input: {starrableId: "x"}) { clientMutationId } }');
    const watch = await post('subscription { ping }');
    expect([read.status, write.status, watch.status]).toEqual([200, 404, 404]);
    expect(emulator.requests.map((r) => r.operation)).toEqual(['POST /graphql', 'unknown', 'unknown']);
  });
  it('refuses a scenario that names people, teams or repos it does not define', () => {
    const broken = {
      ...RICH_SCENARIO,
      members: [...RICH_SCENARIO.members, { login: 'ghost', role: 'member' }],
      teams: [{ slug: 'x', parent: 'nope', repos: [{ repo: 'missing', permission: 'pull' }] }],
      repos: [{ name: 'r', environments: [{ name: 'production', reviewers: [{ team: 'nobody' }] }] }],
    };
    const result = GithubScenarioSchema.safeParse(broken);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'members.4.login: unknown user "ghost"',
      'teams.0.repos.0: unknown repo',
      'teams.0.parent: unknown team "nope"',
      'repos.0.environments.0.reviewers.0: unknown team "nobody"',
    ]);
  });
});
