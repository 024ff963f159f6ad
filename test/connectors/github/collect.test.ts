import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { offboarding, remediation } from '../../../connectors/github/remediation.js';
import type { FaultPlan } from '../../../src/core/connector.js';
import type { Account, Grant, Snapshot } from '../../../src/core/model.js';
import { clearSecrets } from '../../../src/core/redact.js';
import { demoScenario, inventory, runAgainstEmulator } from './harness.js';
import { RICH_SCENARIO } from './scenarios.js';

const RICH_LANES = { lanes: { topics: { production: ['production'], data: ['data'] } } };

function status(s: Snapshot) {
  expect(s.systems).toHaveLength(1);
  return s.systems[0] as Snapshot['systems'][number];
}

function accountOf(s: Snapshot, id: string): Account {
  const a = s.accounts.find((x) => x.id === id);
  if (!a) throw new Error(`no account ${id}`);
  return a;
}

function grantsOf(s: Snapshot, account: string): Grant[] {
  return s.grants.filter((g) => g.account === account);
}

afterEach(() => {
  clearSecrets();
});

describe('github connector against its emulator: the demo organisation', () => {
  it('reads the same inventory at page size 1 and 100, counting every request', async () => {
    const scenario = await demoScenario();
    const big = await runAgainstEmulator(scenario, { emulator: { pageSize: 100 } });
    const small = await runAgainstEmulator(scenario, { emulator: { pageSize: 1 } });
    expect(status(big.snapshot).ok).toBe(true);
    expect(status(small.snapshot).ok).toBe(true);
    expect(inventory(small.snapshot)).toEqual(inventory(big.snapshot));
    // Paging really happened, and every request was counted.
    expect(small.emulator.requests.length).toBeGreaterThan(big.emulator.requests.length + 10);
    expect(status(small.snapshot).calls).toBe(small.emulator.requests.length);
    expect(status(big.snapshot).calls).toBe(big.emulator.requests.length);
    expect(small.emulator.requests.filter((r) => r.operation === 'POST /graphql').length).toBeGreaterThan(3);
  });

  it('tells the demo story: roles, 2FA, emails, lanes and secrets', async () => {
    const { snapshot } = await runAgainstEmulator(await demoScenario());
    expect(snapshot.accounts.map((a) => a.id)).toEqual([
      'app:quickship-deploy',
      'dana-w',
      'jun-park',
      'lee-okafor',
      'miadesign',
      'northwind-admin',
      'omar-qa',
      'priyar',
      'quickfix-dev',
      'ritacosta',
      'samortiz',
    ]);
    expect(accountOf(snapshot, 'dana-w')).toMatchObject({
      role: 'owner',
      mfa: true,
      emails: ['dana@northwind.example'],
    });
    expect(accountOf(snapshot, 'northwind-admin')).toMatchObject({ role: 'owner', emails: [] });
    expect(accountOf(snapshot, 'omar-qa')).toMatchObject({ role: 'outside-collaborator', mfa: false });
    expect(accountOf(snapshot, 'miadesign')).toMatchObject({ mfa: true, displayName: 'Mia Laurent' });
    // GitHub's number for each user, kept beside the login: a login can be renamed or taken over.
    const people = snapshot.accounts.filter((a) => !a.id.startsWith('app:'));
    const numbers = people.map((a) => a.attributes?.userId);
    expect(numbers.every((n) => typeof n === 'number' && n > 0)).toBe(true);
    expect(new Set(numbers).size).toBe(people.length);

    const sam = grantsOf(snapshot, 'samortiz').map((g) => [g.resource, g.permission, g.level, g.lanes]);
    expect(sam).toEqual([
      ['northwind/infra', 'admin', 'admin', ['production']],
      ['northwind/shop', 'write', 'write', ['code']],
    ]);
    expect(grantsOf(snapshot, 'miadesign').map((g) => [g.resource, g.level, g.lanes])).toEqual([
      ['northwind/storefront', 'read', ['code']],
    ]);
    const owner = grantsOf(snapshot, 'northwind-admin');
    expect(owner).toMatchObject([{ resource: 'northwind', permission: 'owner', via: 'org-role', level: 'admin' }]);
    expect(owner[0]?.lanes).toEqual(['code', 'production']);
    expect(grantsOf(snapshot, 'priyar').map((g) => [g.resource, g.permission, g.via])).toEqual([
      ['northwind/*', 'read', 'org-role'],
      ['northwind/infra', 'write', 'team'],
      ['northwind/shop', 'write', 'team'],
      ['northwind/storefront', 'write', 'team'],
    ]);
    const shop = grantsOf(snapshot, 'quickfix-dev')[0];
    expect(shop?.attributes).toMatchObject({ productionEnvironment: true, productionReviewers: ['dana-w'] });
    expect(snapshot.secrets.map((s) => `${s.resource}:${s.name}`)).toEqual([
      'northwind:NPM_TOKEN',
      'northwind/infra:AWS_DEPLOY_ROLE_ARN',
      'northwind/shop:STRIPE_SECRET_KEY',
    ]);
    // PAT grants need a GitHub App: a named gap, not a failure.
    expect(status(snapshot)).toMatchObject({ ok: true, warnings: [] });
    expect(status(snapshot).gaps).toEqual([
      { kind: 'github.pat-grants', detail: expect.stringContaining('listing them needs a GitHub App') },
    ]);
  });
});

