// Acting as a service account: who can, through which bindings and paths, and what they then hold.
import { describe, expect, it } from 'vitest';
import { classifyGcpGrant } from '../../../connectors/gcp/classify.js';
import {
  actsAs,
  ImpersonationGraph,
  impersonationGrants,
  MAX_HOPS,
  type ServiceAccountNode,
} from '../../../connectors/gcp/impersonation.js';
import { type PolicyAtNode, projectAccess } from '../../../connectors/gcp/policies.js';
import { remediation } from '../../../connectors/gcp/remediation.js';
import type { Grant } from '../../../src/core/model.js';

const now = new Date('2026-09-15T12:00:00Z');
const lanes = { production: ['shop-prod'], data: ['analytics'], labels: {} };
const TOKEN = 'roles/iam.serviceAccountTokenCreator';
const sa = (name: string, project: string) => `serviceAccount:${name}@${project}.iam.gserviceaccount.com`;
const DEPLOYER = sa('deployer', 'shop-prod');
const ETL = sa('etl', 'analytics');

function node(member: string, disabled = false): ServiceAccountNode {
  const projectId = /@([^.]+)\./.exec(member)?.[1] ?? '';
  return { member, projectId, disabled };
}

function grant(account: string, resource: string, permission: string, extra: Partial<Grant> = {}): Grant {
  return {
    system: 'gcp',
    target: 'organizations/1',
    account,
    resource,
    permission,
    via: 'direct',
    lanes: [],
    level: 'read',
    evidence: [`${permission} granted to ${account} on ${resource}`],
    attributes: { grantedOn: resource, projectLabels: [], memberType: account.split(':')[0]! },
    ...extra,
  };
}

function mirror(grants: Grant[], accounts: ServiceAccountNode[], rolePermissions = new Map<string, string[]>()) {
  return impersonationGrants({ serviceAccounts: accounts, grants, rolePermissions });
}

const line = (g: Grant) => [g.account, g.resource, g.permission, g.via, g.viaName];

