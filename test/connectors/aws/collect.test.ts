// The AWS connector against its emulator: the demo's story end to end, the same inventory at
// MaxItems 1 and under Throttling and 5xx, one account's AssumeRole denied, the per-user
// fallback when the credential report is denied, and Identity Center group expansion.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/core/model.js';
import { gateExitCode } from '../../../src/pipeline/gate.js';
import { demoScenarioJson, inventory, runAgainstEmulator, statusOf } from './harness.js';

const PROD = '111111111111';
const STAGING = '222222222222';
const grantsOf = (s: Snapshot, account: string) => s.grants.filter((g) => g.account === account);
const ASSETS = 'bucket policy of northwind-assets (data read: s3:GetObject)';
const T = '2026-01-01T00:00:00Z';
const doc = (Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
/** The audit role in STAGING, which the caller in PROD assumes to read it. */
const AUDIT_ROLE = {
  name: 'lanekeeper-audit',
  createdAt: T,
  trust: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: 'sts:AssumeRole' }]),
  managedPolicies: ['SecurityAudit'],
};

describe('aws connector on the demo scenario', async () => {
  const { snapshot, emulator } = await runAgainstEmulator(await demoScenarioJson());

  it('reads both accounts of the organisation', () => {
    expect(snapshot.systems.map((s) => [s.target, s.ok, s.error]).sort()).toEqual([
      [PROD, true, undefined],
      [STAGING, true, undefined],
    ]);
    expect(snapshot.systems.every((s) => s.calls > 0)).toBe(true);
  });

  it('lists users, roles, root, the outside account and Identity Center users; not AWS’s own roles', () => {
    expect(inventory(snapshot).accounts.map((a) => [a.target, a.id, a.kind])).toEqual([
      [PROD, 'arn:aws:iam::111111111111:role/agency-deploy', 'service'],
      [PROD, 'arn:aws:iam::111111111111:role/prod-ops', 'service'],
      [PROD, 'arn:aws:iam::111111111111:root', 'root'],
      [PROD, 'arn:aws:iam::111111111111:user/kai-dba', 'human'],
      [PROD, 'arn:aws:iam::111111111111:user/ops-admin', 'human'],
      [PROD, 'arn:aws:iam::111111111111:user/sam-ortiz', 'human'],
      [PROD, 'arn:aws:iam::999988887777:root', 'external'],
      [PROD, 'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d01', 'human'],
      [PROD, 'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d02', 'human'],
      [STAGING, 'arn:aws:iam::222222222222:role/lanekeeper-audit', 'service'],
      [STAGING, 'arn:aws:iam::222222222222:root', 'root'],
    ]);
  });

  it('sees ops-admin as an administrator with a console password and no MFA', () => {
    const user = snapshot.accounts.find((a) => a.login === 'ops-admin');
    expect(user).toMatchObject({ mfa: false, attributes: { consolePassword: true } });
    const grants = grantsOf(snapshot, user?.id ?? '');
    expect(grants.map((g) => [g.resource, g.permission])).toEqual([
      [PROD, 'AdministratorAccess'],
      // northwind-assets' policy lets in any principal of the organisation ("*" kept by
      // aws:PrincipalOrgID): within its own account that needs no identity policy.
      [PROD, 'bucket policy of northwind-assets (data read: s3:GetObject)'],
      [PROD, 'can assume prod-ops: AdministratorAccess'],
      [PROD, 'can assume prod-ops: bucket policy of northwind-assets (data read: s3:GetObject)'],
      // Staging's audit role trusts production's account, and ops-admin's policy allows it.
      [STAGING, 'can assume lanekeeper-audit: SecurityAudit (metadata read)'],
    ]);
    expect(grants[0]).toMatchObject({
      resource: PROD,
      permission: 'AdministratorAccess',
      level: 'admin',
      lanes: ['data', 'production'],
      attributes: { aliases: ['northwind-production'], access: 'admin' },
    });
    expect(grants[0]?.evidence).toContain('AdministratorAccess: Allow * on *');
  });

  it('sees sam-ortiz reading production data with a key last used 30 days ago', () => {
    const sam = snapshot.accounts.find((a) => a.login === 'sam-ortiz');
    expect(sam?.emails).toEqual(['sam@ortiz.dev']);
    const [assets, ...grants] = grantsOf(snapshot, sam?.id ?? '');
    expect(grants.map((g) => [g.permission, g.lanes, g.level])).toEqual([
      ['checkout-debug (inline) (data read: logs:FilterLogEvents, s3:GetObject)', ['data'], 'read'],
    ]);
    // Any principal of the organisation may read northwind-assets' objects: sam-ortiz too, by
    // the bucket policy alone (its own policies say nothing of the bucket).
    expect([assets?.permission, assets?.lanes, assets?.level]).toEqual([
      'bucket policy of northwind-assets (data read: s3:GetObject)',
      ['data'],
      'read',
    ]);
    expect(assets?.evidence).toEqual(
      expect.arrayContaining([
        'bucket policy of northwind-assets in account 111111111111 lets in every principal of the organisation (Principal "*" kept by aws:PrincipalOrgID o-northwind1)',
      ]),
    );
    expect(grants[0]?.evidence).toContain(
      'checkout-debug (inline): Allow s3:GetObject on arn:aws:s3:::northwind-orders/*',
    );
    expect(grants[0]?.evidence?.[0]).toBe('active access key AKIA…DEMO, last used 2026-10-30 (s3)');
    const keys = snapshot.credentials.filter((c) => c.account === sam?.id);
    expect(keys).toEqual([
      expect.objectContaining({
        kind: 'access-key',
        id: 'AKIA…DEMO',
        active: true,
        lastUsedAt: '2026-10-30T00:00:00.000Z',
      }),
    ]);
  });

  it('sees the root of production with an active access key and admin over everything', () => {
    const rootId = 'arn:aws:iam::111111111111:root';
    expect(snapshot.credentials.filter((c) => c.account === rootId && c.kind === 'access-key')).toEqual([
      expect.objectContaining({ id: 'root access key 1', active: true, lastUsedAt: '2026-11-17T00:00:00.000Z' }),
    ]);
    expect(grantsOf(snapshot, rootId).map((g) => g.level)).toEqual(['admin']);
    expect(snapshot.accounts.find((a) => a.id === rootId)?.mfa).toBe(true);
  });

  it('makes the agency’s AWS account an external account that can assume agency-deploy and read an exports bucket', () => {
    const external = snapshot.accounts.find((a) => a.kind === 'external');
    expect(external).toMatchObject({
      id: 'arn:aws:iam::999988887777:root',
      login: '999988887777',
      attributes: { externalIdRequired: true },
    });
    expect(grantsOf(snapshot, external?.id ?? '')).toEqual([
      // The bucket policy of northwind-exports (eu-west-1) names the agency's account.
      expect.objectContaining({
        resource: PROD,
        permission: 'bucket policy of northwind-exports (data read: s3:GetObject)',
        via: 'direct',
        viaName: 'bucket policy of northwind-exports',
        lanes: ['data'],
        attributes: expect.objectContaining({ bucket: 'northwind-exports', bucketRegion: 'eu-west-1' }),
      }),
      expect.objectContaining({
        permission: 'bucket policy of northwind-exports (metadata read)',
        lanes: ['production'],
      }),
      // agency-deploy is a principal of the organisation: its sessions may read northwind-assets.
      expect.objectContaining({
        resource: PROD,
        permission: 'can assume agency-deploy: bucket policy of northwind-assets (data read: s3:GetObject)',
        via: 'role',
        viaName: 'agency-deploy',
        lanes: ['data'],
      }),
      expect.objectContaining({
        resource: PROD,
        permission: 'can assume agency-deploy: storefront-deploy (inline)',
        via: 'role',
        viaName: 'agency-deploy',
        lanes: ['production'],
        level: 'write',
      }),
    ]);
  });

  it('gives Identity Center users their permission sets, groups expanded', () => {
    const dana = 'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d01';
    const olga = 'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d02';
    expect(snapshot.accounts.find((a) => a.id === olga)?.emails).toEqual(['olga@cloudwise.example']);
    expect(grantsOf(snapshot, dana).map((g) => [g.resource, g.permission, g.via, g.viaName, g.lanes, g.level])).toEqual(
      [
        [PROD, 'AdministratorAccess', 'group', 'Platform Admins', ['data', 'production'], 'admin'],
        // northwind-assets' "*" kept to the organisation: the session in production needs no
        // identity policy for it, the one in staging has AdministratorAccess's.
        [PROD, ASSETS, 'direct', 'bucket policy of northwind-assets', ['data'], 'read'],
        [PROD, ASSETS, 'direct', 'bucket policy of northwind-assets', ['data'], 'read'],
        [PROD, 'can assume prod-ops: AdministratorAccess', 'role', 'prod-ops', ['data', 'production'], 'admin'],
        [PROD, `can assume prod-ops: ${ASSETS}`, 'role', 'prod-ops', ['data'], 'read'],
        [STAGING, 'AdministratorAccess', 'group', 'Platform Admins', ['code'], 'admin'],
        [
          STAGING,
          'can assume lanekeeper-audit: SecurityAudit (metadata read)',
          'role',
          'lanekeeper-audit',
          ['code'],
          'read',
        ],
      ],
    );
    // View-only by name; its customer-managed support policy (the account's own) may rewrite IAM users.
    expect(grantsOf(snapshot, olga).map((g) => [g.resource, g.permission, g.via, g.lanes, g.level])).toEqual([
      [PROD, 'ProductionViewOnly', 'permission-set', ['data', 'production'], 'admin'],
      // View-only does not read objects, but northwind-assets' policy lets production's principals in.
      [PROD, ASSETS, 'direct', ['data'], 'read'],
    ]);
    expect(grantsOf(snapshot, olga)[0]?.attributes?.aliases).toEqual(['northwind-production']);
    expect(grantsOf(snapshot, olga)[0]?.evidence).toContain(
      'permission set ProductionViewOnly (ViewOnlyAccess, northwind-support-tools (customer-managed))',
    );
  });

  it('caps a permission set by its boundary at MaxItems 1, and names it', async () => {
    const olga = 'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d02';
    const bounded = structuredClone(await demoScenarioJson()) as {
      identityCenter: { permissionSets: { name: string; boundary?: unknown }[] };
    };
    const set = bounded.identityCenter.permissionSets.find((p) => p.name === 'ProductionViewOnly')!;
    set.boundary = { managed: 'ViewOnlyAccess' };
    const one = await runAgainstEmulator(bounded, { emulator: { pageSize: 1 } });
    const hundred = await runAgainstEmulator(bounded);
    expect(inventory(one.snapshot)).toEqual(inventory(hundred.snapshot));
    expect(one.emulator.requests.some((r) => r.operation === 'sso:GetPermissionsBoundaryForPermissionSet')).toBe(true);
    const [grant, ...more] = grantsOf(one.snapshot, olga);
    // A boundary does not narrow what a resource policy of the same account gives the session.
    expect(more.map((g) => g.permission)).toEqual([ASSETS]);
    expect(grant?.level).toBe('read');
    expect(grant?.evidence?.[0]).toBe(
      'permission set ProductionViewOnly (ViewOnlyAccess, northwind-support-tools (customer-managed); boundary ViewOnlyAccess)',
    );
  });

  it('never writes a full key id or a secret', () => {
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain('AKIAQNWSAMORTIZ7DEMO');
    for (const secret of Object.values(emulator.env)) expect(text).not.toContain(secret);
  });

  it('calls only operations it declares', async () => {
    const { awsConnector } = await import('../../../connectors/aws/index.js');
    for (const r of emulator.requests) expect(awsConnector.operations).toContain(r.operation);
  });
});