describe('github connector: GitHub App installations', () => {
  it("reads each installed app at page size 1: its owner, permissions and reach, someone else's app as an outside identity", async () => {
    const one = await runAgainstEmulator(RICH_SCENARIO, { config: RICH_LANES, emulator: { pageSize: 1 } });
    const hundred = await runAgainstEmulator(RICH_SCENARIO, { config: RICH_LANES, emulator: { pageSize: 100 } });
    expect(inventory(one.snapshot)).toEqual(inventory(hundred.snapshot));
    expect(one.emulator.requests.filter((r) => r.operation === 'GET /orgs/{org}/installations')).toHaveLength(3);
    // One call per app for its owner.
    expect(one.emulator.requests.filter((r) => r.operation === 'GET /apps/{app_slug}')).toHaveLength(3);
    const { snapshot } = one;
    expect(accountOf(snapshot, 'app:shipfast-ci')).toMatchObject({
      kind: 'external',
      login: 'shipfast-ci',
      status: 'active',
      displayName: 'GitHub App "ShipFast CI" (owned by shipfast-io)',
      attributes: { affiliation: 'app-installation', appOwner: 'shipfast-io', repositorySelection: 'all' },
    });
    expect(grantsOf(snapshot, 'app:shipfast-ci')).toMatchObject([
      { resource: 'acme/*', permission: 'write', level: 'write', via: 'direct', viaName: 'app installation' },
    ]);
    // The org's own app is its bot; selected repositories are judged as all, and said so.
    expect(accountOf(snapshot, 'app:acme-release-bot')).toMatchObject({ kind: 'bot' });
    const own = grantsOf(snapshot, 'app:acme-release-bot');
    expect(own).toMatchObject([{ resource: 'acme/*', permission: 'read', level: 'read' }]);
    expect(own[0]?.evidence).toContain(
      'installed on selected repositories, which only the installation itself may list: judged as all of them',
    );
    // A private app GitHub does not show (404): its owner is unknown, so it is someone else's; administration is admin.
    expect(accountOf(snapshot, 'app:hidden-helper')).toMatchObject({
      kind: 'external',
      attributes: { appOwner: null },
    });
    expect(grantsOf(snapshot, 'app:hidden-helper')).toMatchObject([{ permission: 'admin', level: 'admin' }]);
  });

  it("records whether a person or an organisation owns an app: a person's app stays in their hands", async () => {
    const installations = [
      ...(RICH_SCENARIO.installations ?? []),
      {
        id: 74,
        appId: 7004,
        appSlug: 'dev-preview',
        appName: 'Dev preview',
        owner: 'dev-two',
        permissions: { contents: 'write' as const },
        createdAt: '2026-10-01T00:00:00Z',
      },
    ];
    const { snapshot } = await runAgainstEmulator({ ...RICH_SCENARIO, installations }, { config: RICH_LANES });
    expect(accountOf(snapshot, 'app:dev-preview')).toMatchObject({
      kind: 'external',
      attributes: { appOwner: 'dev-two', appOwnerType: 'User' },
    });
    expect(accountOf(snapshot, 'app:shipfast-ci')?.attributes).toMatchObject({ appOwnerType: 'Organization' });
    expect(accountOf(snapshot, 'app:hidden-helper')?.attributes).not.toHaveProperty('appOwnerType');
  });

  it('names the gap when the token may not list installations, and fails the target on a server error', async () => {
    const hidden = await runAgainstEmulator({ ...RICH_SCENARIO, installations: null }, { config: RICH_LANES });
    expect(status(hidden.snapshot)).toMatchObject({ ok: true });
    expect(status(hidden.snapshot).gaps).toEqual([
      { kind: 'github.app-installations', detail: expect.stringContaining("the organization's Administration (read)") },
    ]);
    expect(hidden.snapshot.accounts.filter((a) => a.id.startsWith('app:'))).toEqual([]);
    const broken = await runAgainstEmulator(RICH_SCENARIO, {
      config: RICH_LANES,
      emulator: { faults: { seed: 1, rate: 1, kinds: ['server-error'], operations: ['GET /apps/{app_slug}'] } },
      tuning: { serverErrorRetries: 0 },
    });
    expect(status(broken.snapshot).ok).toBe(false);
    expect(status(broken.snapshot).error).toMatch(/GET \/apps\/\{app_slug\}/);
  });
});

