// The connector against its emulator: the real client libraries over HTTP on loopback.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_TOKEN_ENV } from '../../../connectors/gcp/emulator/index.js';
import {
  type GcpScenario,
  GcpScenarioSchema,
  ScenarioServiceAccountSchema,
} from '../../../connectors/gcp/emulator/scenario.js';
import { gcpConnector } from '../../../connectors/gcp/index.js';
import { remediation } from '../../../connectors/gcp/remediation.js';
import type { EmulatorOptions, RunningEmulator } from '../../../src/core/connector.js';
import { resolveRelativeDates } from '../../../src/core/dates.js';
import { silentLogger } from '../../../src/core/log.js';
import type { Grant, Snapshot } from '../../../src/core/model.js';
import { collect } from '../../../src/pipeline/collect.js';
import { gateExitCode } from '../../../src/pipeline/gate.js';

const now = new Date('2026-09-15T12:00:00Z');
const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

const SA = 'serviceAccount:ci@shop-prod.iam.gserviceaccount.com';

function scenario(overrides: (s: GcpScenario) => void = () => {}): GcpScenario {
  const s = GcpScenarioSchema.parse({
    organization: {
      id: '1000',
      domain: 'northwind.example',
      bindings: [{ role: 'roles/owner', members: ['user:dana@northwind.example'] }],
    },
    folders: [
      {
        id: '20',
        displayName: 'prod',
        parent: 'organizations/1000',
        bindings: [{ role: 'roles/editor', members: ['user:sam@ortiz.dev'] }],
      },
      // Nested, and hidden from folders:search: found with folders.get.
      {
        id: '30',
        displayName: 'payments',
        parent: 'folders/20',
        unlisted: true,
        bindings: [{ role: 'roles/run.admin', members: ['group:payments@northwind.example'] }],
      },
    ],
    projects: [
      {
        projectId: 'shop-prod',
        parent: 'folders/20',
        labels: { env: 'prod' },
        bindings: [
          { role: 'roles/owner', members: [SA] },
          {
            role: 'roles/editor',
            members: ['user:growthhacker.jake@gmail.com', 'deleted:user:old@northwind.example?uid=9'],
          },
          {
            role: 'roles/cloudsql.admin',
            members: ['user:pete@lindqvist.example'],
            condition: { title: 'Migration', expression: 'request.time < timestamp("2026-07-01T00:00:00Z")' },
          },
          { role: 'roles/storage.objectViewer', members: ['allUsers'] },
        ],
        serviceAccounts: [
          {
            email: 'ci@shop-prod.iam.gserviceaccount.com',
            displayName: 'CI',
            keys: [
              { id: 'aaaaaaaa11111111222222223333333344444444', validAfterTime: '2025-08-01T00:00:00Z' },
              {
                id: 'bbbbbbbb11111111222222223333333344444444',
                validAfterTime: '2026-01-01T00:00:00Z',
                validBeforeTime: '2027-01-01T00:00:00Z',
                disabled: true,
              },
            ],
          },
          { email: 'idle@shop-prod.iam.gserviceaccount.com', disabled: true },
        ],
      },
      {
        projectId: 'analytics',
        parent: 'folders/20',
        bindings: [
          {
            role: 'roles/bigquery.dataViewer',
            members: ['user:fatima@ledgerwise.example'],
            condition: { title: 'FIN-8', expression: "request.time < timestamp('2026-10-05T00:00:00Z')" },
          },
          // A service account of another project, with a key: marked here too.
          { role: 'roles/bigquery.dataEditor', members: [SA] },
        ],
      },
      { projectId: 'payments-api', parent: 'folders/30', bindings: [] },
      {
        projectId: 'billing-core',
        parent: 'organizations/1000',
        bindings: [
          { role: 'organizations/1000/roles/billingDeployer', members: ['group:payments@northwind.example'] },
          { role: 'organizations/1000/roles/auditViewer', members: ['group:payments@northwind.example'] },
          { role: 'roles/newservice.viewer', members: ['group:payments@northwind.example'] },
        ],
      },
      { projectId: 'old-thing', parent: 'organizations/1000', state: 'DELETE_REQUESTED', bindings: [] },
    ],
    roles: [
      {
        name: 'organizations/1000/roles/billingDeployer',
        title: 'Billing deployer',
        includedPermissions: ['run.services.get', 'run.services.update', 'run.revisions.list'],
      },
      {
        // Named like a viewer; its permissions administer the project's IAM.
        name: 'organizations/1000/roles/auditViewer',
        title: 'Audit viewer',
        includedPermissions: ['resourcemanager.projects.get', 'resourcemanager.projects.setIamPolicy'],
      },
    ],
  });
  overrides(s);
  return s;
}

async function scan(
  s: GcpScenario,
  options: Partial<EmulatorOptions> = {},
  config: Record<string, unknown> = {},
): Promise<{ snapshot: Snapshot; emulator: RunningEmulator }> {
  const emulator = await gcpConnector.emulator.start(s, { now, ...options });
  running.push(emulator);
  const parsed = gcpConnector.configSchema.parse({
    ...emulator.config,
    accessToken: emulator.env[SANDBOX_TOKEN_ENV],
    lanes: { production: ['shop-prod', 'payments-*'], data: ['analytics'] },
    retry: { baseDelayMs: 1 },
    concurrency: 4,
    ...config,
  });
  const snapshot = await collect([{ connector: gcpConnector, config: parsed }], {
    now,
    log: silentLogger,
    clock: () => 0,
  });
  for (const request of emulator.requests) {
    expect(request.operation, `${request.method} ${request.path}`).not.toBe('unknown');
    expect(gcpConnector.operations).toContain(request.operation);
  }
  return { snapshot, emulator };
}

/** The records, without the call counts that retries and page sizes legitimately change. */
function inventory(snapshot: Snapshot) {
  return {
    accounts: snapshot.accounts,
    grants: snapshot.grants,
    credentials: snapshot.credentials,
    systems: snapshot.systems.map(({ target, ok, error, warnings }) => ({ target, ok, error, warnings })),
  };
}