describe('aws connector: paging and faults give the same inventory', async () => {
  const scenario = await demoScenarioJson();
  const baseline = await runAgainstEmulator(scenario);

  it('at MaxItems 1', async () => {
    const paged = await runAgainstEmulator(scenario, { emulator: { pageSize: 1 } });
    expect(inventory(paged.snapshot)).toEqual(inventory(baseline.snapshot));
    const details = paged.emulator.requests.filter((r) => r.operation === 'iam:GetAccountAuthorizationDetails');
    expect(details.length).toBeGreaterThan(
      baseline.emulator.requests.filter((r) => r.operation === 'iam:GetAccountAuthorizationDetails').length * 3,
    );
  });

  it('under Throttling', async () => {
    const throttled = await runAgainstEmulator(scenario, {
      emulator: { pageSize: 2, faults: { seed: 7, rate: 0.4, kinds: ['rate-limit'] } },
    });
    expect(throttled.emulator.requests.filter((r) => r.fault === 'rate-limit').length).toBeGreaterThan(3);
    expect(throttled.snapshot.systems.every((s) => s.ok)).toBe(true);
    expect(inventory(throttled.snapshot)).toEqual(inventory(baseline.snapshot));
  });

  it('under 500, 502 and 503 answers and empty pages', async () => {
    const faulty = await runAgainstEmulator(scenario, {
      emulator: {
        pageSize: 1,
        faults: { seed: 3, rate: 0.3, kinds: ['server-error', 'bad-gateway', 'unavailable', 'empty-page'] },
      },
    });
    expect(faulty.emulator.requests.some((r) => r.fault)).toBe(true);
    expect(inventory(faulty.snapshot)).toEqual(inventory(baseline.snapshot));
  });

  it('with a report that takes several polls', async () => {
    const slow = structuredClone(scenario) as { accounts: Array<Record<string, unknown>> };
    for (const a of slow.accounts) a.reportPolls = 3;
    const run = await runAgainstEmulator(slow);
    // Per account: one GenerateCredentialReport, then GetCredentialReport until it is ready.
    const polls = run.emulator.requests.filter((r) => r.operation === 'iam:GetCredentialReport');
    expect(polls.length).toBeGreaterThanOrEqual(8);
    expect(inventory(run.snapshot)).toEqual(inventory(baseline.snapshot));
  });

  it('fails the account, not forever, when throttling never stops', async () => {
    const run = await runAgainstEmulator(scenario, {
      tuning: { maxAttempts: 1 },
      emulator: {
        faults: { seed: 1, rate: 1, kinds: ['rate-limit'], operations: ['iam:GetAccountAuthorizationDetails'] },
      },
    });
    // The emulator never throttles one operation twice in a row: the first account's read fails.
    const failed = run.snapshot.systems.filter((s) => !s.ok);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error).toMatch(/^iam:GetAccountAuthorizationDetails: Throttling: Rate exceeded \(HTTP 400\)$/);
    expect(run.snapshot.accounts.some((a) => a.target === failed[0]?.target)).toBe(false);
  });

  it('never has more requests in flight than its concurrency, all accounts and clients together', async () => {
    // The emulator refuses (as Throttling) any request past three in flight: two accounts read
    // side by side, each with its lists side by side, would otherwise have a dozen.
    const run = await runAgainstEmulator(scenario, {
      concurrency: 3,
      emulator: { latencyMs: 5, rateLimits: { concurrent: 3 } },
    });
    expect(run.snapshot.systems.every((s) => s.ok)).toBe(true);
    expect(run.emulator.requests.filter((r) => r.fault !== undefined)).toEqual([]);
    expect(run.emulator.requests.length).toBeGreaterThan(20);
  });

  it('fails an account with the error of the first list that failed in reading order, not in time', async () => {
    // The account's lists are read side by side: S3 answers its 500 one round trip in, the
    // credential report two (generate, then get). The account fails as it would reading one
    // after another, on every run: with the report's error.
    const run = await runAgainstEmulator(scenario, {
      tuning: { maxAttempts: 1 },
      emulator: {
        latencyMs: 20,
        faults: {
          seed: 1,
          rate: 1,
          persistent: true,
          kinds: ['server-error'],
          operations: ['iam:GetCredentialReport', 's3:ListAllMyBuckets'],
        },
      },
    });
    const failed = run.snapshot.systems.filter((s) => !s.ok);
    expect(failed.map((s) => s.target)).toEqual([PROD, STAGING]);
    for (const status of failed) expect(status.error).toMatch(/^iam:GetCredentialReport: /);
  });
});