describe('github connector: custom repository roles', () => {
  // A "read" role that may bypass branch protection and manage deploy keys: an administrator of the code.
  const withCustomRoles = () => ({
    ...RICH_SCENARIO,
    customRepositoryRoles: [
      { id: 31, name: 'release-manager', baseRole: 'read', permissions: ['bypass_branch_protection', 'add_label'] },
      { id: 32, name: 'labeler', baseRole: 'triage', permissions: ['add_label', 'close_issue'] },
    ],
    repos: RICH_SCENARIO.repos.map((r) =>
      r.name === 'api'
        ? { ...r, collaborators: [{ login: 'contractor-x', permission: 'pull', role: 'release-manager' }] }
        : r,
    ),
    teams: RICH_SCENARIO.teams.map((t) =>
      t.slug === 'release' ? { ...t, repos: [{ repo: 'web', permission: 'triage', role: 'labeler' }] } : t,
    ),
  });

  it('judges a custom role by the permissions it adds, read through REST, at page size 1', async () => {
    const one = await runAgainstEmulator(withCustomRoles(), { config: RICH_LANES, emulator: { pageSize: 1 } });
    const hundred = await runAgainstEmulator(withCustomRoles(), { config: RICH_LANES });
    expect(inventory(one.snapshot)).toEqual(inventory(hundred.snapshot));
    const [grant] = grantsOf(one.snapshot, 'contractor-x').filter((g) => g.resource === 'acme/api');
    expect(grant).toMatchObject({ permission: 'release-manager', level: 'admin', via: 'direct' });
    expect(grant?.evidence).toEqual([
      'direct collaborator on acme/api with role release-manager',
      'release-manager is a custom repository role: read, adding add_label, bypass_branch_protection',
      'bypass_branch_protection reaches admin, beyond its base role',
    ]);
    // A role that only triages stays at its base.
    const labeler = grantsOf(one.snapshot, 'reviewer-three').find((g) => g.resource === 'acme/web');
    expect(labeler).toMatchObject({ permission: 'labeler', level: 'read', via: 'team' });
    // GraphQL answers a custom role as its base: with custom roles in the organisation, access is read through REST.
    const operations = new Set(one.emulator.requests.map((r) => r.operation));
    expect(operations).toContain('GET /repos/{owner}/{repo}/collaborators');
    expect(operations).toContain('GET /orgs/{org}/teams/{team_slug}/repos');
  });

  it('reads the same roles through throttling and 5xx answers', async () => {
    const base = await runAgainstEmulator(withCustomRoles(), { config: RICH_LANES });
    const faulty = await runAgainstEmulator(withCustomRoles(), {
      config: RICH_LANES,
      emulator: {
        faults: {
          seed: 4,
          // Each request of the two fails unless the last of its operation did: every read is refused once.
          rate: 1,
          kinds: ['rate-limit', 'server-error'],
          operations: ['GET /orgs/{org}/custom-repository-roles', 'GET /repos/{owner}/{repo}/collaborators'],
        },
      },
    });
    expect(inventory(faulty.snapshot)).toEqual(inventory(base.snapshot));
    // Never vacuous: the roles themselves were refused at least once and read again.
    const faulted = new Set(faulty.emulator.requests.filter((r) => r.fault !== undefined).map((r) => r.operation));
    expect([...faulted].sort()).toEqual([
      'GET /orgs/{org}/custom-repository-roles',
      'GET /repos/{owner}/{repo}/collaborators',
    ]);
  });

  it("takes a 404 as no custom roles only when the organisation's plan shows it is not on an enterprise plan", async () => {
    const rolesGap = (snapshot: Snapshot) =>
      status(snapshot).gaps.filter((g) => g.kind === 'github.custom-repository-roles');
    // GitHub's 404 is also its answer to a token without the scope: on an enterprise plan (Enterprise
    // Cloud, or GitHub Enterprise Server 3.17 and later) it cannot mean "none".
    const enterprise = { ...RICH_SCENARIO, org: { ...RICH_SCENARIO.org, plan: 'enterprise' } };
    const onEnterprise = await runAgainstEmulator(enterprise, { config: RICH_LANES });
    expect(status(onEnterprise.snapshot)).toMatchObject({ ok: true });
    expect(rolesGap(onEnterprise.snapshot)).toEqual([
      {
        kind: 'github.custom-repository-roles',
        detail:
          "custom repository roles were not read, so a custom role is judged by its base role alone, not by the permissions it adds: GitHub answered 404 on the organization's enterprise plan, where it means the token may not read them (it needs the organization's Custom repository roles (read) permission, or a classic token's admin:org)",
      },
    ]);
    // The plan not shown (not an owner's view): the 404 cannot be told apart either.
    const unshown = await runAgainstEmulator({ ...RICH_SCENARIO, orgDetailsVisible: false }, { config: RICH_LANES });
    expect(rolesGap(unshown.snapshot).map((g) => g.detail)).toEqual([
      expect.stringContaining("GitHub answered 404 and the organization's plan was not shown"),
    ]);
    // A free or team plan has none.
    for (const plan of ['free', 'team']) {
      const plain = await runAgainstEmulator(
        { ...RICH_SCENARIO, org: { ...RICH_SCENARIO.org, plan } },
        { config: RICH_LANES },
      );
      expect(rolesGap(plain.snapshot)).toEqual([]);
    }
  });

  it('takes a 404 as no custom roles (not Enterprise Cloud), and names the gap when it may not read them', async () => {
    const plain = await runAgainstEmulator(RICH_SCENARIO, { config: RICH_LANES });
    expect(status(plain.snapshot).gaps.map((g) => g.kind)).not.toContain('github.custom-repository-roles');
    const hidden = await runAgainstEmulator({ ...RICH_SCENARIO, customRepositoryRoles: null }, { config: RICH_LANES });
    expect(status(hidden.snapshot)).toMatchObject({ ok: true });
    expect(status(hidden.snapshot).gaps).toContainEqual({
      kind: 'github.custom-repository-roles',
      detail: expect.stringContaining("the organization's Custom repository roles (read)"),
    });
  });
});