describe('gcp connector against its emulator', () => {
  it('reads the tree, inherits through nested folders, and decides conditions', async () => {
    const { snapshot } = await scan(scenario());
    expect(snapshot.systems.map((s) => [s.target, s.ok])).toEqual([
      ['organizations/1000', true],
      ['projects/analytics', true],
      ['projects/billing-core', true],
      ['projects/payments-api', true],
      ['projects/shop-prod', true],
    ]);
    const grants = snapshot.grants.map((g) =>
      `${g.resource} ${g.account} ${g.permission} ${g.via} ${g.viaName ?? ''}`.trim(),
    );
    expect(grants).toContain(
      'projects/payments-api group:payments@northwind.example roles/run.admin inherited folders/30 (payments)',
    );
    expect(grants).toContain('projects/payments-api user:sam@ortiz.dev roles/editor inherited folders/20 (prod)');
    expect(grants).toContain('projects/analytics user:sam@ortiz.dev roles/editor inherited folders/20 (prod)');
    expect(grants).toContain(
      'projects/billing-core user:dana@northwind.example roles/owner inherited organizations/1000 (northwind.example)',
    );
    expect(grants.filter((g) => g.includes('user:sam@ortiz.dev'))).toHaveLength(3);
    expect(grants.some((g) => g.includes('pete@'))).toBe(false);
    expect(grants.some((g) => g.includes('old-thing'))).toBe(false);

    const fatima = snapshot.grants.find((g) => g.account === 'user:fatima@ledgerwise.example');
    expect(fatima).toMatchObject({ expiresAt: '2026-10-05T00:00:00.000Z', lanes: ['data'], level: 'read' });
    const jake = snapshot.grants.find((g) => g.account === 'user:growthhacker.jake@gmail.com');
    expect(jake).toMatchObject({ lanes: ['data', 'production'], level: 'write', via: 'direct' });

    // One account per member across projects, targeted at the organisation.
    const accounts = snapshot.accounts.map((a) => [a.id, a.kind, a.status]);
    expect(accounts).toEqual([
      ['allUsers', 'public', 'active'],
      ['deleted:user:old@northwind.example?uid=9', 'human', 'deleted'],
      ['group:payments@northwind.example', 'group', 'active'],
      [SA, 'service', 'active'],
      ['serviceAccount:idle@shop-prod.iam.gserviceaccount.com', 'service', 'suspended'],
      ['user:dana@northwind.example', 'human', 'active'],
      ['user:fatima@ledgerwise.example', 'human', 'active'],
      ['user:growthhacker.jake@gmail.com', 'human', 'active'],
      ['user:sam@ortiz.dev', 'human', 'active'],
    ]);
    expect(new Set(snapshot.accounts.map((a) => a.target))).toEqual(new Set(['organizations/1000']));
    expect(snapshot.grants.filter((g) => g.account.startsWith('deleted:'))).toEqual([]);

    // Keys: only user-managed, the disabled one inactive, both shortened; the key marks the SA's grants everywhere.
    expect(snapshot.credentials).toEqual([
      expect.objectContaining({
        account: SA,
        kind: 'sa-key',
        id: 'aaaaaaaa…4444',
        active: true,
        createdAt: '2025-08-01T00:00:00.000Z',
      }),
      expect.objectContaining({
        account: SA,
        id: 'bbbbbbbb…4444',
        active: false,
        expiresAt: '2027-01-01T00:00:00.000Z',
      }),
    ]);
    expect(snapshot.credentials[0]?.expiresAt).toBeUndefined();
    for (const g of snapshot.grants.filter((g) => g.account === SA)) expect(g.attributes?.userManagedKeys).toBe(1);
    expect(snapshot.grants.filter((g) => g.account === SA).map((g) => g.resource)).toEqual([
      'projects/analytics',
      'projects/shop-prod',
    ]);
  });

  it('judges roles the table does not know by their permissions, and names the gap when it cannot read one', async () => {
    const { snapshot } = await scan(scenario());
    const custom = snapshot.grants.find((g) => g.permission === 'organizations/1000/roles/billingDeployer');
    // billing-core is not a production project: deploying there is its own lane's (code) access.
    expect(custom).toMatchObject({ lanes: ['code'], level: 'write', attributes: { rolePermissions: 3 } });
    expect(custom?.evidence).toContain(
      'organizations/1000/roles/billingDeployer is not in the role table ("Billing deployer", 3 permissions): judged by its permissions, write: what runs, or who may change it (run.services.update)',
    );
    // Its name says viewer; its permissions say administrator.
    const viewer = snapshot.grants.find((g) => g.permission === 'organizations/1000/roles/auditViewer');
    expect(viewer).toMatchObject({ lanes: ['code'], level: 'admin' });
    const unread = snapshot.grants.find((g) => g.permission === 'roles/newservice.viewer');
    expect(unread?.evidence?.at(-1)).toMatch(/could not be read/);
    const org = snapshot.systems.find((s) => s.target === 'organizations/1000');
    expect(org?.gaps).toEqual([
      {
        kind: 'gcp.custom-role-unreadable',
        detail: expect.stringMatching(/^could not read the definition of roles\/newservice.viewer, .*NOT_FOUND/),
      },
      // The scenario's group is unknown to Cloud Identity: its grants stay the group's, and that is a gap.
      {
        kind: 'gcp.group-members',
        detail: expect.stringMatching(
          /^the members of group:payments@northwind.example could not be read, .*NOT_FOUND/,
        ),
      },
    ]);
  });

  it('gives a custom role every lane its permissions reach and their highest level, as the same permissions split across roles', async () => {
    const deployAndQuery = 'organizations/1000/roles/deployAndQuery';
    const deployAndGrant = 'organizations/1000/roles/deployAndGrantBuckets';
    const { snapshot } = await scan(
      scenario((s) => {
        s.roles.push(
          {
            name: deployAndQuery,
            title: 'Deploy and query',
            includedPermissions: ['bigquery.tables.getData', 'bigquery.jobs.create', 'run.services.update'],
          },
          {
            name: 'organizations/1000/roles/deployOnly',
            title: 'Deploy only',
            includedPermissions: ['run.services.update'],
          },
          {
            name: 'organizations/1000/roles/queryOnly',
            title: 'Query only',
            includedPermissions: ['bigquery.tables.getData', 'bigquery.jobs.create'],
          },
          {
            name: deployAndGrant,
            title: 'Deploy and grant buckets',
            includedPermissions: ['run.services.update', 'storage.buckets.setIamPolicy'],
          },
        );
        const shop = s.projects.find((p) => p.projectId === 'shop-prod')!;
        shop.bindings.push(
          { role: deployAndQuery, members: ['user:cam@agency.example'] },
          { role: 'organizations/1000/roles/deployOnly', members: ['user:kim@agency.example'] },
          { role: 'organizations/1000/roles/queryOnly', members: ['user:kim@agency.example'] },
          { role: deployAndGrant, members: ['user:lee@agency.example'] },
        );
        s.projects
          .find((p) => p.projectId === 'billing-core')!
          .bindings.push({
            role: deployAndQuery,
            members: ['user:cam@agency.example'],
          });
      }),
    );
    const held = (account: string, resource: string) =>
      snapshot.grants
        .filter((g) => g.account === account && g.resource === resource)
        .map((g) => ({ role: g.permission, lanes: g.lanes, level: g.level }));
    // Deploying on production and reading its rows: both lanes, as deployOnly + queryOnly give.
    expect(held('user:cam@agency.example', 'projects/shop-prod')).toEqual([
      { role: deployAndQuery, lanes: ['data', 'production'], level: 'write' },
    ]);
    const split = held('user:kim@agency.example', 'projects/shop-prod');
    expect([...new Set(split.flatMap((g) => g.lanes))].sort()).toEqual(['data', 'production']);
    // billing-core is staging: deploying there is the code lane; reading rows is data anywhere.
    expect(held('user:cam@agency.example', 'projects/billing-core')).toEqual([
      { role: deployAndQuery, lanes: ['code', 'data'], level: 'write' },
    ]);
    // Setting a bucket's IAM is data administration, whatever else the role does.
    expect(held('user:lee@agency.example', 'projects/shop-prod')).toEqual([
      { role: deployAndGrant, lanes: ['data', 'production'], level: 'admin' },
    ]);
    const cam = snapshot.grants.find((g) => g.account === 'user:cam@agency.example')!;
    expect(cam.evidence).toContain(
      `${deployAndQuery} is not in the role table ("Deploy and query", 3 permissions): judged by its permissions, write: what runs, or who may change it (write: run.services.update); what is stored (read: bigquery.jobs.create, bigquery.tables.getData)`,
    );
  });

  describe('Google groups', () => {
    const withGroups = (denied = false) =>
      scenario((s) => {
        s.groups = [
          {
            email: 'payments@northwind.example',
            members: ['user:nia@pixelwork.example', 'group:oncall@northwind.example'],
          },
          // Nested, and looping back: walked once.
          {
            email: 'oncall@northwind.example',
            members: [
              'user:dana@northwind.example',
              'serviceAccount:bot@shop-prod.iam.gserviceaccount.com',
              'group:payments@northwind.example',
            ],
          },
        ];
        s.groupsDenied = denied;
      });

    it('expands a bound group to its members, nested groups included, at page size 1: each member holds the binding', async () => {
      const one = await scan(withGroups(), { pageSize: 1 });
      const hundred = await scan(withGroups());
      expect(inventory(one.snapshot)).toEqual(inventory(hundred.snapshot));
      const { snapshot } = one;
      expect(snapshot.accounts.map((a) => a.id)).not.toContain('group:payments@northwind.example');
      const nia = snapshot.grants.filter((g) => g.account === 'user:nia@pixelwork.example');
      expect(nia.map((g) => [g.resource, g.permission, g.via, g.viaName])).toContainEqual([
        'projects/payments-api',
        'roles/run.admin',
        'group',
        'group:payments@northwind.example',
      ]);
      const runAdmin = nia.find((g) => g.permission === 'roles/run.admin')!;
      expect(runAdmin.evidence?.slice(0, 2)).toEqual([
        'user:nia@pixelwork.example is a member of group:payments@northwind.example',
        'roles/run.admin granted to group:payments@northwind.example on folders/30 (payments), inherited by projects/payments-api',
      ]);
      // Through the nested group, a person and a service account hold it too; the loop adds nobody twice.
      const holders = new Set(
        snapshot.grants.filter((g) => g.viaName === 'group:payments@northwind.example').map((g) => g.account),
      );
      expect([...holders].sort()).toEqual([
        'serviceAccount:bot@shop-prod.iam.gserviceaccount.com',
        'user:dana@northwind.example',
        'user:nia@pixelwork.example',
      ]);
      expect(snapshot.systems.flatMap((s) => s.gaps).map((g) => g.kind)).not.toContain('gcp.group-members');
      // Through the nested group, it says so; and its removal names the nested path instead of a wrong delete.
      const dana = snapshot.grants.find(
        (g) => g.account === 'user:dana@northwind.example' && g.viaName === 'group:payments@northwind.example',
      )!;
      expect(dana.evidence?.[0]).toBe(
        'user:dana@northwind.example is a member of group:payments@northwind.example through a group nested in it',
      );
      expect(remediation.revokeGrant(dana).commands).toEqual([]);
      expect(remediation.revokeGrant(dana).steps[0]).toMatch(
        /through a group nested in it: remove them from that group/,
      );
      // Leaving the group removes it.
      const steps = remediation.revokeGrant(runAdmin);
      expect(steps.commands).toEqual([
        'gcloud identity groups memberships delete --group-email=payments@northwind.example --member-email=nia@pixelwork.example',
      ]);
    });

    it('holds a member in the group itself and through a nested group by both, and its removal names both', async () => {
      // Cloud Identity answers DIRECT_AND_INDIRECT for nia: in payments itself and through oncall.
      const s = withGroups();
      s.groups.find((g) => g.email === 'oncall@northwind.example')!.members.push('user:nia@pixelwork.example');
      const { snapshot, emulator } = await scan(s, { pageSize: 1 });
      expect(emulator.requests.some((r) => r.operation.endsWith('searchTransitiveMemberships'))).toBe(true);
      const nia = snapshot.grants.find(
        (g) => g.account === 'user:nia@pixelwork.example' && g.permission === 'roles/run.admin',
      )!;
      expect(nia.attributes?.groupMembership).toBe('both');
      expect(nia.evidence?.[0]).toBe(
        'user:nia@pixelwork.example is a member of group:payments@northwind.example itself and through a group nested in it',
      );
      // Leaving the group directly is not enough: the nested path is named too, or the access survives.
      const fix = remediation.revokeGrant(nia);
      expect(fix.commands).toEqual([
        'gcloud identity groups memberships delete --group-email=payments@northwind.example --member-email=nia@pixelwork.example',
      ]);
      expect(fix.steps[0]).toMatch(
        /itself and through a group nested in it: both must go\. Remove .* Then remove them from that group/,
      );
      // dana, only through oncall, is still nested only.
      const dana = snapshot.grants.find(
        (g) => g.account === 'user:dana@northwind.example' && g.viaName === 'group:payments@northwind.example',
      );
      expect(dana?.attributes?.groupMembership).toBe('nested');
    });

    it("keeps the grants as the group's and names the gap when Cloud Identity may not be read", async () => {
      const { snapshot } = await scan(withGroups(true));
      expect(snapshot.grants.some((g) => g.account === 'group:payments@northwind.example')).toBe(true);
      const gaps = snapshot.systems.flatMap((s) => s.gaps).filter((g) => g.kind === 'gcp.group-members');
      expect(gaps).toEqual([
        {
          kind: 'gcp.group-members',
          detail: expect.stringMatching(/group:payments@northwind.example .*PERMISSION_DENIED/),
        },
      ]);
    });
  });

  describe('buckets and datasets (their own IAM)', () => {
    const withData = (more: (s: GcpScenario) => void = () => {}) =>
      scenario((s) => {
        const shop = s.projects.find((p) => p.projectId === 'shop-prod')!;
        const analytics = s.projects.find((p) => p.projectId === 'analytics')!;
        shop.buckets = [
          {
            name: 'shop-exports',
            denied: false,
            bindings: [
              // Pete's project role ended; the bucket still lets him read.
              { role: 'roles/storage.objectViewer', members: ['user:pete@lindqvist.example'] },
              {
                role: 'roles/storage.objectAdmin',
                members: ['user:nia@pixelwork.example'],
                condition: { title: 'Import', expression: 'request.time < timestamp("2026-08-01T00:00:00Z")' },
              },
            ],
          },
          { name: 'shop-static', denied: false, bindings: [] },
        ];
        analytics.datasets = [
          {
            id: 'finance',
            denied: false,
            access: [
              { role: 'READER', userByEmail: 'nia@pixelwork.example' },
              { role: 'WRITER', userByEmail: 'ci@shop-prod.iam.gserviceaccount.com' },
              { role: 'READER', specialGroup: 'allAuthenticatedUsers' },
              { role: 'READER', view: { projectId: 'analytics', datasetId: 'reports', tableId: 'summary' } },
            ],
          },
          // Hidden (a leading _): listed only with all=true.
          {
            id: '_staging',
            denied: false,
            access: [{ role: 'roles/bigquery.dataOwner', domain: 'ledgerwise.example' }],
          },
        ];
        // BigQuery is off in this project: nothing to read there, and nothing missed.
        s.projects.find((p) => p.projectId === 'payments-api')!.bigqueryDisabled = true;
        more(s);
      });

    const dataGrants = (snapshot: Snapshot) =>
      snapshot.grants
        .filter((g) => /\/(buckets|datasets)\//.test(g.resource))
        .map((g) => [g.resource, g.account, g.permission, g.level, g.lanes.join('+')]);

    it('turns a bucket binding or a dataset access entry into a grant on that resource, at page size 1', async () => {
      const one = await scan(withData(), { pageSize: 1 });
      const hundred = await scan(withData());
      expect(inventory(one.snapshot)).toEqual(inventory(hundred.snapshot));
      const { snapshot } = one;
      expect(dataGrants(snapshot)).toEqual([
        ['projects/analytics/datasets/finance', 'allAuthenticatedUsers', 'roles/bigquery.dataViewer', 'read', 'data'],
        [
          'projects/analytics/datasets/_staging',
          'domain:ledgerwise.example',
          'roles/bigquery.dataOwner',
          'admin',
          'data',
        ],
        ['projects/analytics/datasets/finance', SA, 'roles/bigquery.dataEditor', 'write', 'data'],
        [
          'projects/analytics/datasets/finance',
          'user:nia@pixelwork.example',
          'roles/bigquery.dataViewer',
          'read',
          'data',
        ],
        [
          'projects/shop-prod/buckets/shop-exports',
          'user:pete@lindqvist.example',
          'roles/storage.objectViewer',
          'read',
          'data',
        ],
      ]);
      const pete = snapshot.grants.find((g) => g.account === 'user:pete@lindqvist.example')!;
      expect(pete).toMatchObject({ target: 'organizations/1000', via: 'direct' });
      expect(pete.evidence?.[0]).toBe(
        'roles/storage.objectViewer granted to user:pete@lindqvist.example on projects/shop-prod/buckets/shop-exports',
      );
      // The service account's key marks its dataset grant as it does its project grants.
      expect(
        snapshot.grants.find((g) => g.resource.endsWith('/finance') && g.account === SA)?.attributes,
      ).toMatchObject({
        userManagedKeys: 1,
      });
      // Who holds a bucket or dataset through the project's basic roles is read on the project, once.
      const ids = snapshot.accounts.map((a) => a.id);
      expect(ids.filter((id) => /^project|projectReaders|projectOwners/.test(id))).toEqual([]);
      expect(ids).toContain('user:pete@lindqvist.example');
      expect(snapshot.systems.flatMap((x) => x.gaps).map((g) => g.kind)).not.toContain('gcp.dataset-access');
      const requests = one.emulator.requests.map((r) => r.operation);
      expect(requests.filter((o) => o === 'storage.buckets.getIamPolicy')).toHaveLength(2);
      expect(requests.filter((o) => o === 'bigquery.datasets.get')).toHaveLength(2);
    });

    it("reads a project's viewers as the buckets' and datasets' convenience members reach them, at page size 1", async () => {
      const withViewers = withData((s) => {
        const shop = s.projects.find((p) => p.projectId === 'shop-prod')!;
        const analytics = s.projects.find((p) => p.projectId === 'analytics')!;
        shop.bindings.push({ role: 'roles/viewer', members: ['user:vic@viewfinder.example'] });
        analytics.bindings.push({ role: 'roles/viewer', members: ['user:ana@agency.example'] });
        const [exports, statics] = shop.buckets;
        // Another project's viewers, given more than reading; this project's viewers, given writing,
        // and reading objects (as legacy object ACLs often left them), not only listing them.
        exports!.bindings.push({ role: 'roles/storage.objectAdmin', members: ['projectViewer:analytics'] });
        exports!.bindings.push({ role: 'roles/storage.legacyObjectReader', members: ['projectViewer:shop-prod'] });
        statics!.bindings.push({ role: 'roles/storage.objectCreator', members: ['projectViewer:shop-prod'] });
        // The viewers of a project this scan does not read.
        statics!.bindings.push({ role: 'roles/storage.objectViewer', members: ['projectViewer:elsewhere'] });
      });
      const one = await scan(withViewers, { pageSize: 1 });
      expect(inventory(one.snapshot)).toEqual(inventory((await scan(withViewers)).snapshot));
      const { snapshot } = one;
      const held = (account: string) =>
        snapshot.grants
          .filter((g) => g.account === account)
          .map((g) => [g.resource, g.permission, g.level, g.lanes.join('+'), g.viaName ?? '']);
      // A bucket of shop-prod lets its viewers read its objects: Vic reads production data, and
      // writes into shop-static, where this project's viewers may write.
      expect(held('user:vic@viewfinder.example')).toEqual([
        ['projects/shop-prod', 'roles/viewer', 'read', 'data+production', ''],
        [
          'projects/shop-prod/buckets/shop-static',
          'roles/storage.objectCreator',
          'write',
          'data',
          'projectViewer:shop-prod',
        ],
      ]);
      // Ana views analytics only, and administers shop-prod's exports through its viewers.
      expect(held('user:ana@agency.example')).toEqual([
        ['projects/analytics', 'roles/viewer', 'read', 'data', ''],
        [
          'projects/shop-prod/buckets/shop-exports',
          'roles/storage.objectAdmin',
          'admin',
          'data',
          'projectViewer:analytics',
        ],
      ]);
      const ana = snapshot.grants.find((g) => g.resource.endsWith('/shop-exports') && g.account.includes('ana@'))!;
      expect(ana.evidence?.slice(0, 2)).toEqual([
        'user:ana@agency.example holds roles/viewer on projects/analytics, so is one of the viewers of projects/analytics (projectViewer:analytics)',
        'roles/storage.objectAdmin granted to projectViewer:analytics on projects/shop-prod/buckets/shop-exports',
      ]);
      expect(remediation.revokeGrant(ana).commands).toEqual([
        'gcloud storage buckets remove-iam-policy-binding gs://shop-exports --member=projectViewer:analytics --role=roles/storage.objectAdmin --all',
      ]);
      // The default bindings add no grant of their own; a convenience member is an account only
      // when the project it names was not read: then it holds what it is granted, itself.
      expect(snapshot.accounts.map((a) => a.id).filter((id) => id.startsWith('project'))).toEqual([
        'projectViewer:elsewhere',
      ]);
      expect(snapshot.grants.filter((g) => g.account === 'user:sam@ortiz.dev').map((g) => g.resource)).toEqual([
        'projects/analytics',
        'projects/payments-api',
        'projects/shop-prod',
      ]);
      expect(held('projectViewer:elsewhere')).toEqual([
        ['projects/shop-prod/buckets/shop-static', 'roles/storage.objectViewer', 'read', 'data', ''],
      ]);
      expect(snapshot.grants.find((g) => g.account === 'projectViewer:elsewhere')?.evidence).toContain(
        'projectViewer:elsewhere stands for the viewers of projects/elsewhere, whose IAM policy this scan did not read: who they are is unknown',
      );
      expect(snapshot.systems.flatMap((x) => x.gaps).filter((g) => g.detail.includes('elsewhere'))).toEqual([]);
    });

    it("reads a dataset entry's condition, asking for access policy version 3 as BigQuery requires", async () => {
      const { snapshot, emulator } = await scan(
        withData((s) => {
          const finance = s.projects.find((p) => p.projectId === 'analytics')!.datasets[0]!;
          finance.access.push({
            role: 'READER',
            userByEmail: 'fatima@ledgerwise.example',
            condition: { title: 'FIN-9', expression: "request.time < timestamp('2027-01-31T00:00:00Z')" },
          });
        }),
      );
      const onFinance = snapshot.grants.filter(
        (g) => g.account === 'user:fatima@ledgerwise.example' && g.resource.endsWith('/datasets/finance'),
      );
      expect(onFinance).toMatchObject([
        { permission: 'roles/bigquery.dataViewer', expiresAt: '2027-01-31T00:00:00.000Z' },
      ]);
      expect(JSON.stringify(snapshot.systems.flatMap((x) => x.gaps))).not.toContain('conditionalbinding');
      // Below version 3 BigQuery hides the condition and renames the role, as the emulator does:
      // the grant above has its condition, so the connector asked for version 3.
      const old = await fetch(`${emulator.url}/bigquery/v2/projects/analytics/datasets/finance?accessPolicyVersion=1`, {
        headers: { authorization: `Bearer ${emulator.env[SANDBOX_TOKEN_ENV]}` },
      });
      type Entry = { userByEmail?: string; role: string; condition?: unknown };
      const entry = ((await old.json()) as { access: Entry[] }).access.find(
        (e) => e.userByEmail === 'fatima@ledgerwise.example',
      );
      expect(entry?.role).toMatch(/^READER_with_conditionalbinding_[0-9a-f]+$/);
      expect(entry).not.toHaveProperty('condition');
    });

    it('removes a bucket binding with gcloud storage and a dataset entry through its description', () => {
      // A grant on a bucket or dataset, as collect() records it: where it was granted is the resource itself.
      const onData = (account: string, resource: string, permission: string): Grant => ({
        system: 'gcp',
        target: 'organizations/1000',
        account,
        resource,
        permission,
        via: 'direct',
        lanes: ['data'],
        level: 'read',
        attributes: { grantedOn: resource },
      });
      const bucket = remediation.revokeGrant(
        onData('user:pete@lindqvist.example', 'projects/shop-prod/buckets/shop-exports', 'roles/storage.objectViewer'),
      );
      expect(bucket.commands).toEqual([
        'gcloud storage buckets remove-iam-policy-binding gs://shop-exports --member=user:pete@lindqvist.example --role=roles/storage.objectViewer --all',
      ]);
      const dataset = remediation.revokeGrant(
        onData('user:nia@pixelwork.example', 'projects/analytics/datasets/finance', 'roles/bigquery.dataViewer'),
      );
      expect(dataset.commands).toEqual([
        'bq show --format=prettyjson analytics:finance > dataset.json',
        'bq update --source dataset.json analytics:finance',
      ]);
      expect(dataset.steps.join(' ')).toMatch(/delete the access entry for nia@pixelwork.example/);
    });

    it('gives the same grants under throttling, 5xx answers and dropped connections', async () => {
      const base = await scan(withData());
      const faulty = await scan(
        withData(),
        {
          pageSize: 1,
          faults: {
            seed: 7,
            rate: 0.5,
            kinds: ['rate-limit', 'unavailable', 'server-error', 'reset'],
            operations: [
              'storage.buckets.list',
              'storage.buckets.getIamPolicy',
              'bigquery.datasets.list',
              'bigquery.datasets.get',
            ],
          },
        },
        // One request at a time: the seed then refuses the same requests on every run. Side by
        // side, which request met each draw changed from run to run, and a rarely called read
        // was sometimes never refused.
        { concurrency: 1 },
      );
      expect(inventory(faulty.snapshot)).toEqual(inventory(base.snapshot));
      // Never vacuous: each of the four reads was refused at least once, and read again.
      const faulted = new Set(faulty.emulator.requests.filter((r) => r.fault !== undefined).map((r) => r.operation));
      expect([...faulted].sort()).toEqual([
        'bigquery.datasets.get',
        'bigquery.datasets.list',
        'storage.buckets.getIamPolicy',
        'storage.buckets.list',
      ]);
    });

    it('names the gap when buckets or datasets may not be read, and keeps the project', async () => {
      const { snapshot } = await scan(
        withData((s) => {
          const shop = s.projects.find((p) => p.projectId === 'shop-prod')!;
          shop.buckets[0]!.denied = true;
          s.projects.find((p) => p.projectId === 'analytics')!.datasetsDenied = true;
        }),
      );
      const gaps = (target: string) => snapshot.systems.find((x) => x.target === target)?.gaps ?? [];
      expect(gaps('projects/shop-prod')).toEqual([
        {
          kind: 'gcp.bucket-policies',
          detail: expect.stringMatching(
            /^the IAM policy of 1 bucket in projects\/shop-prod could not be read, .*storage\.buckets\.getIamPolicy/,
          ),
          count: 1,
        },
      ]);
      expect(gaps('projects/analytics')).toEqual([
        {
          kind: 'gcp.dataset-access',
          detail: expect.stringMatching(
            /^the BigQuery datasets of projects\/analytics could not be listed, .*PERMISSION_DENIED \(HTTP 403\)/,
          ),
        },
      ]);
      expect(snapshot.systems.every((x) => x.ok)).toBe(true);
      expect(dataGrants(snapshot)).toEqual([]);
    });

    it('fails the project when a read fails for good', async () => {
      const { snapshot } = await scan(
        withData(),
        { faults: { seed: 3, rate: 1, kinds: ['server-error'], operations: ['bigquery.datasets.get'] } },
        { retry: { attempts: 2, baseDelayMs: 1 } },
      );
      const analytics = snapshot.systems.find((x) => x.target === 'projects/analytics');
      expect(analytics).toMatchObject({
        ok: false,
        error: expect.stringMatching(/bigquery\.datasets\.get .*gave up after 2 attempts/),
      });
      expect(snapshot.systems.find((x) => x.target === 'projects/shop-prod')?.ok).toBe(true);
    });
  });

  describe('deny policies (IAM v2)', () => {
    const EDITOR = [
      'compute.instances.delete',
      'resourcemanager.projects.get',
      'run.services.update',
      'storage.objects.create',
      'storage.objects.get',
    ];
    const withDenies = (more: (s: GcpScenario) => void = () => {}) =>
      scenario((s) => {
        s.roles.push(
          { name: 'roles/editor', title: 'Editor', includedPermissions: EDITOR },
          {
            name: 'roles/storage.objectViewer',
            title: 'Storage Object Viewer',
            includedPermissions: ['storage.objects.get', 'storage.objects.list'],
          },
        );
        s.denyPolicies = [
          {
            attachedTo: 'organizations/1000',
            id: 'contractor-guardrails',
            displayName: 'No changes by contractors',
            rules: [
              {
                deniedPrincipals: ['principal://goog/subject/sam@ortiz.dev'],
                exceptionPrincipals: [],
                deniedPermissions: [
                  'run.googleapis.com/services.update',
                  'compute.googleapis.com/instances.*',
                  'storage.googleapis.com/objects.create',
                ],
                exceptionPermissions: [],
              },
            ],
          },
          {
            attachedTo: 'projects/shop-prod',
            id: 'no-public-objects',
            rules: [
              {
                deniedPrincipals: ['principalSet://goog/public:all'],
                exceptionPrincipals: ['principal://goog/subject/dana@northwind.example'],
                deniedPermissions: ['storage.googleapis.com/objects.*'],
                exceptionPermissions: [],
              },
            ],
          },
          {
            attachedTo: 'folders/20',
            id: 'tagged-only',
            rules: [
              {
                deniedPrincipals: ['principal://goog/subject/growthhacker.jake@gmail.com'],
                exceptionPrincipals: [],
                deniedPermissions: ['compute.googleapis.com/instances.delete'],
                exceptionPermissions: [],
                denialCondition: { expression: "resource.matchTag('1000/env', 'prod')" },
              },
            ],
          },
        ];
        more(s);
      });
    const of = (snapshot: Snapshot, account: string, resource: string, permission: string) =>
      snapshot.grants.find((g) => g.account === account && g.resource === resource && g.permission === permission);

    it('narrows what a role grants, removes a grant it takes everything from, at page size 1', async () => {
      const one = await scan(withDenies(), { pageSize: 1 });
      const hundred = await scan(withDenies());
      expect(inventory(one.snapshot)).toEqual(inventory(hundred.snapshot));
      const { snapshot } = one;
      // Sam keeps reading, but may no longer change what runs: editor capped at read, on every project below.
      for (const project of ['projects/analytics', 'projects/payments-api']) {
        const sam = of(snapshot, 'user:sam@ortiz.dev', project, 'roles/editor');
        expect(sam, project).toMatchObject({ level: 'read', attributes: { deniedPermissions: 3, denyLevel: 'read' } });
        expect(sam?.evidence?.at(-1)).toBe(
          'deny policy "No changes by contractors" on organizations/1000 (northwind.example) removes 3 of 5 permissions of roles/editor from user:sam@ortiz.dev (compute.instances.delete, run.services.update, storage.objects.create): what is left is read',
        );
      }
      // On shop-prod the public rule takes the object reads too: both policies are named.
      expect(of(snapshot, 'user:sam@ortiz.dev', 'projects/shop-prod', 'roles/editor')?.evidence?.at(-1)).toBe(
        'deny policy "No changes by contractors" on organizations/1000 (northwind.example) and deny policy "no-public-objects" on projects/shop-prod remove 4 of 5 permissions of roles/editor from user:sam@ortiz.dev (compute.instances.delete, run.services.update, storage.objects.create, …): what is left is read',
      );
      // Everyone is denied every object permission on shop-prod: allUsers' object viewer is no access at all.
      expect(of(snapshot, 'allUsers', 'projects/shop-prod', 'roles/storage.objectViewer')).toBeUndefined();
      // The same public rule narrows Jake's editor there, without lowering it (what is left still changes production).
      const jake = of(snapshot, 'user:growthhacker.jake@gmail.com', 'projects/shop-prod', 'roles/editor');
      expect(jake?.level).toBe('write');
      expect(jake?.evidence).toContainEqual(
        expect.stringMatching(/^deny policy "no-public-objects" on projects\/shop-prod removes 2 of 5/),
      );
      // A rule on resource tags is not decided by a scan: not applied, and the evidence says so.
      expect(jake?.evidence).toContain(
        'deny policy "tagged-only" on folders/20 (prod) denies with a condition on resource tags, which a scan cannot decide: not applied',
      );
      // A role whose permissions IAM would not tell keeps its access whole.
      expect(of(snapshot, SA, 'projects/shop-prod', 'roles/owner')?.evidence?.at(-1)).toBe(
        'deny policy "no-public-objects" on projects/shop-prod applies, but the permissions of roles/owner could not be read: not applied',
      );
      const requests = one.emulator.requests.map((r) => r.operation);
      // One list per node (the organisation, two folders, four projects), then each policy once.
      expect(requests.filter((o) => o === 'iam.policies.listPolicies')).toHaveLength(7);
      expect(requests.filter((o) => o === 'iam.policies.get')).toHaveLength(3);
    });

    it('does not apply a deny whose exception names a group it could not expand', async () => {
      const { snapshot } = await scan(
        withDenies((s) => {
          s.denyPolicies[1]!.rules[0]!.exceptionPrincipals = ['principalSet://goog/group/auditors@northwind.example'];
        }),
      );
      expect(of(snapshot, 'allUsers', 'projects/shop-prod', 'roles/storage.objectViewer')).toBeDefined();
    });

    it('shows access as IAM grants it, with a warning on each project, when deny policies may not be read', async () => {
      const { snapshot } = await scan(
        withDenies((s) => {
          s.denyPoliciesDenied = true;
        }),
      );
      expect(of(snapshot, 'user:sam@ortiz.dev', 'projects/shop-prod', 'roles/editor')?.level).toBe('write');
      const shop = snapshot.systems.find((x) => x.target === 'projects/shop-prod');
      expect(shop?.ok).toBe(true);
      expect(shop?.warnings).toContainEqual(
        expect.stringMatching(
          /^the deny policies on projects\/shop-prod could not be read, so access below it is shown as IAM grants it, before any deny: .*PERMISSION_DENIED/,
        ),
      );
      expect(snapshot.systems.flatMap((x) => x.gaps).map((g) => g.kind)).not.toContain('gcp.deny-policies');
    });

    it('gives the same grants under throttling and 5xx answers', async () => {
      const base = await scan(withDenies());
      const faulty = await scan(withDenies(), {
        faults: {
          seed: 9,
          rate: 0.5,
          kinds: ['rate-limit', 'server-error'],
          operations: ['iam.policies.listPolicies', 'iam.policies.get'],
        },
      });
      expect(inventory(faulty.snapshot)).toEqual(inventory(base.snapshot));
      // Never vacuous: deny reads did fail, and were retried into the same grants.
      const faulted = faulty.emulator.requests.filter((r) => r.operation.startsWith('iam.policies.') && r.fault);
      expect(faulted.length).toBeGreaterThan(0);
    });

    it('fails the read, not only warns, when a deny policy answer is not JSON', async () => {
      const { snapshot } = await scan(withDenies(), {
        faults: { seed: 1, rate: 1, kinds: ['malformed'], operations: ['iam.policies.listPolicies'], persistent: true },
      });
      const failed = snapshot.systems.filter((x) => !x.ok);
      expect(failed.length).toBeGreaterThan(0);
      for (const x of failed) expect(x.error).toMatch(/iam\.policies\.listPolicies/);
      // Not passed off as a refusal: no target says its grants stand before any deny.
      expect(snapshot.systems.flatMap((x) => x.warnings).join('\n')).not.toMatch(/before any deny/);
    });
  });

  describe('acting as a service account (impersonation)', () => {
    const TOKEN = 'roles/iam.serviceAccountTokenCreator';
    const DEPLOYER = 'serviceAccount:deployer@shop-prod.iam.gserviceaccount.com';
    const ETL = 'serviceAccount:etl@analytics.iam.gserviceaccount.com';
    const withActing = (more: (s: GcpScenario) => void = () => {}) =>
      scenario((s) => {
        const shop = s.projects.find((p) => p.projectId === 'shop-prod')!;
        const analytics = s.projects.find((p) => p.projectId === 'analytics')!;
        // deployer is owner of production and of the data project; only its own policy names Nia.
        shop.serviceAccounts.push(
          ScenarioServiceAccountSchema.parse({
            email: 'deployer@shop-prod.iam.gserviceaccount.com',
            bindings: [{ role: TOKEN, members: ['user:nia@pixelwork.example'] }],
          }),
        );
        shop.bindings.push({ role: 'roles/owner', members: [DEPLOYER] });
        analytics.bindings.push({ role: 'roles/owner', members: [DEPLOYER] });
        // etl reads the finance data; Omar may act as every account of analytics (its project's binding).
        analytics.serviceAccounts.push(
          ScenarioServiceAccountSchema.parse({
            email: 'etl@analytics.iam.gserviceaccount.com',
          }),
        );
        analytics.bindings.push(
          { role: 'roles/bigquery.dataViewer', members: [ETL] },
          { role: 'roles/iam.serviceAccountUser', members: ['user:omar@agency.example'] },
        );
        more(s);
      });
    const acting = (snapshot: Snapshot, account: string) =>
      snapshot.grants
        .filter((g) => g.account === account && g.via === 'role')
        .map((g) => [g.resource, g.permission, g.viaName, g.lanes, g.level]);

    it("gives whoever can act as a service account the account's grants, classed as its own, at page size 1", async () => {
      const one = await scan(withActing(), { pageSize: 1 });
      const hundred = await scan(withActing());
      expect(inventory(one.snapshot)).toEqual(inventory(hundred.snapshot));
      const { snapshot } = one;
      expect(acting(snapshot, 'user:nia@pixelwork.example')).toEqual([
        ['projects/analytics', 'roles/owner', DEPLOYER, ['data'], 'admin'],
        ['projects/shop-prod', 'roles/owner', DEPLOYER, ['data', 'production'], 'admin'],
      ]);
      const nia = snapshot.grants.find((g) => g.account === 'user:nia@pixelwork.example' && g.via === 'role')!;
      expect(nia.evidence?.[0]).toBe(
        `user:nia@pixelwork.example can act as ${DEPLOYER} (${TOKEN} on projects/shop-prod/serviceAccounts/deployer@shop-prod.iam.gserviceaccount.com): ${DEPLOYER} holds roles/owner on projects/analytics`,
      );
      // The binding in the account's own policy is a grant of its own, on the account.
      expect(
        snapshot.grants
          .filter((g) => g.account === 'user:nia@pixelwork.example' && g.via === 'direct')
          .map((g) => [g.resource, g.permission, g.lanes, g.level]),
      ).toEqual([
        [
          'projects/shop-prod/serviceAccounts/deployer@shop-prod.iam.gserviceaccount.com',
          TOKEN,
          ['production'],
          'admin',
        ],
      ]);
      expect(remediation.revokeGrant(nia).commands).toEqual([
        'gcloud iam service-accounts remove-iam-policy-binding deployer@shop-prod.iam.gserviceaccount.com --project=shop-prod --member=user:nia@pixelwork.example --role=roles/iam.serviceAccountTokenCreator --all',
      ]);
      // A project's binding reaches every account of that project, and no other project's.
      expect(acting(snapshot, 'user:omar@agency.example')).toEqual([
        ['projects/analytics', 'roles/bigquery.dataViewer', ETL, ['data'], 'read'],
      ]);
      const omar = snapshot.grants.find((g) => g.account === 'user:omar@agency.example' && g.via === 'role')!;
      expect(remediation.revokeGrant(omar).commands).toEqual([
        'gcloud projects remove-iam-policy-binding analytics --member=user:omar@agency.example --role=roles/iam.serviceAccountUser --all',
      ]);
      // Each account's policy was read once, with a POST asking for version 3.
      const reads = one.emulator.requests.filter((r) => r.operation === 'iam.projects.serviceAccounts.getIamPolicy');
      expect(reads.map((r) => r.method)).toEqual(reads.map(() => 'POST'));
      expect(reads).toHaveLength(4);
    });

    it('gives the same grants when the policy reads are throttled, fail with 5xx or drop', async () => {
      const base = await scan(withActing());
      const faulty = await scan(
        withActing(),
        {
          pageSize: 1,
          faults: {
            seed: 4,
            rate: 0.6,
            kinds: ['rate-limit', 'unavailable', 'server-error', 'reset'],
            operations: ['iam.projects.serviceAccounts.getIamPolicy'],
          },
        },
        { concurrency: 1 },
      );
      expect(inventory(faulty.snapshot)).toEqual(inventory(base.snapshot));
      const faulted = faulty.emulator.requests.filter(
        (r) => r.operation === 'iam.projects.serviceAccounts.getIamPolicy' && r.fault !== undefined,
      );
      // Never vacuous: reads of the accounts' policies were refused, and read again.
      expect(faulted.length).toBeGreaterThan(0);
    });

    it("names the gap when an account's policy may not be read, and still follows the project's bindings", async () => {
      const { snapshot } = await scan(
        withActing((s) => {
          for (const p of s.projects) for (const a of p.serviceAccounts) a.policyDenied = true;
        }),
      );
      const gaps = (target: string) => snapshot.systems.find((x) => x.target === target)?.gaps ?? [];
      expect(gaps('projects/shop-prod')).toEqual([
        {
          kind: 'gcp.service-account-policies',
          detail: expect.stringMatching(
            /^the IAM policy of 3 service accounts in projects\/shop-prod could not be read, so who can act as them .*PERMISSION_DENIED \(HTTP 403\).*iam\.serviceAccounts\.getIamPolicy/,
          ),
          count: 3,
        },
      ]);
      expect(gaps('projects/analytics').map((g) => [g.kind, g.count])).toEqual([['gcp.service-account-policies', 1]]);
      expect(snapshot.systems.every((x) => x.ok)).toBe(true);
      expect(acting(snapshot, 'user:nia@pixelwork.example')).toEqual([]);
      expect(acting(snapshot, 'user:omar@agency.example')).toHaveLength(1);
    });

    it('fails the project when an account policy read fails for good', async () => {
      const { snapshot } = await scan(
        withActing(),
        {
          faults: {
            seed: 3,
            rate: 1,
            kinds: ['server-error'],
            operations: ['iam.projects.serviceAccounts.getIamPolicy'],
            persistent: true,
          },
        },
        { retry: { attempts: 2, baseDelayMs: 1 } },
      );
      const shop = snapshot.systems.find((x) => x.target === 'projects/shop-prod');
      expect(shop).toMatchObject({
        ok: false,
        error: expect.stringMatching(/iam\.projects\.serviceAccounts\.getIamPolicy .*gave up after 2 attempts/),
      });
    });
  });

  it('gives the same inventory at page size 1', async () => {
    const base = await scan(scenario());
    const paged = await scan(scenario(), { pageSize: 1 });
    expect(inventory(paged.snapshot)).toEqual(inventory(base.snapshot));
    const searches = paged.emulator.requests.filter((r) => r.operation === 'cloudresourcemanager.projects.search');
    // Four active projects, one per page; the one being deleted is not asked for.
    expect(searches.length).toBe(4);
  });

  it('gives the same inventory under 429 RESOURCE_EXHAUSTED and 503 UNAVAILABLE answers', async () => {
    const base = await scan(scenario());
    const faulty = await scan(scenario(), {
      pageSize: 2,
      faults: { seed: 11, rate: 0.4, kinds: ['rate-limit', 'unavailable'] },
    });
    expect(inventory(faulty.snapshot)).toEqual(inventory(base.snapshot));
    const statuses = new Set(faulty.emulator.requests.map((r) => r.status));
    expect(statuses).toContain(429);
    expect(statuses).toContain(503);
    // Every attempt is counted, so the faulty run made more calls.
    const calls = (s: Snapshot) => s.systems.reduce((n, x) => n + x.calls, 0);
    expect(calls(faulty.snapshot)).toBe(faulty.emulator.requests.length);
    expect(calls(faulty.snapshot)).toBeGreaterThan(calls(base.snapshot));
  });

  it('gives the same inventory when connections drop or the server errs', async () => {
    const base = await scan(scenario());
    const faulty = await scan(scenario(), { faults: { seed: 5, rate: 0.3, kinds: ['reset', 'server-error'] } });
    expect(inventory(faulty.snapshot)).toEqual(inventory(base.snapshot));
    expect(faulty.emulator.requests.some((r) => r.fault === 'reset')).toBe(true);
  });

  it('gives up after the configured attempts and fails only what it could not read', async () => {
    const { snapshot } = await scan(
      scenario(),
      {
        faults: { seed: 2, rate: 1, kinds: ['rate-limit'], operations: ['cloudresourcemanager.projects.getIamPolicy'] },
      },
      { retry: { attempts: 1, baseDelayMs: 1 } },
    );
    const failed = snapshot.systems.filter((s) => !s.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const s of failed) {
      expect(s.target).toMatch(/^projects\//);
      expect(s.error).toMatch(/RESOURCE_EXHAUSTED \(HTTP 429\).*\(gave up after 1 attempt\)$/);
    }
    expect(snapshot.systems.find((s) => s.target === 'organizations/1000')?.ok).toBe(true);
  });

  it('fails a project it may not read, scans the others, and makes the scan incomplete (exit 3)', async () => {
    const { snapshot } = await scan(
      scenario((s) => {
        const p = s.projects.find((x) => x.projectId === 'analytics');
        if (p) p.denied = true;
      }),
    );
    const analytics = snapshot.systems.find((s) => s.target === 'projects/analytics');
    expect(analytics).toMatchObject({ ok: false });
    expect(analytics?.error).toMatch(/PERMISSION_DENIED/);
    expect(analytics?.error).toMatch(/HTTP 403/);
    expect(snapshot.systems.filter((s) => s.ok).map((s) => s.target)).toEqual([
      'organizations/1000',
      'projects/billing-core',
      'projects/payments-api',
      'projects/shop-prod',
    ]);
    expect(snapshot.grants.some((g) => g.resource === 'projects/analytics')).toBe(false);
    expect(snapshot.grants.some((g) => g.resource === 'projects/shop-prod')).toBe(true);
    expect(snapshot.accounts.map((a) => a.id)).not.toContain('user:fatima@ledgerwise.example');
    const complete = snapshot.systems.every((s) => s.ok);
    expect(gateExitCode({ findings: [], complete, failOn: 'none', allowPartial: false })).toBe(3);
  });

  it('fails every project below a folder whose policy it may not read, naming the folder', async () => {
    const { snapshot } = await scan(
      scenario((s) => {
        const f = s.folders.find((x) => x.id === '30');
        if (f) f.denied = true;
      }),
    );
    const payments = snapshot.systems.find((s) => s.target === 'projects/payments-api');
    expect(payments?.ok).toBe(false);
    expect(payments?.error).toContain('folders/30');
    expect(snapshot.systems.filter((s) => !s.ok).map((s) => s.target)).toEqual(['projects/payments-api']);
  });

  it('narrows the scope to folders or project globs', async () => {
    const byFolder = await scan(scenario(), {}, { folders: ['30'] });
    expect(byFolder.snapshot.systems.map((s) => s.target)).toEqual(['organizations/1000', 'projects/payments-api']);
    const byGlob = await scan(scenario(), {}, { projects: ['shop-*', 'billing-*'] });
    expect(byGlob.snapshot.systems.map((s) => s.target)).toEqual([
      'organizations/1000',
      'projects/billing-core',
      'projects/shop-prod',
    ]);
  });

  it('targets a project outside any organisation at itself', async () => {
    const s = GcpScenarioSchema.parse({
      projects: [
        {
          projectId: 'side-project',
          bindings: [{ role: 'roles/owner', members: ['user:founder@gmail.com'] }],
        },
      ],
    });
    const { snapshot } = await scan(s);
    expect(snapshot.systems.map((x) => [x.target, x.ok])).toEqual([['projects/side-project', true]]);
    expect(snapshot.accounts.map((a) => [a.target, a.id])).toEqual([
      ['projects/side-project', 'user:founder@gmail.com'],
    ]);
    expect(snapshot.grants[0]).toMatchObject({ target: 'projects/side-project', via: 'direct', lanes: ['code'] });
  });

  it('never writes the token into the inventory or an error', async () => {
    const { snapshot, emulator } = await scan(
      scenario((s) => {
        const p = s.projects.find((x) => x.projectId === 'analytics');
        if (p) p.denied = true;
      }),
    );
    expect(JSON.stringify(snapshot)).not.toContain(emulator.env[SANDBOX_TOKEN_ENV]);
  });

  it('fails the system as a whole when discovery is refused', async () => {
    const emulator = await gcpConnector.emulator.start(scenario(), { now });
    running.push(emulator);
    const config = gcpConnector.configSchema.parse({ ...emulator.config, accessToken: 'not-the-sandbox-token' });
    const snapshot = await collect([{ connector: gcpConnector, config }], { now, log: silentLogger });
    expect(snapshot.systems).toEqual([
      expect.objectContaining({ target: '*', ok: false, error: expect.stringMatching(/UNAUTHENTICATED|401/) }),
    ]);
  });

  it('tells the demo story', async () => {
    const text = await readFile(join(import.meta.dirname, '../../../examples/demo/gcp.scenario.json'), 'utf8');
    const demo = GcpScenarioSchema.parse(JSON.parse(resolveRelativeDates(text, now)));
    const demoConfig = JSON.parse(
      await readFile(join(import.meta.dirname, '../../../examples/demo/config.json'), 'utf8'),
    ) as { connectors: { gcp: Record<string, unknown> } };
    const { snapshot } = await scan(demo, {}, demoConfig.connectors.gcp);
    expect(snapshot.systems.every((s) => s.ok)).toBe(true);
    const line = (account: string, resource: string) =>
      snapshot.grants
        .filter((g) => g.account === account && g.resource === resource)
        .map((g) => [g.permission, g.via, g.viaName ?? null, g.lanes, g.level, g.expiresAt ?? null]);
    expect(line('user:sam@ortiz.dev', 'projects/northwind-shop-prod')).toEqual([
      ['roles/editor', 'inherited', 'folders/987654321098 (prod)', ['data', 'production'], 'write', null],
    ]);
    expect(line('user:sam@ortiz.dev', 'projects/northwind-analytics')).toEqual([
      ['roles/editor', 'inherited', 'folders/987654321098 (prod)', ['data'], 'write', null],
    ]);
    expect(line('user:fatima@ledgerwise.example', 'projects/northwind-analytics')).toEqual([
      ['roles/bigquery.dataViewer', 'direct', null, ['data'], 'read', '2026-10-05T12:00:00.000Z'],
    ]);
    expect(line('user:growthhacker.jake@gmail.com', 'projects/northwind-shop-prod')).toEqual([
      ['roles/editor', 'direct', null, ['data', 'production'], 'write', null],
    ]);
    const ci = 'serviceAccount:ci-deployer@northwind-shop-prod.iam.gserviceaccount.com';
    expect(line(ci, 'projects/northwind-shop-prod')).toEqual([
      ['roles/owner', 'direct', null, ['data', 'production'], 'admin', null],
    ]);
    expect(snapshot.credentials).toEqual([
      expect.objectContaining({ account: ci, kind: 'sa-key', active: true, createdAt: '2025-08-11T12:00:00.000Z' }),
    ]);
    // Pete's project role ended with its condition; what he still holds is the export bucket's own binding.
    expect(snapshot.grants.filter((g) => g.account.includes('pete@')).map((g) => g.resource)).toEqual([
      'projects/northwind-shop-prod/buckets/northwind-order-exports',
    ]);
  });
});
