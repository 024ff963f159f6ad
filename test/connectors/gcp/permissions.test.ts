// Roles judged by their permissions: every predefined role the role table classifies comes out
// the same from its published permission list, and custom roles are judged by what they allow,
// never by their names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyPermissions } from '../../../connectors/gcp/permissions.js';
import { ROLE_TABLE, type RoleEntry } from '../../../connectors/gcp/roles.js';

/** Google's predefined role definitions (see the file's "source"): data, not code. */
const PUBLISHED = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/gcp/predefined-role-permissions.json'), 'utf8'),
) as { source: string; roles: Record<string, string[]> };

// Basic roles reach "the project", whatever lane the project is in: their lanes come from the
// project, not from a permission list, so they are the one thing the table must say itself.
const BASIC = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);

describe('predefined roles, expressed by their permissions', () => {
  const table = Object.entries(ROLE_TABLE).filter(([role]) => !BASIC.has(role));

  it('has a published definition for every role of the table', () => {
    expect(table.length).toBeGreaterThan(80);
    for (const [role] of table) expect(PUBLISHED.roles[role], role).toBeDefined();
  });

  // Every reach, not only the strongest: a predefined role that both builds and reads buckets
  // is classed as a custom role with the same permissions would be.
  it.each(table)('%s comes out as the table says', (role, entry: RoleEntry) => {
    const judged = classifyPermissions(PUBLISHED.roles[role] ?? []);
    expect({ reaches: judged.reaches, level: judged.level }).toEqual({
      reaches: [entry.reach, ...(entry.also ?? [])],
      level: entry.level,
    });
  });
});

describe('custom roles', () => {
  const cases: [string, string[], { reach: string; level: string }][] = [
    [
      'a "viewer" that grants roles is an administrator',
      ['resourcemanager.projects.get', 'resourcemanager.projects.setIamPolicy'],
      { reach: 'production', level: 'admin' },
    ],
    [
      'minting service-account keys is administration',
      ['iam.serviceAccountKeys.create'],
      { reach: 'production', level: 'admin' },
    ],
    [
      'signing as a service account is administration',
      ['iam.serviceAccounts.signJwt'],
      { reach: 'production', level: 'admin' },
    ],
    [
      'acting as a service account alone is a production write',
      ['iam.serviceAccounts.actAs', 'iam.serviceAccounts.get'],
      { reach: 'production', level: 'write' },
    ],
    [
      'acting as a service account and creating a VM is an escalation to admin',
      ['iam.serviceAccounts.actAs', 'compute.instances.create'],
      { reach: 'production', level: 'admin' },
    ],
    [
      'acting as one and deploying Cloud Run is the same escalation',
      ['iam.serviceAccounts.actAs', 'run.services.create'],
      { reach: 'production', level: 'admin' },
    ],
    ['granting a bucket is data administration', ['storage.buckets.setIamPolicy'], { reach: 'data', level: 'admin' }],
    [
      'writing objects is a data write',
      ['storage.objects.create', 'storage.objects.get'],
      { reach: 'data', level: 'write' },
    ],
    [
      'reading secrets is a data read',
      ['secretmanager.versions.access', 'secretmanager.secrets.list'],
      { reach: 'data', level: 'read' },
    ],
    [
      'listing what exists is metadata',
      ['compute.instances.list', 'storage.buckets.list', 'run.services.get'],
      { reach: 'metadata', level: 'read' },
    ],
    [
      'an unknown service changed is production, overstated rather than hidden',
      ['newthing.widgets.update'],
      { reach: 'production', level: 'write' },
    ],
    [
      'a data role with a companion service stays a data role',
      ['bigquery.tables.updateData', 'dataplex.datascans.create'],
      { reach: 'data', level: 'write' },
    ],
  ];

  it.each([
    [
      'deploying and reading BigQuery rows reaches production and data',
      ['run.services.update', 'bigquery.tables.getData', 'bigquery.tables.list'],
      { reaches: ['production', 'data'], level: 'write' },
    ],
    [
      'deploying and granting a bucket is admin, on data',
      ['run.services.update', 'storage.buckets.setIamPolicy', 'storage.objects.get'],
      { reaches: ['production', 'data'], level: 'admin' },
    ],
    [
      'the escalation keeps the data the role reads',
      ['iam.serviceAccounts.actAs', 'run.services.create', 'bigquery.tables.getData'],
      { reaches: ['production', 'data'], level: 'admin' },
    ],
    [
      'listing configuration next to a data read adds no lane',
      ['secretmanager.versions.access', 'compute.instances.list'],
      { reaches: ['data'], level: 'read' },
    ],
    [
      'Cloud KMS Autokey, bundled into compute roles, is not data',
      ['compute.instances.update', 'cloudkms.keyHandles.create', 'cloudkms.projects.showEffectiveAutokeyConfig'],
      { reaches: ['production'], level: 'write' },
    ],
  ] as const)('%s', (_name, permissions, expected) => {
    const judged = classifyPermissions(permissions);
    expect({ reaches: judged.reaches, level: judged.level }).toEqual(expected);
    expect(judged.parts.map((p) => p.reach)).toEqual(expected.reaches);
  });

  it.each(cases)('%s', (_name, permissions, expected) => {
    const judged = classifyPermissions(permissions);
    expect({ reach: judged.reach, level: judged.level }).toEqual(expected);
    expect(judged.decisive.length).toBeGreaterThan(0);
  });

  it('names the permissions that decided, for the evidence', () => {
    expect(
      classifyPermissions(['iam.serviceAccounts.actAs', 'compute.instances.create', 'compute.instances.list']).decisive,
    ).toEqual(['iam.serviceAccounts.actAs', 'compute.instances.create']);
  });
});