describe('github connector: which organisation secrets a repository grant reads', () => {
  it('a private org secret is not read through write on a public repository; an all one is', async () => {
    const scenario = await demoScenario();
    const { snapshot } = await runAgainstEmulator({
      ...scenario,
      repos: scenario.repos.map((r) => (r.name === 'storefront' ? { ...r, private: false } : r)),
      orgSecrets: [
        {
          name: 'NPM_TOKEN',
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
          visibility: 'private',
        },
        { name: 'EVERYWHERE', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', visibility: 'all' },
      ],
    });
    const secretNamed = (name: string) => {
      const found = snapshot.secrets.find((x) => x.name === name);
      if (!found) throw new Error(`no secret ${name}`);
      return found;
    };
    const writeOn = (resource: string) =>
      ({
        ...(snapshot.grants[0] as Grant),
        resource,
        permission: 'write',
        level: 'write',
        via: 'direct',
      }) satisfies Grant;
    const npm = secretNamed('NPM_TOKEN');
    expect((npm as { attributes?: unknown }).attributes).toEqual({
      visibility: 'private',
      publicRepositories: ['northwind/storefront'],
    });
    expect(offboarding.readsSecret(writeOn('northwind/storefront'), npm)).toBe(false);
    expect(offboarding.readsSecret(writeOn('northwind/shop'), npm)).toBe(true);
    expect(offboarding.readsSecret(writeOn('northwind/*'), npm)).toBe(true);
    expect(offboarding.readsSecret(writeOn('northwind/storefront'), secretNamed('EVERYWHERE'))).toBe(true);
  });
});

describe('github connector: repository permissions in organisation roles', () => {
  it('judges the repository permissions an organisation role carries as a custom repository role with them, and its organisation powers as before', async () => {
    // Each permission twice: in an organisation role (on every repository), and in a custom repository role on app.
    const perms = [
      'push_protected_branch',
      'view_secret_scanning_alerts',
      'jump_merge_queue',
      'manage_topics',
      'edit_repo_metadata',
      'add_label',
    ];
    const users = [
      { login: 'owner1' },
      ...perms.flatMap((_, i) => [{ login: `org${i}` }, { login: `repo${i}` }]),
      { login: 'ops' },
      { login: 'auditor' },
    ];
    const { snapshot } = await runAgainstEmulator(
      {
        org: { login: 'acme', defaultRepositoryPermission: 'none', plan: 'enterprise' },
        users,
        members: [
          { login: 'owner1', role: 'admin' },
          ...users.slice(1).map((u) => ({ login: u.login, role: 'member' })),
        ],
        repos: [
          {
            name: 'app',
            collaborators: perms.map((p, i) => ({ login: `repo${i}`, permission: 'pull', role: `r-${p}` })),
          },
        ],
        customRepositoryRoles: perms.map((p, i) => ({
          id: 100 + i,
          name: `r-${p}`,
          baseRole: 'read',
          permissions: [p],
        })),
        organizationRoles: [
          ...perms.map((p, i) => ({
            id: 200 + i,
            name: `o-${p}`,
            baseRole: 'read',
            permissions: [p],
            users: [`org${i}`],
          })),
          {
            id: 300,
            name: 'ops',
            permissions: ['write_organization_actions_settings', 'read_audit_logs'],
            users: ['ops'],
          },
          { id: 301, name: 'auditor', permissions: ['read_audit_logs'], users: ['auditor'] },
        ],
      },
      { config: { lanes: { production: [] } } },
    );
    expect(status(snapshot).ok).toBe(true);
    const levels = (id: string, via: string) =>
      grantsOf(snapshot, id)
        .filter((g) => g.via === via)
        .map((g) => g.level);
    expect(perms.map((_, i) => levels(`org${i}`, 'org-role'))).toEqual(
      perms.map((_, i) => levels(`repo${i}`, 'direct')),
    );
    expect(perms.map((_, i) => levels(`org${i}`, 'org-role')[0])).toEqual([
      'admin',
      'admin',
      'write',
      'write',
      'write',
      'read',
    ]);
    expect(grantsOf(snapshot, 'org0')[0]?.evidence).toEqual([
      'assigned the organization role: o-push_protected_branch in acme: read on every repository, and push_protected_branch',
      'push_protected_branch reaches admin, beyond its base role',
    ]);
    // Organisation powers: changing the organisation's settings administers it; reading its audit log reaches no repository.
    expect(levels('ops', 'org-role')).toEqual(['admin']);
    expect(grantsOf(snapshot, 'auditor')).toEqual([]);
  });
});

describe('github connector: organisation roles held through a team', () => {
  it("reads GitHub's assignment: held through a team only, the fix removes them from the team; held both ways, both", async () => {
    const scenario = await demoScenario();
    // The role is held by team sec; lee-okafor is assigned it too (mixed), priyar only through sec (indirect).
    const { snapshot, emulator } = await runAgainstEmulator(
      {
        ...scenario,
        teams: [...scenario.teams, { slug: 'sec', members: ['priyar', 'lee-okafor'], repos: [] }],
        organizationRoles: [
          {
            id: 7,
            name: 'all_repo_admin',
            baseRole: 'admin',
            source: 'Predefined',
            users: ['lee-okafor'],
            teams: ['sec'],
          },
        ],
      },
      { emulator: { pageSize: 1 } },
    );
    expect(status(snapshot).ok).toBe(true);
    expect(
      emulator.requests.filter((r) => r.operation === 'GET /orgs/{org}/organization-roles/{role_id}/users'),
    ).toHaveLength(2);
    const roleGrant = (id: string) => {
      const g = grantsOf(snapshot, id).filter((x) => x.viaName === 'organization role all_repo_admin');
      expect(g).toHaveLength(1);
      return g[0] as Grant;
    };

    const priya = roleGrant('priyar');
    expect(priya.evidence?.[0]).toBe(
      'a member of team sec, which has the role: all_repo_admin in northwind: admin on every repository',
    );
    expect(priya.attributes).toMatchObject({ orgRoleTeam: 'sec', orgRoleAssignment: 'indirect' });
    expect(remediation.revokeGrant(priya, accountOf(snapshot, 'priyar')).commands).toEqual([
      'gh api --method DELETE orgs/northwind/teams/sec/memberships/priyar',
    ]);

    const lee = roleGrant('lee-okafor');
    expect(lee.evidence?.[0]).toBe(
      'assigned the organization role, and a member of team sec, which has the role: all_repo_admin in northwind: admin on every repository',
    );
    expect(lee.attributes).toMatchObject({ orgRoleTeam: 'sec', orgRoleAssignment: 'mixed' });
    const fix = remediation.revokeGrant(lee, accountOf(snapshot, 'lee-okafor'));
    expect(fix.commands).toEqual([
      'gh api --method DELETE orgs/northwind/organization-roles/users/lee-okafor/7',
      'gh api --method DELETE orgs/northwind/teams/sec/memberships/lee-okafor',
    ]);
    expect(fix.steps[0]).toBe(
      'lee-okafor holds the organization role all_repo_admin both ways: assigned it, and through the team sec. Both must go.',
    );
  });

  it('takes the role from the person only when assigned, and runs no command for a team GitHub did not name', async () => {
    const grant = (assignment: string, team?: string) =>
      ({
        system: 'github',
        target: 'acme',
        account: 'sam',
        resource: 'acme/*',
        permission: 'admin',
        via: 'org-role',
        viaName: 'organization role ops',
        level: 'admin',
        lanes: [],
        evidence: [],
        attributes: {
          orgRole: 'ops',
          orgRoleId: 9,
          orgRoleAssignment: assignment,
          ...(team ? { orgRoleTeam: team } : {}),
        },
      }) satisfies Grant;
    expect(remediation.revokeGrant(grant('direct')).commands).toEqual([
      'gh api --method DELETE orgs/acme/organization-roles/users/sam/9',
    ]);
    // Through a team nobody named: no command that would take the wrong thing away.
    const unnamed = remediation.revokeGrant(grant('indirect'));
    expect(unnamed.commands).toEqual([]);
    expect(unnamed.steps[0]).toContain('through a team GitHub did not name');
  });
});

describe('github connector: enterprise owners', () => {
  it("reads the enterprise's owners at page size 1: one who is not in the org holds its admin all the same", async () => {
    const scenario = {
      ...RICH_SCENARIO,
      enterpriseOwners: [
        { login: 'Owner-One', organizationRole: 'OWNER' },
        { login: 'contractor-x', organizationRole: 'UNAFFILIATED' },
      ],
    };
    const one = await runAgainstEmulator(scenario, { config: RICH_LANES, emulator: { pageSize: 1 } });
    const hundred = await runAgainstEmulator(scenario, { config: RICH_LANES });
    expect(inventory(one.snapshot)).toEqual(inventory(hundred.snapshot));
    const grants = one.snapshot.grants.filter((g) => g.viaName === 'enterprise owner');
    // The org's own owner already holds it; the outsider gets it through the enterprise.
    expect(grants.map((g) => [g.account, g.resource, g.permission, g.level])).toEqual([
      ['contractor-x', 'acme', 'owner', 'admin'],
    ]);
    expect(grants[0]?.evidence?.[0]).toBe(
      'owner of the enterprise acme belongs to (in acme: not a member): can make themselves an owner of acme at any time',
    );
    expect(remediation.revokeGrant(grants[0]!).steps[0]).toMatch(/^Ask an owner of the enterprise acme belongs to/);
  });
});

describe('github connector: enterprise owners GitHub does not resolve', () => {
  it('names a gap with their count for null edges and null nodes, at page size 1 and 100', async () => {
    const scenario = {
      ...RICH_SCENARIO,
      enterpriseOwners: [{ login: 'contractor-x', organizationRole: 'UNAFFILIATED' }],
      unresolvedEnterpriseOwners: ['edge', 'node'],
    };
    for (const pageSize of [1, 100]) {
      const { snapshot } = await runAgainstEmulator(scenario, { config: RICH_LANES, emulator: { pageSize } });
      const gaps = (snapshot.systems[0]?.gaps ?? []).filter((g) => /enterprise owners/.test(g.detail));
      expect(gaps).toEqual([
        {
          kind: 'records-invalid',
          detail:
            'GitHub GraphQL answered null for 2 of the enterprise owners: each could make themselves an organization owner, and who they are is not known',
          count: 2,
        },
      ]);
      // The owner GitHub did resolve is still read.
      expect(snapshot.grants.filter((g) => g.viaName === 'enterprise owner').map((g) => g.account)).toEqual([
        'contractor-x',
      ]);
    }
    const clean = await runAgainstEmulator({ ...scenario, unresolvedEnterpriseOwners: [] }, { config: RICH_LANES });
    expect((clean.snapshot.systems[0]?.gaps ?? []).filter((g) => /enterprise owners/.test(g.detail))).toEqual([]);
  });
});

describe('github connector: everything else it reads', () => {
  it('reads deploy keys, invitations, PAT grants, SAML identities, teams and environments', async () => {
    const { snapshot } = await runAgainstEmulator(RICH_SCENARIO, { config: RICH_LANES, emulator: { pageSize: 2 } });
    expect(status(snapshot)).toMatchObject({ ok: true, warnings: [], gaps: [] });

    expect(accountOf(snapshot, 'owner-one')).toMatchObject({
      login: 'Owner-One',
      role: 'owner',
      emails: ['olive.owner@acme.example', 'olive@acme.example'],
      identities: ['olive@acme.example'],
    });
    expect(accountOf(snapshot, 'reviewer-three').identities).toEqual(['r3']);
    expect(accountOf(snapshot, 'dev-two')).toMatchObject({ mfa: false, emails: ['dev2@mail.example'] });
    expect(accountOf(snapshot, 'deploy-bot').kind).toBe('bot');

    // Invitations: a new login, an email-only invite, and an outside collaborator invited to join.
    expect(accountOf(snapshot, 'invitee-y')).toMatchObject({ status: 'invited', role: 'owner' });
    expect(accountOf(snapshot, 'invitation:8')).toMatchObject({
      status: 'invited',
      login: 'New.Person@acme.example',
      emails: ['new.person@acme.example'],
    });
    expect(accountOf(snapshot, 'contractor-x')).toMatchObject({
      status: 'active',
      role: 'outside-collaborator',
      attributes: { invitationRole: 'direct_member' },
    });
    expect(grantsOf(snapshot, 'invitee-y')).toEqual([]);

    // Deploy keys are bot accounts with a grant and a credential.
    const key = accountOf(snapshot, 'deploy-key:acme/api:42');
    expect(key).toMatchObject({ kind: 'bot', status: 'active', login: 'ci deploy' });
    expect(accountOf(snapshot, 'deploy-key:acme/api:43').status).toBe('suspended');
    expect(grantsOf(snapshot, 'deploy-key:acme/api:42')).toMatchObject([
      { resource: 'acme/api', permission: 'write', level: 'write', lanes: ['production'] },
    ]);
    expect(snapshot.credentials.filter((c) => c.kind === 'deploy-key')).toMatchObject([
      {
        account: 'deploy-key:acme/api:42',
        id: 'deploy-key:42',
        lastUsedAt: '2026-11-01T10:00:00Z',
        active: true,
        attributes: { addedBy: 'Owner-One', readOnly: false },
      },
      { account: 'deploy-key:acme/api:43', active: false },
    ]);

    // Fine-grained PAT grants: dates, permissions, and expiry judged against the scan's clock.
    const pats = snapshot.credentials.filter((c) => c.kind === 'pat');
    expect(pats).toMatchObject([
      { account: 'contractor-x', id: 'fine-grained-pat:556', active: false },
      {
        account: 'dev-two',
        id: 'fine-grained-pat:555',
        active: true,
        expiresAt: '2026-12-01T00:00:00Z',
        attributes: {
          tokenName: 'local scripts',
          permissions: ['organization.members:read', 'repository.contents:write', 'repository.metadata:read'],
        },
      },
    ]);

    // Base permission "write" on every repo; topics put api in production and warehouse in data.
    // Organisation roles: security manager (read everywhere), and a custom role the platform team holds
    // whose Actions-settings permission administers the org.
    expect(grantsOf(snapshot, 'dev-two').map((g) => [g.resource, g.permission, g.via, g.viaName, g.lanes])).toEqual([
      ['acme/*', 'admin', 'org-role', 'organization role release-admins', ['code', 'data', 'production']],
      ['acme/*', 'read', 'org-role', 'organization role security_manager', ['code', 'data', 'production']],
      ['acme/*', 'write', 'org-role', 'base permission', ['code', 'data', 'production']],
      ['acme/api', 'maintain', 'team', 'platform', ['production']],
      // dev-two has direct admin on web; role_name is the highest from any source.
      ['acme/web', 'admin', 'direct', undefined, ['code']],
    ]);
    // A child team's members get the parent's repos, named after the team they are in (release,
    // the one to remove them from), never platform; its reviewer may approve its own deploys.
    const reviewer = grantsOf(snapshot, 'reviewer-three');
    expect(reviewer.map((g) => [g.resource, g.permission, g.viaName])).toEqual([
      ['acme/*', 'admin', 'organization role release-admins'],
      ['acme/*', 'write', 'base permission'],
      ['acme/api', 'maintain', 'release'],
      ['acme/web', 'read', 'release'],
    ]);
    expect(reviewer[0]?.evidence?.[0]).toBe(
      'a member of team release, under team platform, which has the role: release-admins in acme: maintain on every repository, and write_organization_actions_settings',
    );
    expect(remediation.revokeGrant(reviewer[0]!).commands).toEqual([
      'gh api --method DELETE orgs/acme/teams/release/memberships/reviewer-three',
    ]);
    expect(reviewer[2]?.evidence?.[0]).toBe(
      'member of team release, which inherits maintain on acme/api from its parent team platform',
    );
    expect(reviewer[2]?.attributes).toMatchObject({ inheritedFrom: 'platform' });
    expect(remediation.revokeGrant(reviewer[2]!).commands).toEqual([
      'gh api --method DELETE orgs/acme/teams/release/memberships/reviewer-three',
    ]);
    expect(reviewer[2]?.attributes).toMatchObject({
      environments: ['production', 'staging'],
      unreviewedEnvironments: ['production', 'staging'],
      unreviewedProductionDeploy: true,
      productionReviewers: ['team:release'],
    });
    // Organisation-wide, the same gates over every repository: production passes itself here too.
    expect(reviewer[1]?.attributes).toMatchObject({ unreviewedEnvironments: ['production', 'staging'] });
    const others = snapshot.grants.filter((g) => g.resource === 'acme/*' && g.account !== 'reviewer-three');
    expect(others.length).toBeGreaterThan(0);
    for (const g of others) expect(g.attributes?.unreviewedEnvironments, g.account).toEqual(['staging']);
    // Everyone can deploy to staging unreviewed; nobody but the release team to api's production.
    expect(grantsOf(snapshot, 'contractor-x').find((g) => g.resource === 'acme/api')?.attributes).toMatchObject({
      unreviewedEnvironments: ['staging'],
      unreviewedProductionDeploy: false,
    });
    expect(grantsOf(snapshot, 'contractor-x').find((g) => g.resource === 'acme/web')).toMatchObject({
      permission: 'triage',
      level: 'read',
      attributes: { archived: true, unreviewedProductionDeploy: false },
    });
    expect(snapshot.secrets.map((s) => `${s.resource}:${s.name}`)).toEqual(['acme:SHARED', 'acme/api:DB_URL']);
    // An organisation secret's visibility is kept for its rotation; a repository secret has none.
    expect(snapshot.secrets.map((s) => (s as { attributes?: unknown }).attributes)).toEqual([
      { visibility: 'selected' },
      undefined,
    ]);
  });

  it('goes on without 2FA status or emails when the token may not see them, naming each gap', async () => {
    const { snapshot } = await runAgainstEmulator(
      { ...RICH_SCENARIO, twoFactorVisible: false, graphqlAllowed: false, patGrants: null },
      { config: RICH_LANES },
    );
    const s = status(snapshot);
    expect(s.ok).toBe(true);
    expect(s.gaps.map((g) => [g.kind, g.detail])).toEqual([
      ['github.emails', expect.stringContaining('GraphQL was not permitted for member emails')],
      [
        'github.enterprise-owners',
        expect.stringContaining("the owners of the organization's enterprise were not readable"),
      ],
      ['github.pat-grants', expect.stringContaining('listing them needs a GitHub App')],
      ['github.two-factor', expect.stringContaining('two-factor status of members is not visible')],
      ['github.two-factor', expect.stringContaining('two-factor status of outside collaborators is not visible')],
    ]);
    for (const a of snapshot.accounts.filter((x) => x.status === 'active' && x.kind !== 'bot')) {
      expect(a.mfa, a.id).toBeUndefined();
    }
    expect(accountOf(snapshot, 'owner-one').emails).toEqual([]);
    expect(snapshot.credentials.filter((c) => c.kind === 'pat')).toEqual([]);
  });

  it("reads the organisation with the README's classic token (read:org, admin:read:org, repo): org secrets, base permission and roles are gaps, the rest is read", async () => {
    const scenario = await demoScenario();
    const full = await runAgainstEmulator(scenario);
    // GitHub answers 403 to the org's secrets, its base permission and its roles without admin:org.
    const { snapshot } = await runAgainstEmulator({
      ...scenario,
      orgSecrets: null,
      orgDetailsVisible: false,
      organizationRoles: null,
    });
    const s = status(snapshot);
    expect(s.ok, s.error).toBe(true);
    expect(s.gaps.map((g) => g.kind).sort()).toEqual([
      'github.base-permission',
      'github.custom-repository-roles',
      'github.org-secrets',
      'github.organization-roles',
      'github.pat-grants',
    ]);
    expect(s.gaps.find((g) => g.kind === 'github.org-secrets')?.detail).toMatch(
      /^the organization's Actions secrets were not read, so offboarding's list of secrets to rotate may miss organization secrets .*admin:org/,
    );
    // Everything else is read: the repositories' own secrets, and every account.
    expect(snapshot.secrets.map((x) => `${x.resource}:${x.name}`)).toEqual([
      'northwind/infra:AWS_DEPLOY_ROLE_ARN',
      'northwind/shop:STRIPE_SECRET_KEY',
    ]);
    expect(snapshot.accounts.map((a) => a.id)).toEqual(full.snapshot.accounts.map((a) => a.id));
  });

  it("names the gap when GitHub leaves out the organization's base permission, and guesses no base", async () => {
    const shown = await runAgainstEmulator(RICH_SCENARIO, { config: RICH_LANES });
    const viaBase = (snapshot: Snapshot) => snapshot.grants.filter((g) => g.viaName === 'base permission');
    expect(viaBase(shown.snapshot).length).toBeGreaterThan(0);
    expect(status(shown.snapshot).gaps.map((g) => g.kind)).not.toContain('github.base-permission');
    // A member's token, or a classic token without admin:org, gets the organization without its full details.
    const { snapshot } = await runAgainstEmulator(
      { ...RICH_SCENARIO, orgDetailsVisible: false },
      { config: RICH_LANES },
    );
    expect(status(snapshot)).toMatchObject({ ok: true });
    expect(status(snapshot).gaps).toContainEqual({
      kind: 'github.base-permission',
      detail: expect.stringContaining("the organization's base permission was not shown"),
    });
    expect(viaBase(snapshot)).toEqual([]);
  });

  it('gives every member read on an internal repository when the base permission does not, and no outside collaborator', async () => {
    const internal = (base: string) => ({
      ...RICH_SCENARIO,
      org: { ...RICH_SCENARIO.org, defaultRepositoryPermission: base },
      repos: RICH_SCENARIO.repos.map((r) => (r.name === 'warehouse' ? { ...r, internal: true } : r)),
    });
    const viaInternal = (snapshot: Snapshot) =>
      snapshot.grants
        .filter((g) => g.viaName === 'internal visibility')
        .map((g) => [g.account, g.resource, g.permission, g.level, g.lanes.join('+')]);
    const { snapshot } = await runAgainstEmulator(internal('none'), { config: RICH_LANES });
    // Members read it, one grant each for every internal repository, with their lanes; the owner
    // holds it as owner already; contractor-x is an outside collaborator.
    expect(viaInternal(snapshot)).toEqual([
      ['deploy-bot', 'acme:internal', 'read', 'read', 'data'],
      ['dev-two', 'acme:internal', 'read', 'read', 'data'],
      ['reviewer-three', 'acme:internal', 'read', 'read', 'data'],
    ]);
    const grant = snapshot.grants.find((g) => g.viaName === 'internal visibility')!;
    expect(grant.evidence).toEqual([
      "1 internal repository (acme/warehouse): every member of the enterprise's organizations reads them, acme included",
    ]);
    // Approving read on all the organisation's repositories covers it.
    expect(grant.attributes?.aliases).toEqual(['acme/*']);
    // The fix is the person's: an outside collaborator keeps only what was given directly.
    expect(remediation.revokeGrant(grant).commands).toEqual([
      'gh api --method PUT orgs/acme/outside_collaborators/deploy-bot',
    ]);
    // A base permission of read or more already reaches it: nothing is added twice.
    expect(viaInternal((await runAgainstEmulator(internal('read'), { config: RICH_LANES })).snapshot)).toEqual([]);
    // A private repository gives members nothing without the base permission.
    const privateOnly = { ...RICH_SCENARIO, org: { ...RICH_SCENARIO.org, defaultRepositoryPermission: 'none' } };
    expect(viaInternal((await runAgainstEmulator(privateOnly, { config: RICH_LANES })).snapshot)).toEqual([]);
  });
});

describe('github connector under faults', () => {
  // The inventory does not depend on page size or concurrency (see above): one clean baseline serves all.
  let clean: ReturnType<typeof inventory>;
  beforeAll(async () => {
    clean = inventory((await runAgainstEmulator(await demoScenario())).snapshot);
  });
  // Concurrency 1 makes the order of requests, and so which of them fail, the same on every run.
  const faulty = async (faults: FaultPlan, pageSize = 2) =>
    runAgainstEmulator(await demoScenario(), { emulator: { pageSize, faults }, concurrency: 1 });

  it('reads the same inventory through 429 and secondary-rate-limit answers', async () => {
    const run = await faulty({ seed: 7, rate: 0.3, kinds: ['rate-limit', 'secondary-rate-limit'] });
    const served = run.emulator.requests;
    expect(served.filter((r) => r.fault === 'rate-limit' && r.status === 429).length).toBeGreaterThan(0);
    expect(served.filter((r) => r.fault === 'secondary-rate-limit' && r.status === 403).length).toBeGreaterThan(0);
    expect(status(run.snapshot).ok).toBe(true);
    expect(inventory(run.snapshot)).toEqual(clean);
    expect(status(run.snapshot).calls).toBe(served.length);
  });

  it("waits out GitHub's older abuse-detection wording and a 429 with Retry-After, instead of calling them a missing permission", async () => {
    const scenario = {
      ...(await demoScenario()),
      throttledOnce: [
        // Reads whose 403 would otherwise be a named gap (optional views), and ones that fail the org.
        { operation: 'GET /orgs/{org}/custom-repository-roles', answer: 'abuse-detection' },
        { operation: 'GET /orgs/{org}/organization-roles', answer: 'abuse-detection' },
        { operation: 'GET /orgs/{org}/repos', answer: 'abuse-detection' },
        { operation: 'GET /orgs/{org}/teams', answer: 'retry-after' },
      ],
    };
    const run = await runAgainstEmulator(scenario, { concurrency: 1 });
    const served = (operation: string) =>
      run.emulator.requests.filter((r) => r.operation === operation).map((r) => r.status);
    expect(status(run.snapshot).error).toBeUndefined();
    expect(served('GET /orgs/{org}/custom-repository-roles')).toEqual([403, 404]);
    expect(served('GET /orgs/{org}/organization-roles')).toEqual([403, 200]);
    expect(served('GET /orgs/{org}/repos')).toEqual([403, 200]);
    expect(served('GET /orgs/{org}/teams').slice(0, 2)).toEqual([429, 200]);
    expect(status(run.snapshot).gaps.map((g) => g.kind)).toEqual(
      status((await runAgainstEmulator(await demoScenario(), { concurrency: 1 })).snapshot).gaps.map((g) => g.kind),
    );
    expect(inventory(run.snapshot)).toEqual(clean);
  });

  it('reads the same inventory through a burst of 5xx answers, because it retries them', async () => {
    const run = await faulty({ seed: 3, rate: 0.3, kinds: ['server-error', 'bad-gateway', 'unavailable'] }, 100);
    expect(run.emulator.requests.filter((r) => r.status >= 500).length).toBeGreaterThan(0);
    expect(status(run.snapshot).ok).toBe(true);
    expect(inventory(run.snapshot)).toEqual(clean);
  });

  it('reads the same inventory through empty pages and repeated next links', async () => {
    const run = await faulty({ seed: 5, rate: 0.3, kinds: ['empty-page', 'repeat-cursor'] });
    expect(run.emulator.requests.filter((r) => r.fault === 'empty-page').length).toBeGreaterThan(0);
    expect(run.emulator.requests.filter((r) => r.fault === 'repeat-cursor').length).toBeGreaterThan(0);
    expect(status(run.snapshot).ok).toBe(true);
    expect(inventory(run.snapshot)).toEqual(clean);
  });

  it('fails the organisation, naming the call, when a 5xx outlasts the retries', async () => {
    const { snapshot } = await runAgainstEmulator(await demoScenario(), {
      emulator: { faults: { seed: 1, rate: 1, kinds: ['server-error'], operations: ['GET /orgs/{org}/teams'] } },
      tuning: { serverErrorRetries: 0 },
    });
    expect(status(snapshot)).toMatchObject({ ok: false, error: 'GET /orgs/{org}/teams answered 500: Server Error' });
    // All or nothing: a failed organisation keeps none of its records.
    expect(snapshot.accounts).toEqual([]);
    expect(snapshot.grants).toEqual([]);
  });

  it('fails rather than retrying forever when rate limits outlast the retries', async () => {
    const { snapshot } = await runAgainstEmulator(await demoScenario(), {
      emulator: { faults: { seed: 1, rate: 1, kinds: ['secondary-rate-limit'], operations: ['GET /orgs/{org}'] } },
      tuning: { rateLimitRetries: 0 },
    });
    expect(status(snapshot).ok).toBe(false);
    expect(status(snapshot).error).toMatch(
      /^GET \/orgs\/\{org\} answered 403: You have exceeded a secondary rate limit/,
    );
  });
});

describe('github connector as a GitHub App', () => {
  it('mints an installation token from the app key and reads the same inventory', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const scenario = await demoScenario();
    const withApp = {
      ...scenario,
      app: { appId: 1234, installationId: 99, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    };
    const asApp = await runAgainstEmulator(withApp, {
      config: { token: undefined, app: { appId: 1234, privateKey: pem, installationId: 99 } },
    });
    expect(status(asApp.snapshot)).toMatchObject({ ok: true });
    const minted = asApp.emulator.requests.filter((r) => r.operation.startsWith('POST /app/installations'));
    expect(minted).toMatchObject([{ status: 201 }]);
    expect(status(asApp.snapshot).calls).toBe(asApp.emulator.requests.length);
    const asToken = await runAgainstEmulator(scenario);
    expect(inventory(asApp.snapshot)).toEqual(inventory(asToken.snapshot));
    expect(JSON.stringify(asApp.snapshot)).not.toContain('PRIVATE KEY');
  });

  it('names the repositories an installation on selected repositories does not reach, and no gap when it reaches all', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const scenario = await demoScenario();
    const hidden = scenario.repos.filter((r) => r.private && !['shop', 'storefront'].includes(r.name));
    expect(hidden.length).toBeGreaterThan(0);
    const app = {
      appId: 1234,
      installationId: 99,
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    const config = { token: undefined, app: { appId: 1234, privateKey: pem, installationId: 99 } };
    const coverage = (snapshot: Snapshot) =>
      status(snapshot).gaps.filter((g) => g.kind === 'github.repository-coverage');

    const selected = { ...scenario, app, selectedRepositories: ['shop', 'storefront'] };
    // The organisation's counts show the shortfall: how many were not seen is named.
    const counted = await runAgainstEmulator(selected, { config });
    expect(counted.snapshot.grants.filter((g) => hidden.some((r) => g.resource === `northwind/${r.name}`))).toEqual([]);
    expect(coverage(counted.snapshot)).toEqual([
      {
        kind: 'github.repository-coverage',
        detail: `${hidden.length} of the organization's ${scenario.repos.length} repositories were not seen: the GitHub App installation reaches selected repositories only, and who can do what in the others is not known`,
        count: hidden.length,
      },
    ]);
    // Without the counts (not an owner's view), the installation's own word is enough.
    const uncounted = await runAgainstEmulator({ ...selected, orgDetailsVisible: false }, { config });
    expect(coverage(uncounted.snapshot).map((g) => g.detail)).toEqual([
      "the GitHub App installation reaches selected repositories only: repositories outside them were not seen (how many is not known: the organization's repository counts are shown to an owner only), and who can do what in them is not known",
    ]);
    // A token (a fine-grained one limited to some repositories): the counts alone tell.
    const asToken = await runAgainstEmulator({ ...scenario, selectedRepositories: ['shop', 'storefront'] });
    expect(coverage(asToken.snapshot).map((g) => g.count)).toEqual([hidden.length]);

    expect(coverage((await runAgainstEmulator({ ...scenario, app }, { config })).snapshot)).toEqual([]);
    expect(coverage((await runAgainstEmulator(scenario)).snapshot)).toEqual([]);
  });

  it('fails, naming the call, when the app key is not the one GitHub knows', async () => {
    const known = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const { snapshot } = await runAgainstEmulator(
      {
        ...(await demoScenario()),
        app: { appId: 1, installationId: 2, publicKey: known.export({ type: 'spki', format: 'pem' }).toString() },
      },
      {
        config: {
          token: undefined,
          app: { appId: 1, privateKey: other.export({ type: 'pkcs8', format: 'pem' }).toString(), installationId: 2 },
        },
      },
    );
    expect(status(snapshot).ok).toBe(false);
    expect(status(snapshot).error).toMatch(
      /^POST \/app\/installations\/\{installation_id\}\/access_tokens \(the GitHub App token for GET \/orgs\/\{org\}\) answered 401: /,
    );
    expect(status(snapshot).error).not.toContain('PRIVATE KEY');
  });
});

describe('github connector failures', () => {
  it('fails on a wrong token with the call named and the token nowhere', async () => {
    const wrong = 'ghp_ThisIsAWrongTokenThatMustNeverLeak0123';
    const { snapshot, token } = await runAgainstEmulator(await demoScenario(), { config: { token: wrong } });
    const s = status(snapshot);
    expect(s).toMatchObject({ ok: false, error: 'GET /orgs/{org} answered 401: Bad credentials' });
    const everything = JSON.stringify(snapshot);
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(token);
  });

  it('fails on an organisation that does not exist', async () => {
    const { snapshot } = await runAgainstEmulator(await demoScenario(), { config: { org: 'no-such-org' } });
    expect(status(snapshot)).toMatchObject({
      target: 'no-such-org',
      ok: false,
      error: 'GET /orgs/{org} answered 404: Not Found',
    });
  });

  it('fails with the call named when GitHub cannot be reached', async () => {
    const { snapshot } = await runAgainstEmulator(await demoScenario(), {
      config: { baseUrl: 'http://127.0.0.1:9' },
      tuning: { serverErrorRetries: 0 },
    });
    const s = status(snapshot);
    expect(s.ok).toBe(false);
    expect(s.error).toMatch(/^GET \/orgs\/\{org\} failed: /);
  });
});
