import { describe, expect, it } from 'vitest';
import { classifyRole } from '../../../connectors/gcp/classify.js';
import { basicRoleHolders, resolveConveniences } from '../../../connectors/gcp/convenience.js';
import { bucketPolicy, datasetPolicy } from '../../../connectors/gcp/data-resources.js';
import type { PolicyAtNode } from '../../../connectors/gcp/policies.js';

const now = new Date('2026-09-15T12:00:00Z');

const project: PolicyAtNode = {
  name: 'projects/shop',
  label: 'projects/shop',
  bindings: [
    {
      role: 'roles/viewer',
      members: ['user:vic@v.example', 'group:agency@a.example', 'deleted:user:old@x.example?uid=1'],
    },
    {
      role: 'roles/viewer',
      members: ['user:ended@x.example'],
      condition: { expression: 'request.time < timestamp("2026-01-01T00:00:00Z")' },
    },
    { role: 'roles/editor', members: ['user:ed@x.example'] },
    { role: 'roles/storage.admin', members: ['user:not-basic@x.example'] },
  ],
};
const folder: PolicyAtNode = {
  name: 'folders/1',
  label: 'folders/1 (prod)',
  bindings: [{ role: 'roles/viewer', members: ['user:vic@v.example', 'user:fold@x.example'] }],
};
const groups = new Map([
  [
    'group:agency@a.example',
    [
      { member: 'user:ann@a.example', membership: 'direct' as const },
      { member: 'user:bo@a.example', membership: 'nested' as const },
    ],
  ],
]);

describe('who a convenience member stands for', () => {
  it("is the holders of the project's basic role: its own, inherited, through groups; live and not deleted", () => {
    const holders = basicRoleHolders([project, folder], now, groups);
    expect(holders.get('projectViewer')).toEqual([
      { member: 'user:vic@v.example', grantedOn: 'projects/shop' },
      {
        member: 'user:ann@a.example',
        grantedOn: 'projects/shop',
        group: 'group:agency@a.example',
        membership: 'direct',
      },
      {
        member: 'user:bo@a.example',
        grantedOn: 'projects/shop',
        group: 'group:agency@a.example',
        membership: 'nested',
      },
      { member: 'user:fold@x.example', grantedOn: 'folders/1 (prod), inherited by projects/shop' },
    ]);
    expect(holders.get('projectEditor')).toEqual([{ member: 'user:ed@x.example', grantedOn: 'projects/shop' }]);
    expect(holders.get('projectOwner')).toEqual([]);
  });
});

describe("a bucket's or dataset's convenience members", () => {
  const holders = basicRoleHolders([project], now, groups);
  const holdersOf = (id: string) => (id === 'shop' || id === 'other' ? holders : undefined);

  it('leaves the defaults to the basic roles, noting where viewers read data', () => {
    const bucket = bucketPolicy('shop', 'b', {
      bindings: [
        { role: 'roles/storage.legacyBucketOwner', members: ['projectEditor:shop', 'projectOwner:shop'] },
        { role: 'roles/storage.legacyBucketReader', members: ['projectViewer:shop'] },
      ],
    });
    // Listing shows object names; reading objects is what reads data.
    const readable = bucketPolicy('shop', 'r', {
      bindings: [{ role: 'roles/storage.legacyObjectReader', members: ['projectViewer:shop'] }],
    });
    const dataset = datasetPolicy('shop', 'd', [
      { role: 'READER', specialGroup: 'projectReaders' },
      { role: 'WRITER', specialGroup: 'projectWriters' },
      { role: 'OWNER', specialGroup: 'projectOwners' },
    ]);
    const resolved = resolveConveniences('shop', [bucket, readable, dataset], holdersOf);
    expect(resolved.resources.map((r) => r.bindings)).toEqual([[], [], []]);
    expect(resolved.holders.size).toBe(0);
    expect(resolved.viewerReadsData).toEqual(['projects/shop/buckets/r', 'projects/shop/datasets/d']);
  });

  it('expands another project, more than reading, or a role the table does not know; keeps what it cannot', () => {
    const bucket = bucketPolicy('shop', 'b', {
      bindings: [
        { role: 'roles/storage.objectViewer', members: ['projectViewer:other', 'user:x@x.example'] },
        { role: 'roles/storage.objectAdmin', members: ['projectViewer:shop'] },
        { role: 'projects/shop/roles/custom', members: ['projectEditor:shop'] },
        { role: 'roles/storage.objectViewer', members: ['projectOwner:unread'] },
      ],
    });
    const resolved = resolveConveniences('shop', [bucket], holdersOf);
    expect(resolved.resources[0]!.bindings).toEqual([
      { role: 'roles/storage.objectViewer', members: ['projectViewer:other', 'user:x@x.example'] },
      { role: 'roles/storage.objectAdmin', members: ['projectViewer:shop'] },
      { role: 'projects/shop/roles/custom', members: ['projectEditor:shop'] },
      // A project not read: the member stays, an account of its own nobody is linked to.
      { role: 'roles/storage.objectViewer', members: ['projectOwner:unread'] },
    ]);
    expect([...resolved.holders.keys()]).toEqual(['projectViewer:other', 'projectViewer:shop', 'projectEditor:shop']);
    expect(resolved.viewerReadsData).toEqual([]);
  });
});

describe('a viewer that reads data', () => {
  it("is classed as the project's basic roles are, at reading", () => {
    const reads = { viewerReadsData: 2 };
    expect(classifyRole('roles/viewer', 'production', reads)).toEqual({ lanes: ['data', 'production'], level: 'read' });
    expect(classifyRole('roles/viewer', 'production')).toEqual({ lanes: ['production'], level: 'read' });
    expect(classifyRole('roles/viewer', 'staging', reads)).toEqual({ lanes: ['code'], level: 'read' });
    expect(classifyRole('roles/viewer', 'data', reads)).toEqual({ lanes: ['data'], level: 'read' });
  });
});