describe('acting as a service account', () => {
  it('gives a holder of TokenCreator on a project every grant of every account of that project, and none of another project', () => {
    const grants = [
      grant('user:nia@pixelwork.example', 'projects/shop-prod', TOKEN),
      grant(DEPLOYER, 'projects/shop-prod', 'roles/owner'),
      grant(DEPLOYER, 'projects/analytics', 'roles/bigquery.dataOwner'),
      grant(sa('runner', 'shop-prod'), 'projects/analytics/datasets/finance', 'roles/bigquery.dataViewer'),
      grant(ETL, 'projects/analytics', 'roles/bigquery.admin'),
    ];
    const out = mirror(
      grants,
      [DEPLOYER, sa('runner', 'shop-prod'), ETL].map((m) => node(m)),
    );
    expect(out.map(line)).toEqual([
      ['user:nia@pixelwork.example', 'projects/analytics', 'roles/bigquery.dataOwner', 'role', DEPLOYER],
      [
        'user:nia@pixelwork.example',
        'projects/analytics/datasets/finance',
        'roles/bigquery.dataViewer',
        'role',
        sa('runner', 'shop-prod'),
      ],
      ['user:nia@pixelwork.example', 'projects/shop-prod', 'roles/owner', 'role', DEPLOYER],
    ]);
    // The account of analytics is out of reach: nobody was let act as it.
    expect(out.some((g) => g.viaName === ETL)).toBe(false);
    expect(out[0]?.evidence?.[0]).toBe(
      `user:nia@pixelwork.example can act as ${DEPLOYER} (${TOKEN} on projects/shop-prod): ${DEPLOYER} holds roles/bigquery.dataOwner on projects/analytics`,
    );
    // Classed as the account's own grant: data admin on the data project, production admin on production.
    const classed = out.map((g) => [g.resource, classifyGcpGrant(g, { lanes })]);
    expect(classed).toEqual([
      ['projects/analytics', { lanes: ['data'], level: 'admin' }],
      ['projects/analytics/datasets/finance', { lanes: ['data'], level: 'read' }],
      ['projects/shop-prod', { lanes: ['production', 'data'].sort(), level: 'admin' }],
    ]);
  });

  it("reaches the one account whose own policy names the holder, and keeps the path's reason for its removal", () => {
    const grants = [
      grant('user:nia@pixelwork.example', `projects/shop-prod/serviceAccounts/${DEPLOYER.slice(15)}`, TOKEN),
      grant(DEPLOYER, 'projects/shop-prod', 'roles/owner'),
      grant(sa('runner', 'shop-prod'), 'projects/shop-prod', 'roles/editor'),
    ];
    const out = mirror(grants, [node(DEPLOYER), node(sa('runner', 'shop-prod'))]);
    expect(out.map(line)).toEqual([
      ['user:nia@pixelwork.example', 'projects/shop-prod', 'roles/owner', 'role', DEPLOYER],
    ]);
    const fix = remediation.revokeGrant(out[0]!);
    expect(fix.commands).toEqual([
      'gcloud iam service-accounts remove-iam-policy-binding deployer@shop-prod.iam.gserviceaccount.com --project=shop-prod --member=user:nia@pixelwork.example --role=roles/iam.serviceAccountTokenCreator --all',
    ]);
    expect(fix.steps[0]).toMatch(/by acting as serviceAccount:deployer@shop-prod\.iam\.gserviceaccount\.com/);
  });

  it('removes a project-level impersonation binding with gcloud projects, and an inherited one where it lives', () => {
    const out = mirror(
      [
        grant('user:nia@pixelwork.example', 'projects/shop-prod', 'roles/iam.serviceAccountUser'),
        grant('user:omar@agency.example', 'projects/shop-prod', 'roles/iam.workloadIdentityUser', {
          via: 'inherited',
          viaName: 'folders/20 (prod)',
          attributes: { grantedOn: 'folders/20', memberType: 'user' },
        }),
        grant(DEPLOYER, 'projects/shop-prod', 'roles/owner'),
      ],
      [node(DEPLOYER)],
    );
    const fix = (who: string) => remediation.revokeGrant(out.find((g) => g.account === who)!).commands;
    expect(fix('user:nia@pixelwork.example')).toEqual([
      'gcloud projects remove-iam-policy-binding shop-prod --member=user:nia@pixelwork.example --role=roles/iam.serviceAccountUser --all',
    ]);
    expect(fix('user:omar@agency.example')).toEqual([
      'gcloud resource-manager folders remove-iam-policy-binding 20 --member=user:omar@agency.example --role=roles/iam.workloadIdentityUser --all',
    ]);
  });

  it('follows chains through accounts that can act as others, each step in the evidence', () => {
    const grants = [
      grant('user:nia@pixelwork.example', 'projects/staging-app', TOKEN),
      grant(
        sa('ci', 'staging-app'),
        'projects/shop-prod/serviceAccounts/deployer@shop-prod.iam.gserviceaccount.com',
        TOKEN,
      ),
      grant(DEPLOYER, 'projects/shop-prod', 'roles/owner'),
    ];
    const out = mirror(grants, [node(sa('ci', 'staging-app')), node(DEPLOYER)]);
    const nia = out.filter((g) => g.account === 'user:nia@pixelwork.example');
    expect(nia.map(line)).toEqual([
      // What ci holds (acting as deployer) is ci's grant too.
      ['user:nia@pixelwork.example', 'projects/shop-prod', 'roles/owner', 'role', DEPLOYER],
      [
        'user:nia@pixelwork.example',
        'projects/shop-prod/serviceAccounts/deployer@shop-prod.iam.gserviceaccount.com',
        TOKEN,
        'role',
        sa('ci', 'staging-app'),
      ],
    ]);
    expect(nia[0]?.evidence?.[0]).toBe(
      `user:nia@pixelwork.example can act as ${sa('ci', 'staging-app')} (${TOKEN} on projects/staging-app), which can act as ${DEPLOYER} (${TOKEN} on projects/shop-prod/serviceAccounts/deployer@shop-prod.iam.gserviceaccount.com): ${DEPLOYER} holds roles/owner on projects/shop-prod`,
    );
    expect(nia[0]?.attributes?.actsAs).toEqual([sa('ci', 'staging-app'), DEPLOYER]);
    // The fix cuts the first step: Nia's binding on staging-app, not ci's on deployer.
    expect(remediation.revokeGrant(nia[0]!).commands).toEqual([
      'gcloud projects remove-iam-policy-binding staging-app --member=user:nia@pixelwork.example --role=roles/iam.serviceAccountTokenCreator --all',
    ]);
    // ci itself holds deployer's owner role.
    expect(out.filter((g) => g.account === sa('ci', 'staging-app')).map(line)).toEqual([
      [sa('ci', 'staging-app'), 'projects/shop-prod', 'roles/owner', 'role', DEPLOYER],
    ]);
  });

  it('stops at a cycle: each account once per holder, never its own grants back', () => {
    const a = sa('a', 'shop-prod');
    const b = sa('b', 'analytics');
    const grants = [
      grant('user:nia@pixelwork.example', `projects/shop-prod/serviceAccounts/${a.slice(15)}`, TOKEN),
      grant(a, `projects/analytics/serviceAccounts/${b.slice(15)}`, TOKEN),
      grant(b, `projects/shop-prod/serviceAccounts/${a.slice(15)}`, TOKEN),
      grant(a, 'projects/shop-prod', 'roles/run.admin'),
      grant(b, 'projects/analytics', 'roles/bigquery.dataViewer'),
    ];
    const graph = new ImpersonationGraph({
      serviceAccounts: [node(a), node(b)],
      grants,
      rolePermissions: new Map(),
    });
    expect(graph.reachFrom('user:nia@pixelwork.example').map((r) => r.serviceAccount)).toEqual([a, b]);
    expect(graph.reachFrom(a).map((r) => r.serviceAccount)).toEqual([b]);
    const out = mirror(grants, [node(a), node(b)]);
    expect(out.filter((g) => g.account === a).every((g) => g.viaName === b)).toBe(true);
    const nia = out.filter((g) => g.account === 'user:nia@pixelwork.example');
    const keys = nia.map((g) => JSON.stringify(line(g)));
    expect(new Set(keys).size).toBe(keys.length);
    expect(nia.map((g) => g.permission).sort()).toEqual(['roles/bigquery.dataViewer', TOKEN, TOKEN, 'roles/run.admin']);
  });

  it(`goes no further than ${MAX_HOPS} accounts along a path`, () => {
    const chain = ['s1', 's2', 's3', 's4', 's5'].map((n) => sa(n, 'shop-prod'));
    const grants = [
      grant('user:nia@pixelwork.example', `projects/shop-prod/serviceAccounts/${chain[0]!.slice(15)}`, TOKEN),
      ...chain
        .slice(1)
        .map((next, i) => grant(chain[i]!, `projects/shop-prod/serviceAccounts/${next.slice(15)}`, TOKEN)),
    ];
    const graph = new ImpersonationGraph({
      serviceAccounts: chain.map((m) => node(m)),
      grants,
      rolePermissions: new Map(),
    });
    const reach = graph.reachFrom('user:nia@pixelwork.example');
    expect(reach.map((r) => r.serviceAccount)).toEqual(chain.slice(0, MAX_HOPS));
    expect(reach.at(-1)?.path).toHaveLength(MAX_HOPS);
  });

  it('lasts until the earliest end along the path: the binding, then the account’s own grant', () => {
    const grants = [
      grant('user:nia@pixelwork.example', 'projects/shop-prod', TOKEN, { expiresAt: '2026-10-01T00:00:00.000Z' }),
      grant(DEPLOYER, 'projects/shop-prod', 'roles/owner'),
      grant(DEPLOYER, 'projects/analytics', 'roles/bigquery.dataViewer', { expiresAt: '2026-09-20T00:00:00.000Z' }),
      // Two ways in, one without an end: the hop does not end.
      grant('user:omar@agency.example', 'projects/shop-prod', TOKEN, { expiresAt: '2026-10-01T00:00:00.000Z' }),
      grant(
        'user:omar@agency.example',
        `projects/shop-prod/serviceAccounts/${DEPLOYER.slice(15)}`,
        'roles/iam.serviceAccountUser',
      ),
    ];
    const out = mirror(grants, [node(DEPLOYER)]);
    const ends = out.map((g) => [g.account, g.resource, g.expiresAt ?? null]);
    expect(ends).toEqual([
      ['user:nia@pixelwork.example', 'projects/analytics', '2026-09-20T00:00:00.000Z'],
      ['user:nia@pixelwork.example', 'projects/shop-prod', '2026-10-01T00:00:00.000Z'],
      ['user:omar@agency.example', 'projects/analytics', '2026-09-20T00:00:00.000Z'],
      ['user:omar@agency.example', 'projects/shop-prod', null],
    ]);
    // Both of Omar's bindings are named, and both removed.
    const omar = out.find((g) => g.account === 'user:omar@agency.example' && !g.expiresAt)!;
    expect(omar.evidence?.[0]).toMatch(
      /\(roles\/iam\.serviceAccountTokenCreator on projects\/shop-prod, until 2026-10-01T00:00:00\.000Z; roles\/iam\.serviceAccountUser on projects\/shop-prod\/serviceAccounts\//,
    );
    expect(remediation.revokeGrant(omar).commands).toHaveLength(2);
  });

  it('decides conditions and expands groups as for any binding (through projectAccess)', () => {
    const own: PolicyAtNode = {
      name: 'projects/shop-prod',
      label: 'projects/shop-prod',
      bindings: [
        { role: 'roles/owner', members: [DEPLOYER] },
        { role: TOKEN, members: ['group:ops@northwind.example'] },
        {
          role: TOKEN,
          members: ['user:pete@lindqvist.example'],
          condition: { title: 'Ended', expression: 'request.time < timestamp("2026-07-01T00:00:00Z")' },
        },
      ],
    };
    const accountPolicy: PolicyAtNode = {
      name: `projects/shop-prod/serviceAccounts/${DEPLOYER.slice(15)}`,
      label: `projects/shop-prod/serviceAccounts/${DEPLOYER.slice(15)}`,
      bindings: [
        {
          role: 'roles/iam.serviceAccountUser',
          members: ['user:fatima@ledgerwise.example'],
          condition: { title: 'FIN-8', expression: "request.time < timestamp('2026-10-05T00:00:00Z')" },
        },
      ],
    };
    const access = projectAccess({
      projectId: 'shop-prod',
      labels: [],
      policies: [own],
      serviceAccountPolicies: [accountPolicy],
      target: 'organizations/1',
      now,
      userManagedKeys: new Map(),
      groupMembers: new Map([
        ['group:ops@northwind.example', [{ member: 'user:nia@pixelwork.example', membership: 'direct' as const }]],
      ]),
    });
    const out = mirror(access.grants, [node(DEPLOYER)]);
    expect(out.map((g) => [g.account, g.permission, g.expiresAt ?? null])).toEqual([
      ['user:fatima@ledgerwise.example', 'roles/owner', '2026-10-05T00:00:00.000Z'],
      ['user:nia@pixelwork.example', 'roles/owner', null],
    ]);
    // Pete's condition ended: he acts as nobody. Nia's fix is leaving the group.
    const nia = out.find((g) => g.account === 'user:nia@pixelwork.example')!;
    expect(nia.evidence?.[0]).toContain(`(${TOKEN} on projects/shop-prod through group:ops@northwind.example)`);
    expect(remediation.revokeGrant(nia).commands).toEqual([
      'gcloud identity groups memberships delete --group-email=ops@northwind.example --member-email=nia@pixelwork.example',
    ]);
    // The account-level binding itself is a grant on the account, removed from its own policy.
    const own2 = access.grants.find((g) => g.account === 'user:fatima@ledgerwise.example')!;
    expect(own2.resource).toBe(`projects/shop-prod/serviceAccounts/${DEPLOYER.slice(15)}`);
    expect(remediation.revokeGrant(own2).commands[0]).toMatch(
      /^gcloud iam service-accounts remove-iam-policy-binding deployer@shop-prod\.iam\.gserviceaccount\.com --project=shop-prod .*--condition=/,
    );
  });

  it('counts custom roles by their permissions, not basic roles or other roles of the table, and skips disabled accounts', () => {
    const perms = new Map([
      ['organizations/1/roles/signer', ['iam.serviceAccounts.signJwt']],
      ['organizations/1/roles/lister', ['iam.serviceAccounts.list']],
    ]);
    expect(actsAs('organizations/1/roles/signer', perms)).toBe(true);
    expect(actsAs('organizations/1/roles/lister', perms)).toBe(false);
    expect(actsAs('roles/iam.workloadIdentityUser', perms)).toBe(true);
    // Even when IAM listed its permissions (a deny made the scan read every role): the table decides.
    expect(actsAs('roles/editor', new Map([['roles/editor', ['iam.serviceAccounts.actAs']]]))).toBe(false);
    const idle = sa('idle', 'shop-prod');
    const out = mirror(
      [
        grant('user:nia@pixelwork.example', 'projects/shop-prod', 'organizations/1/roles/signer'),
        grant('user:omar@agency.example', 'projects/shop-prod', 'organizations/1/roles/lister'),
        grant(DEPLOYER, 'projects/shop-prod', 'roles/owner'),
        grant(idle, 'projects/shop-prod', 'roles/owner'),
      ],
      [node(DEPLOYER), node(idle, true)],
      perms,
    );
    expect(out.map(line)).toEqual([
      ['user:nia@pixelwork.example', 'projects/shop-prod', 'roles/owner', 'role', DEPLOYER],
    ]);
  });
});
