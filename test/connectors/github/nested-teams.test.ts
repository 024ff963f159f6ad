// Nested teams: GitHub counts a child team's members among its parent's, and the child inherits
// the parent's repositories. Access must stay what GitHub gives (never less), but each grant names
// the team its holder is actually in, the one whose removal takes the access away.
import { afterEach, describe, expect, it } from 'vitest';
import { startGithubEmulator } from '../../../connectors/github/emulator/index.js';
import { GithubScenarioSchema } from '../../../connectors/github/emulator/scenario.js';
import { remediation } from '../../../connectors/github/remediation.js';
import type { Grant, Snapshot } from '../../../src/core/model.js';
import { clearSecrets } from '../../../src/core/redact.js';
import { NOW, runAgainstEmulator } from './harness.js';

afterEach(() => {
  clearSecrets();
});

/** Zoe is in web, a child of platform; Ben in platform; Ana in both; Max in mobile, a child of web. */
const NESTED = {
  org: { login: 'halyard', defaultRepositoryPermission: 'none' },
  users: [{ login: 'zoe' }, { login: 'ben' }, { login: 'ana' }, { login: 'max' }],
  members: [
    { login: 'zoe', role: 'member' },
    { login: 'ben', role: 'member' },
    { login: 'ana', role: 'member' },
    { login: 'max', role: 'member' },
  ],
  teams: [
    { slug: 'platform', members: ['ben', 'ana'], repos: [{ repo: 'infra', permission: 'push' }] },
    { slug: 'web', parent: 'platform', members: ['zoe', 'ana'], repos: [{ repo: 'webapp', permission: 'push' }] },
    { slug: 'mobile', parent: 'web', members: ['max'], repos: [{ repo: 'app', permission: 'pull' }] },
  ],
  repos: [{ name: 'infra' }, { name: 'webapp' }, { name: 'app' }],
};

const teamGrants = (s: Snapshot, account: string): Grant[] =>
  s.grants.filter((g) => g.account === account && g.via === 'team');
const held = (s: Snapshot) =>
  [...new Set(s.grants.filter((g) => g.via === 'team').map((g) => `${g.account} ${g.resource} ${g.level}`))].sort();

describe('github connector: nested teams', () => {
  it('with GraphQL, names the team each member is in, and the access it inherits', async () => {
    const { snapshot, emulator } = await runAgainstEmulator(NESTED);
    const zoe = teamGrants(snapshot, 'zoe');
    expect(zoe.map((g) => [g.resource, g.permission, g.viaName, g.attributes?.inheritedFrom])).toEqual([
      ['halyard/infra', 'write', 'web', 'platform'],
      ['halyard/webapp', 'write', 'web', undefined],
    ]);
    expect(zoe[0]?.evidence?.[0]).toBe(
      'member of team web, which inherits write on halyard/infra from its parent team platform',
    );
    for (const g of zoe)
      expect(remediation.revokeGrant(g).commands).toEqual([
        'gh api --method DELETE orgs/halyard/teams/web/memberships/zoe',
      ]);
    // Two levels down: mobile inherits web's and platform's.
    expect(teamGrants(snapshot, 'max').map((g) => [g.resource, g.viaName, g.attributes?.inheritedFrom])).toEqual([
      ['halyard/app', 'mobile', undefined],
      ['halyard/infra', 'mobile', 'platform'],
      ['halyard/webapp', 'mobile', 'web'],
    ]);
    expect(teamGrants(snapshot, 'max')[1]?.evidence?.[0]).toMatch(/from its ancestor team platform$/);
    // In both teams herself: a grant through each, and both removals.
    expect(teamGrants(snapshot, 'ana').map((g) => [g.resource, g.viaName])).toEqual([
      ['halyard/infra', 'platform'],
      ['halyard/infra', 'web'],
      ['halyard/webapp', 'web'],
    ]);
    // The query asks for immediate members; no more calls than before.
    const graphql = emulator.requests.filter((r) => r.operation === 'POST /graphql');
    expect(graphql.length).toBeGreaterThan(0);
  });

  it('through REST gives the same access, and says what its listing cannot tell', async () => {
    const rest = await runAgainstEmulator({ ...NESTED, graphqlAllowed: false });
    const graphql = await runAgainstEmulator(NESTED);
    // Never less access than GitHub's ALL gives, and the same in both ways.
    expect(held(rest.snapshot)).toEqual(held(graphql.snapshot));
    expect(held(rest.snapshot)).toContain('zoe halyard/infra write');
    expect(held(rest.snapshot)).toContain('max halyard/infra write');
    const zoe = teamGrants(rest.snapshot, 'zoe');
    expect(zoe.map((g) => g.viaName)).toEqual(['web', 'web']);
    const plan = remediation.revokeGrant(zoe[0]!);
    expect(plan.commands).toEqual(['gh api --method DELETE orgs/halyard/teams/web/memberships/zoe']);
    expect(plan.steps[1]).toMatch(
      /^GitHub's REST listing of team platform counts its child teams' members, so it does not show whether zoe is also directly in it/,
    );
    expect(plan.steps[1]).toContain('gh api --method DELETE orgs/halyard/teams/platform/memberships/zoe');
  });

  it('the emulator answers membership IMMEDIATE, CHILD_TEAM and ALL as GitHub does', async () => {
    const emulator = await startGithubEmulator(GithubScenarioSchema.parse(NESTED), { now: NOW });
    try {
      const token = Object.values(emulator.env)[0] as string;
      const teams = (await (
        await fetch(`${emulator.url}/orgs/halyard/teams`, { headers: { authorization: `token ${token}` } })
      ).json()) as { slug: string; node_id: string }[];
      const web = teams.find((t) => t.slug === 'web')?.node_id;
      const members = async (membership?: string) => {
        const arg = membership ? `, membership: ${membership}` : '';
        const res = await fetch(`${emulator.url}/graphql`, {
          method: 'POST',
          headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            query: `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Team { id members(first: 100${arg}) { pageInfo { hasNextPage endCursor } nodes { login } } } } }`,
            variables: { ids: [web] },
          }),
        });
        const body = (await res.json()) as { data: { nodes: { members: { nodes: { login: string }[] } }[] } };
        return body.data.nodes[0]?.members.nodes.map((n) => n.login);
      };
      expect(await members('IMMEDIATE')).toEqual(['zoe', 'ana']);
      expect(await members('CHILD_TEAM')).toEqual(['max']);
      expect(await members('ALL')).toEqual(['zoe', 'ana', 'max']);
      expect(await members()).toEqual(['zoe', 'ana', 'max']);
    } finally {
      await emulator.close();
    }
  });
});