describe('aws connector: one account’s AssumeRole denied', async () => {
  const scenario = (await demoScenarioJson()) as { accounts: Array<Record<string, unknown>> };
  scenario.accounts.push({
    id: '333333333333',
    name: 'northwind-data',
    root: { createdAt: '2025-01-01', mfa: true },
    roles: [
      {
        name: 'lanekeeper-audit',
        createdAt: '2025-01-01',
        trust: {
          Version: '2012-10-17',
          Statement: { Effect: 'Allow', Principal: { AWS: PROD }, Action: 'sts:AssumeRole' },
        },
        managedPolicies: ['SecurityAudit'],
      },
    ],
  });
  for (const a of scenario.accounts) if (a.id === STAGING) a.assumeRole = 'denied';
  const { snapshot } = await runAgainstEmulator(scenario, { concurrency: 3 });

  it('fails that account with a clear reason and reads the others', () => {
    expect(statusOf(snapshot, STAGING)).toMatchObject({ ok: false });
    expect(statusOf(snapshot, STAGING)?.error).toMatch(
      /cannot assume arn:aws:iam::222222222222:role\/lanekeeper-audit: sts:AssumeRole: .*AccessDenied|not authorized to perform: sts:AssumeRole/,
    );
    expect(statusOf(snapshot, STAGING)?.error).toMatch(/Deploy the read-only audit role in account 222222222222/);
    expect(statusOf(snapshot, PROD)?.ok).toBe(true);
    expect(statusOf(snapshot, '333333333333')?.ok).toBe(true);
    expect(snapshot.accounts.some((a) => a.target === STAGING)).toBe(false);
    expect(snapshot.accounts.some((a) => a.target === PROD)).toBe(true);
    expect(snapshot.accounts.some((a) => a.id === 'arn:aws:iam::333333333333:role/lanekeeper-audit')).toBe(true);
  });

  it('makes the scan incomplete: exit 3', () => {
    const complete = snapshot.systems.every((s) => s.ok);
    expect(gateExitCode({ findings: [], complete, failOn: 'critical', allowPartial: false })).toBe(3);
  });
});

