// What the tests and the benchmark know about GitHub: where faults go, what a read is, how
// the server answers a wrong token, the limits it enforces and the fewest calls a full read takes.
import type { AnyConnector, ConnectorTestKit, HostileAttack } from '../../src/core/connector.js';
import { pageCount as pages } from '../../src/core/paging.js';
import type { ClientTuning } from './client.js';

/** Pages beyond the first of a nested GraphQL connection: each is one more query on that node. */
const extra = (items: number, size = 100) => Math.max(0, Math.ceil(items / size) - 1);

/** The kit, given the connector's own factory (passed in, so this file never imports the connector). */
export const githubTestKit = (create: (tuning: ClientTuning) => AnyConnector): ConnectorTestKit => ({
  fast: create({ msPerSecond: 1 }),
  faults: { firstCall: 'GET /orgs/{org}', pagedCall: 'GET /orgs/{org}/repos', slowDeadlineSeconds: 1 },
  // REST reads are GETs; GraphQL is a POST whose documents the read-only proof checks for mutations.
  hostile,
  isRead: (r) => r.method === 'GET' || r.operation === 'POST /graphql',
  secrets: {
    values: ['LKFAKE-github-token-5b1e0c7d9a'],
    block: (url) => ({ org: 'northwind', baseUrl: url, token: 'LKFAKE-github-token-5b1e0c7d9a' }),
    refusal: (sent) => ({
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({ message: `Bad credentials (${sent})`, documentation_url: 'https://docs.github.com/rest' }),
    }),
  },
  bench: {
    // GitHub's secondary limit: 100 concurrent requests (its hourly budget is reported, not enforced).
    rateLimits: { concurrent: 100 },
    // The config caps concurrency at 64.
    concurrency: 64,
    minimumCalls: (scenario) => githubMinimum(scenario as Parameters<typeof githubMinimum>[0]),
  },
});

// The fewest calls that read everything a scenario holds, with the best API the system offers:
// a floor computed from the scenario, not from what lanekeeper does.
interface GithubShape {
  users: { login: string; twoFactor?: boolean; saml?: unknown }[];
  members: { login: string; role: string }[];
  teams: { slug: string; parent?: string; members: string[]; repos: unknown[] }[];
  repos: { collaborators: { login: string }[] }[];
  installations?: { appSlug: string }[] | null;
  organizationRoles?: unknown[] | null;
}

function githubMinimum(s: GithubShape): Record<string, number> {
  const memberLogins = new Set(s.members.map((m) => m.login.toLowerCase()));
  const direct = new Set(s.repos.flatMap((r) => r.collaborators.map((c) => c.login.toLowerCase())));
  const outside = [...direct].filter((l) => !memberLogins.has(l)).length;
  const admins = s.members.filter((m) => m.role === 'admin').length;
  const twoFactorOff = s.users.filter((u) => u.twoFactor === false);
  // A team lists its children's members too (GitHub's default membership).
  const children = new Map<string, string[]>();
  for (const t of s.teams) if (t.parent) children.set(t.parent, [...(children.get(t.parent) ?? []), t.slug]);
  const bySlug = new Map(s.teams.map((t) => [t.slug, t]));
  const membersOf = (slug: string, seen = new Set<string>()): Set<string> => {
    const out = new Set<string>();
    if (seen.has(slug)) return out;
    seen.add(slug);
    for (const m of bySlug.get(slug)?.members ?? []) out.add(m.toLowerCase());
    for (const c of children.get(slug) ?? []) for (const m of membersOf(c, seen)) out.add(m);
    return out;
  };
  const reposOf = (slug: string): number => {
    // A child inherits its parents' repositories.
    const names = new Set<unknown>();
    let t = bySlug.get(slug);
    const seen = new Set<string>();
    while (t && !seen.has(t.slug)) {
      seen.add(t.slug);
      for (const r of t.repos) names.add((r as { repo: string }).repo);
      t = t.parent ? bySlug.get(t.parent) : undefined;
    }
    return names.size;
  };
  const graphql =
    pages(s.repos.length, 100) +
    s.repos.reduce((n, r) => n + extra(r.collaborators.length), 0) +
    pages(s.teams.length, 100) +
    s.teams.reduce((n, t) => n + extra(membersOf(t.slug).size) + extra(reposOf(t.slug)), 0) +
    pages(s.members.length, 100) + // member names and emails
    (outside > 0 ? pages(outside, 100) : 0) + // outside collaborators' names and emails
    pages(s.users.filter((u) => u.saml).length, 100); // SAML identities
  return {
    'GET /orgs/{org}': 1,
    'GET /orgs/{org}/members': pages(admins, 100) + pages(s.members.length - admins, 100) + 1,
    'GET /orgs/{org}/outside_collaborators': pages(outside, 100) + pages(twoFactorOff.length, 100),
    'GET /orgs/{org}/invitations': 1,
    'GET /orgs/{org}/actions/secrets': 1,
    'GET /orgs/{org}/personal-access-tokens': 1,
    'GET /orgs/{org}/installations': pages((s.installations ?? []).length, 100),
    'GET /apps/{app_slug}': new Set((s.installations ?? []).map((i) => i.appSlug)).size,
    'GET /orgs/{org}/organization-roles': 1,
    'GET /orgs/{org}/custom-repository-roles': 1,
    // Who holds each role: its users and its teams (a role with none still takes both calls).
    'GET /orgs/{org}/organization-roles/{role_id}/users': (s.organizationRoles ?? []).length,
    'GET /orgs/{org}/organization-roles/{role_id}/teams': (s.organizationRoles ?? []).length,
    'POST /graphql': graphql,
    'GET /repos/{owner}/{repo}/keys': s.repos.length,
    'GET /repos/{owner}/{repo}/actions/secrets': s.repos.length,
    'GET /repos/{owner}/{repo}/environments': s.repos.length,
  };
}

/** The scenario with its free-text fields replaced by attacks: the escaping proof's input. */
function hostile(scenario: unknown, attack: HostileAttack): unknown {
  // biome-ignore lint/suspicious/noExplicitAny: scenarios are plain JSON; the emulator's schema checks the result
  type Json = any;
  const s: Json = structuredClone(scenario);
  for (const u of s.users) u.name = attack.next();
  const sam = s.users.find((u: Json) => u.login === 'samortiz');
  if (sam) sam.publicEmail = `${attack.payload('hyperlink')}@ortiz.dev`;
  for (const t of s.teams) {
    t.name = attack.payload('img');
    t.description = attack.payload('markdownLink');
  }
  for (const r of s.repos) {
    r.description = attack.next();
    for (const secret of r.secrets ?? []) secret.name = attack.next();
  }
  for (const secret of s.orgSecrets ?? []) secret.name = attack.payload('hyperlink');
  const shop = s.repos.find((r: Json) => r.name === 'shop');
  shop.deployKeys = [
    {
      id: 4242,
      title: attack.labelled('deploy', attack.payload('script')),
      readOnly: false,
      addedBy: 'dana-w',
      createdAt: '2026-01-05T10:00:00Z',
    },
    { id: 4343, title: attack.payload('hyperlink'), readOnly: true, createdAt: '2026-02-05T10:00:00Z' },
  ];
  s.invitations = [
    ...(s.invitations ?? []),
    {
      id: 777,
      email: `"${attack.payload('img')}"@evil.example`,
      role: 'admin',
      createdAt: '2026-11-01T10:00:00Z',
      inviter: 'dana-w',
    },
  ];
  return s;
}
