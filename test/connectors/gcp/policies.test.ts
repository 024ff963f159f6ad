import { describe, expect, it } from 'vitest';
import { classifyGcpGrant } from '../../../connectors/gcp/classify.js';
import { type PolicyAtNode, projectAccess } from '../../../connectors/gcp/policies.js';

const now = new Date('2026-09-15T12:00:00Z');
const lanes = { production: ['shop-prod'], data: ['analytics'], labels: {} };

/** Access of one project, classified as the pipeline does when collect() receives each grant. */
function access(projectId: string, policies: PolicyAtNode[], keys = new Map<string, number>()) {
  const result = projectAccess({
    projectId,
    labels: [],
    policies,
    target: 'organizations/1',
    now,
    userManagedKeys: keys,
  });
  return { ...result, grants: result.grants.map((g) => ({ ...g, ...classifyGcpGrant(g, { lanes }) })) };
}

const org: PolicyAtNode = {
  name: 'organizations/1',
  label: 'organizations/1 (northwind.example)',
  bindings: [{ role: 'roles/owner', members: ['user:dana@northwind.example'] }],
};
const prodFolder: PolicyAtNode = {
  name: 'folders/20',
  label: 'folders/20 (prod)',
  bindings: [{ role: 'roles/editor', members: ['user:sam@ortiz.dev'] }],
};
const teamFolder: PolicyAtNode = {
  name: 'folders/30',
  label: 'folders/30 (payments)',
  bindings: [{ role: 'roles/run.admin', members: ['group:payments@northwind.example'] }],
};

describe('projectAccess', () => {
  it('gives each project the bindings of every folder and the organisation above it, saying where they were granted', () => {
    const own: PolicyAtNode = { name: 'projects/shop-prod', label: 'projects/shop-prod', bindings: [] };
    const result = access('shop-prod', [own, teamFolder, prodFolder, org]);
    const summary = result.grants.map((g) => [g.account, g.permission, g.via, g.viaName, g.lanes, g.level]);
    expect(summary).toEqual([
      [
        'group:payments@northwind.example',
        'roles/run.admin',
        'inherited',
        'folders/30 (payments)',
        ['production'],
        'admin',
      ],
      [
        'user:dana@northwind.example',
        'roles/owner',
        'inherited',
        'organizations/1 (northwind.example)',
        ['data', 'production'],
        'admin',
      ],
      ['user:sam@ortiz.dev', 'roles/editor', 'inherited', 'folders/20 (prod)', ['data', 'production'], 'write'],
    ]);
    const sam = result.grants.find((g) => g.account === 'user:sam@ortiz.dev');
    expect(sam?.resource).toBe('projects/shop-prod');
    expect(sam?.evidence?.[0]).toBe(
      'roles/editor granted to user:sam@ortiz.dev on folders/20 (prod), inherited by projects/shop-prod',
    );
    expect(sam?.attributes?.grantedOn).toBe('folders/20');
  });

  it('the same folder binding lands on every project below it, classed by each project', () => {
    const shop = access('shop-prod', [
      { name: 'projects/shop-prod', label: 'projects/shop-prod', bindings: [] },
      prodFolder,
    ]);
    const analytics = access('analytics', [
      { name: 'projects/analytics', label: 'projects/analytics', bindings: [] },
      prodFolder,
    ]);
    expect(shop.grants.map((g) => [g.resource, g.lanes])).toEqual([['projects/shop-prod', ['data', 'production']]]);
    expect(analytics.grants.map((g) => [g.resource, g.lanes])).toEqual([['projects/analytics', ['data']]]);
  });

  it('keeps a direct and an inherited grant of the same role apart', () => {
    const own: PolicyAtNode = {
      name: 'projects/shop-prod',
      label: 'projects/shop-prod',
      bindings: [{ role: 'roles/editor', members: ['user:sam@ortiz.dev'] }],
    };
    const result = access('shop-prod', [own, prodFolder]);
    expect(result.grants.map((g) => [g.via, g.viaName ?? null])).toEqual([
      ['direct', null],
      ['inherited', 'folders/20 (prod)'],
    ]);
  });

  it('drops bindings whose condition has ended, and dates the live ones', () => {
    const own: PolicyAtNode = {
      name: 'projects/shop-prod',
      label: 'projects/shop-prod',
      bindings: [
        {
          role: 'roles/cloudsql.admin',
          members: ['user:pete@lindqvist.example'],
          condition: { title: 'Migration', expression: 'request.time < timestamp("2026-07-01T00:00:00Z")' },
        },
        {
          role: 'roles/bigquery.dataViewer',
          members: ['user:fatima@ledgerwise.example'],
          condition: { title: 'FIN-8', expression: "request.time < timestamp('2026-10-05T00:00:00Z')" },
        },
        {
          role: 'roles/storage.objectViewer',
          members: ['user:jun@parkanalytics.example'],
          condition: { title: 'Exports', expression: 'resource.name.startsWith("projects/_/buckets/exports")' },
        },
      ],
    };
    const result = access('shop-prod', [own]);
    expect(result.grants.map((g) => g.account)).toEqual([
      'user:fatima@ledgerwise.example',
      'user:jun@parkanalytics.example',
    ]);
    expect(result.members.map((m) => m.id)).not.toContain('user:pete@lindqvist.example');
    const [fatima, jun] = result.grants;
    expect(fatima?.expiresAt).toBe('2026-10-05T00:00:00.000Z');
    expect(fatima?.evidence?.[1]).toContain('condition "FIN-8"');
    expect(fatima?.attributes?.conditionState).toBe('live');
    expect(jun?.expiresAt).toBeUndefined();
    expect(jun?.attributes?.conditionState).toBe('undecided');
    expect(jun?.evidence?.[1]).toMatch(/treated as live/);
  });

  it('marks grants of service accounts that have active user-managed keys', () => {
    const own: PolicyAtNode = {
      name: 'projects/shop-prod',
      label: 'projects/shop-prod',
      bindings: [
        { role: 'roles/owner', members: ['serviceAccount:ci@shop-prod.iam.gserviceaccount.com'] },
        { role: 'roles/viewer', members: ['serviceAccount:keyless@shop-prod.iam.gserviceaccount.com'] },
      ],
    };
    const keys = new Map([
      ['serviceAccount:ci@shop-prod.iam.gserviceaccount.com', 2],
      ['serviceAccount:keyless@shop-prod.iam.gserviceaccount.com', 0],
    ]);
    const [ci, keyless] = access('shop-prod', [own], keys).grants;
    expect(ci?.attributes?.userManagedKeys).toBe(2);
    expect(ci?.evidence?.at(-1)).toContain('anyone holding the key file holds roles/owner');
    expect(keyless?.attributes?.userManagedKeys).toBeUndefined();
  });

  it('keeps deleted members as accounts without grants, with the roles still bound to them', () => {
    const own: PolicyAtNode = {
      name: 'projects/shop-prod',
      label: 'projects/shop-prod',
      bindings: [{ role: 'roles/editor', members: ['deleted:user:old@northwind.example?uid=99', 'allUsers'] }],
    };
    const result = access('shop-prod', [own]);
    expect(result.grants.map((g) => g.account)).toEqual(['allUsers']);
    expect(result.members.map((m) => [m.id, m.status])).toEqual([
      ['allUsers', 'active'],
      ['deleted:user:old@northwind.example?uid=99', 'deleted'],
    ]);
    expect(result.deletedBindings.get('deleted:user:old@northwind.example?uid=99')).toEqual([
      'roles/editor on projects/shop-prod',
    ]);
  });
});