describe('aws connector: credential report denied', async () => {
  const scenario = (await demoScenarioJson()) as { accounts: Array<Record<string, unknown>> };
  const baseline = await runAgainstEmulator(scenario);
  for (const a of scenario.accounts) a.credentialReport = 'denied';
  const { snapshot, emulator } = await runAgainstEmulator(scenario, { emulator: { pageSize: 1 } });

  it('reads users one by one and finds the same keys, passwords and MFA', () => {
    const users = (s: Snapshot) => inventory(s).accounts.filter((a) => a.role === 'iam-user');
    expect(users(snapshot)).toEqual(users(baseline.snapshot));
    const notRoot = (s: Snapshot) => inventory(s).credentials.filter((c) => !c.account.endsWith(':root'));
    expect(notRoot(snapshot).map(({ attributes: _slot, ...c }) => c)).toEqual(
      notRoot(baseline.snapshot).map(({ attributes: _slot, ...c }) => c),
    );
    for (const op of ['iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:ListMFADevices', 'iam:GetLoginProfile'])
      expect(emulator.requests.map((r) => r.operation)).toContain(op);
  });

  it('names the gap: the root account’s credentials are unknown', () => {
    expect(statusOf(snapshot, PROD)?.gaps).toEqual([
      { kind: 'aws.credential-report', detail: expect.stringMatching(/credential report is denied/) },
    ]);
    const root = snapshot.accounts.find((a) => a.id === 'arn:aws:iam::111111111111:root');
    expect(root?.mfa).toBeUndefined();
    expect(root?.attributes?.credentialsKnown).toBe(false);
  });
});

describe('aws connector: a credential report older than the newest user', async () => {
  // AWS hands out the same report for four hours: a user created since is not in it.
  // biome-ignore lint/suspicious/noExplicitAny: scenario JSON
  const scenario = (await demoScenarioJson()) as { accounts: Array<Record<string, any>> };
  // biome-ignore lint/suspicious/noExplicitAny: scenario JSON
  const prod = scenario.accounts[0] as Record<string, any>;
  prod.reportGeneratedAt = '2026-11-29T06:00:00.000Z';
  prod.users.push({
    name: 'late-contractor',
    createdAt: '2026-11-29T08:00:00.000Z',
    password: { createdAt: '2026-11-29T08:00:00.000Z' },
    mfa: false,
    accessKeys: [{ id: 'AKIALATECONTRACTOR01', createdAt: '2026-11-29T08:05:00.000Z' }],
    inlinePolicies: [
      {
        name: 'orders-read',
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::northwind-orders/*' }],
        },
      },
    ],
  });
  // An older user's key created after the report, used since: the report shows no key for them.
  // biome-ignore lint/suspicious/noExplicitAny: scenario JSON
  const opsAdmin = prod.users.find((u: any) => u.name === 'ops-admin');
  opsAdmin.accessKeys = [
    { id: 'AKIAOPSADMINNEWKEY01', createdAt: '2026-11-29T07:00:00.000Z', lastUsedAt: '2026-11-29T08:30:00.000Z' },
  ];
  const { snapshot, emulator } = await runAgainstEmulator(scenario);
  const late = `arn:aws:iam::${PROD}:user/late-contractor`;

  it('finds a key created after the report on a user the report shows without one', () => {
    const keys = snapshot.credentials.filter(
      (c) => c.account === `arn:aws:iam::${PROD}:user/ops-admin` && c.kind === 'access-key',
    );
    expect(keys).toEqual([
      expect.objectContaining({
        kind: 'access-key',
        id: 'AKIA…EY01',
        active: true,
        createdAt: '2026-11-29T07:00:00.000Z',
        lastUsedAt: '2026-11-29T08:30:00.000Z',
      }),
    ]);
  });

  it('leaves no user without credential facts: the newer one is read directly', () => {
    const account = snapshot.accounts.find((a) => a.id === late);
    expect(account?.mfa).toBe(false);
    expect(
      snapshot.credentials
        .filter((c) => c.account === late)
        .map((c) => c.kind)
        .sort(),
    ).toEqual(['access-key', 'password']);
    const direct = emulator.requests.filter((r) => r.operation === 'iam:GetLoginProfile');
    expect(direct.length).toBe(1);
  });

  it('says in the evidence how old the report was, and which facts were read directly', () => {
    const evidence = (account: string) =>
      snapshot.grants.filter((g) => g.account === account).flatMap((g) => g.evidence ?? []);
    expect(evidence(late)).toContain(
      'keys, password and MFA read directly: the user is newer than the credential report',
    );
    expect(evidence(`arn:aws:iam::${PROD}:user/sam-ortiz`)).toContain(
      'keys and password as of the credential report generated 2026-11-29 06:00 UTC',
    );
  });

  it('names a report without its root row as a gap, not a silent unknown', async () => {
    const noRoot = (await demoScenarioJson()) as { accounts: Array<Record<string, unknown>> };
    (noRoot.accounts[0] as Record<string, unknown>).reportHasRoot = false;
    const run = await runAgainstEmulator(noRoot);
    expect(statusOf(run.snapshot, PROD)?.gaps.map((g) => g.kind)).toEqual(['aws.root-credentials']);
  });
});

describe('aws connector: what it cannot see is a named gap', async () => {
  it('a permission set referencing a customer-managed policy it cannot evaluate', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: scenario JSON
    const scenario = (await demoScenarioJson()) as Record<string, any>;
    scenario.identityCenter.permissionSets[0].customerManagedPolicies = [{ name: 'deploy-extra', path: '/' }];
    const { snapshot } = await runAgainstEmulator(scenario);
    expect(statusOf(snapshot, PROD)?.gaps).toContainEqual({
      kind: 'aws.permission-set-policies',
      detail: expect.stringContaining('customer-managed policy /deploy-extra'),
    });
  });

  it('Identity Center configured where no instance answers', async () => {
    const scenario = (await demoScenarioJson()) as Record<string, unknown>;
    delete scenario.identityCenter;
    const { snapshot } = await runAgainstEmulator(scenario, { config: { identityCenter: { region: 'us-east-1' } } });
    expect(statusOf(snapshot, PROD)?.gaps.map((g) => g.kind)).toEqual(['aws.identity-center']);
  });
});

describe('aws connector: a disabled Identity Center user', async () => {
  // biome-ignore lint/suspicious/noExplicitAny: scenario JSON
  const scenario = (await demoScenarioJson()) as Record<string, any>;
  const user = scenario.identityCenter.users[0];
  user.status = 'DISABLED';
  const { snapshot } = await runAgainstEmulator(scenario);
  const id = `arn:aws:identitystore:::user/${user.id}`;

  it('is suspended, not active: it cannot sign in until it is enabled again', () => {
    expect(snapshot.accounts.find((a) => a.id === id)?.status).toBe('suspended');
  });

  it('keeps its assignments, which come back with the user, and says why they are not usable now', () => {
    const grants = grantsOf(snapshot, id);
    expect(grants.length).toBeGreaterThan(0);
    for (const g of grants)
      expect(g.evidence).toContain('the user is disabled in Identity Center: it cannot sign in until enabled again');
  });
});

describe('aws connector: the roles a role can go on to', async () => {
  const gh = `arn:aws:iam::${PROD}:oidc-provider/token.actions.githubusercontent.com`;
  const { snapshot } = await runAgainstEmulator({
    callerAccount: PROD,
    organization: { auditRole: 'lanekeeper-audit' },
    accounts: [
      {
        id: PROD,
        name: 'northwind-ci',
        root: { createdAt: T },
        roles: [
          {
            name: 'gh-ci',
            createdAt: T,
            trust: doc([
              {
                Effect: 'Allow',
                Principal: { Federated: gh },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: {
                  StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
                  StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:northwind/*' },
                },
              },
            ]),
            inlinePolicies: [
              { name: 'hop', document: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]) },
            ],
          },
        ],
      },
      {
        id: STAGING,
        name: 'northwind-production',
        root: { createdAt: T },
        roles: [
          AUDIT_ROLE,
          {
            name: 'prod-deploy',
            createdAt: T,
            trust: doc([
              { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:role/gh-ci` }, Action: 'sts:AssumeRole' },
            ]),
            inlinePolicies: [{ name: 'adm', document: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }],
          },
        ],
      },
    ],
  });

  it('gives the role that can assume another the other’s access, with the path as evidence', () => {
    const ci = `arn:aws:iam::${PROD}:role/gh-ci`;
    const onward = grantsOf(snapshot, ci).filter((g) => g.via === 'role');
    expect(onward.map((g) => [g.resource, g.permission, g.level])).toEqual([
      // The audit role trusts the whole account, and gh-ci may assume any role.
      [STAGING, 'can assume lanekeeper-audit: SecurityAudit (metadata read)', 'read'],
      [STAGING, 'can assume prod-deploy: adm (inline)', 'admin'],
    ]);
    expect(onward[1]?.evidence).toContain('path: gh-ci → prod-deploy (222222222222)');
  });
});

describe('aws connector: Identity Center’s roles when identityCenter is not configured', async () => {
  // The demo's assignments, read without identityCenter: IAM still shows the reserved roles
  // Identity Center made in each assigned account, and they are reported as roles.
  const { snapshot } = await runAgainstEmulator(await demoScenarioJson(), { config: { identityCenter: undefined } });
  const reserved = (account: string) =>
    snapshot.accounts.filter((a) => a.target === account && a.login.startsWith('AWSReservedSSO_'));

  it('reports each reserved role as a role, with its access', () => {
    expect(reserved(PROD).map((a) => a.login)).toEqual([
      'AWSReservedSSO_AdministratorAccess_5f1a2b3c4d5e6f70',
      expect.stringMatching(/^AWSReservedSSO_ProductionViewOnly_[0-9a-f]{16}$/),
    ]);
    expect(reserved(STAGING).map((a) => a.login)).toEqual([
      expect.stringMatching(/^AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}$/),
    ]);
    const admin = reserved(STAGING)[0];
    expect(grantsOf(snapshot, admin?.id ?? '').map((g) => [g.resource, g.level, g.viaName])).toEqual([
      // AdministratorAccess allows reading northwind-assets, whose policy lets in the organisation.
      [PROD, 'read', 'bucket policy of northwind-assets'],
      [STAGING, 'admin', undefined],
    ]);
  });

  it('names the gap: who may use them is not read', () => {
    const gap = statusOf(snapshot, PROD)?.gaps.find((g) => g.kind === 'aws.identity-center');
    expect(gap?.detail).toContain('AWSReservedSSO_AdministratorAccess_5f1a2b3c4d5e6f70');
    expect(gap?.count).toBe(2);
  });
});

describe('aws connector: a trust of "*" kept to the organisation', async () => {
  const starTrust = (Condition: unknown) =>
    doc([{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition }]);
  const admin = [{ name: 'adm', document: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }];
  const { snapshot } = await runAgainstEmulator({
    callerAccount: PROD,
    organization: { auditRole: 'lanekeeper-audit', id: 'o-abcdefghij' },
    accounts: [
      {
        id: PROD,
        name: 'northwind-production',
        root: { createdAt: T },
        users: [
          {
            name: 'dev',
            createdAt: T,
            inlinePolicies: [
              { name: 'assume', document: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]) },
            ],
          },
        ],
      },
      {
        id: STAGING,
        name: 'northwind-staging',
        root: { createdAt: T },
        roles: [
          AUDIT_ROLE,
          {
            name: 'org-admin',
            createdAt: T,
            trust: starTrust({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } }),
            inlinePolicies: admin,
          },
          {
            name: 'other-org-admin',
            createdAt: T,
            trust: starTrust({ StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } }),
            inlinePolicies: admin,
          },
        ],
      },
    ],
  });

  it('is not anyone: no public account, and another organisation’s id is that organisation', () => {
    expect(snapshot.accounts.filter((a) => a.kind === 'public')).toEqual([]);
    expect(snapshot.accounts.filter((a) => a.kind === 'external').map((a) => a.id)).toEqual(['o-zzzzzzzzzz']);
  });

  it('lets in every principal of the organisation whose own policy allows it, like a trust of each account', () => {
    const dev = grantsOf(snapshot, `arn:aws:iam::${PROD}:user/dev`).filter((g) => g.via === 'role');
    expect(dev.map((g) => g.permission)).toContain('can assume org-admin: adm (inline)');
    expect(dev.map((g) => g.permission)).not.toContain('can assume other-org-admin: adm (inline)');
  });
});

describe('aws connector: Identity Center group expansion', async () => {
  const scenario = {
    callerAccount: PROD,
    accounts: [{ id: PROD, name: 'northwind-production', root: { createdAt: '2024-01-01' } }],
    identityCenter: {
      instanceId: 'ssoins-0000000000000001',
      identityStoreId: 'd-0000000001',
      users: [
        { id: 'u-1', userName: 'ana', emails: ['Ana@Example.com'] },
        { id: 'u-2', userName: 'ben', emails: ['ben@example.com'] },
        { id: 'u-3', userName: 'cy' },
      ],
      groups: [
        { id: 'g-1', displayName: 'Readers', members: ['ana', 'ben'] },
        { id: 'g-2', displayName: 'Admins', members: ['ana'] },
        { id: 'g-3', displayName: 'Empty', members: [] },
      ],
      permissionSets: [
        { id: 'ps-0000000000000001', name: 'ReadOnly', managedPolicies: ['ReadOnlyAccess'] },
        { id: 'ps-0000000000000002', name: 'Admin', managedPolicies: ['AdministratorAccess'] },
        {
          id: 'ps-0000000000000003',
          name: 'OrdersReader',
          inlinePolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: '*' }],
          },
        },
      ],
      assignments: [
        { account: PROD, permissionSet: 'ReadOnly', group: 'Readers' },
        { account: PROD, permissionSet: 'Admin', group: 'Admins' },
        { account: PROD, permissionSet: 'Admin', group: 'Empty' },
        { account: PROD, permissionSet: 'OrdersReader', user: 'cy' },
      ],
    },
  };

  it.each([1, 100])('gives each member the group’s permission sets (page size %i)', async (pageSize) => {
    const { snapshot } = await runAgainstEmulator(scenario, {
      emulator: { pageSize },
      config: { organization: undefined, accounts: [{ id: PROD, name: 'northwind-production' }] },
    });
    const rows = snapshot.grants
      .filter((g) => g.account.startsWith('arn:aws:identitystore'))
      .map((g) => [g.account.split('/').pop(), g.permission, g.via, g.viaName, g.level, g.lanes.join('+')]);
    const readOnlyData =
      'ReadOnly (data read: athena:GetQueryResults, athena:GetQueryResultsStream, dynamodb:BatchGetItem, dynamodb:GetItem and 14 more)';
    expect(rows).toEqual([
      ['u-1', 'Admin', 'group', 'Admins', 'admin', 'data+production'],
      ['u-1', readOnlyData, 'group', 'Readers', 'read', 'data'],
      ['u-1', 'ReadOnly (metadata read)', 'group', 'Readers', 'read', 'production'],
      ['u-2', readOnlyData, 'group', 'Readers', 'read', 'data'],
      ['u-2', 'ReadOnly (metadata read)', 'group', 'Readers', 'read', 'production'],
      ['u-3', 'OrdersReader (data read: dynamodb:Query)', 'permission-set', 'OrdersReader', 'read', 'data'],
    ]);
    expect(snapshot.accounts.find((a) => a.login === 'ana')?.emails).toEqual(['ana@example.com']);
  });
});

describe('aws connector: lanes by Organizations tags', async () => {
  const scenario = (await demoScenarioJson()) as { accounts: Array<Record<string, unknown>> };
  for (const a of scenario.accounts) a.tags = { env: a.id === PROD ? 'prod' : 'stage', team: 'platform' };

  it('classifies accounts by tag:Key=Value globs', async () => {
    const { snapshot, emulator } = await runAgainstEmulator(scenario, {
      config: { lanes: { production: ['tag:env=prod'], staging: ['tag:env=stage'], unmatched: 'data' } },
    });
    expect(emulator.requests.filter((r) => r.operation === 'organizations:ListTagsForResource')).toHaveLength(2);
    const opsAdmin = snapshot.grants.find((g) => g.account.endsWith(':user/ops-admin'));
    expect(opsAdmin?.attributes?.accountTags).toEqual(['env=prod', 'team=platform']);
    expect(opsAdmin?.lanes).toEqual(['data', 'production']);
    const stagingRoot = snapshot.grants.find((g) => g.account === 'arn:aws:iam::222222222222:root');
    expect(stagingRoot?.lanes).toEqual(['code']);
  });

  it('does not read tags when no glob names one', async () => {
    const { emulator } = await runAgainstEmulator(scenario);
    expect(emulator.requests.some((r) => r.operation === 'organizations:ListTagsForResource')).toBe(false);
  });
});
