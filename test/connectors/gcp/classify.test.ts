import { describe, expect, it } from 'vitest';
import {
  classifyGcpGrant,
  classifyRole,
  labelSelectors,
  projectClass,
  unknownRoleEntry,
} from '../../../connectors/gcp/classify.js';
import { ROLE_TABLE } from '../../../connectors/gcp/roles.js';
import type { Grant } from '../../../src/core/model.js';
import { LEVELS } from '../../../src/core/model.js';

const lanes = {
  production: ['shop-prod', '*-live'],
  data: ['analytics*'],
  labels: { production: 'env=prod', data: 'tier=data' },
};

function grant(resource: string, permission: string, projectLabels: string[] = []): Grant {
  return {
    system: 'gcp',
    target: 'organizations/1',
    account: 'user:a@b.c',
    resource,
    permission,
    via: 'direct',
    lanes: [],
    level: 'read',
    attributes: { projectLabels },
  };
}

describe('projectClass', () => {
  it('classes projects by id glob or by label; production wins; anything else is staging', () => {
    expect(projectClass('shop-prod', [], lanes)).toBe('production');
    expect(projectClass('payments-live', [], lanes)).toBe('production');
    expect(projectClass('analytics-eu', [], lanes)).toBe('data');
    expect(projectClass('whatever', ['env=prod'], lanes)).toBe('production');
    expect(projectClass('whatever', ['tier=data'], lanes)).toBe('data');
    expect(projectClass('analytics-eu', ['env=prod'], lanes)).toBe('production');
    expect(projectClass('shop-staging', ['env=staging'], lanes)).toBe('staging');
    expect(projectClass('shop-prod', [], undefined)).toBe('staging');
  });

  it('writes labels the way the config names them', () => {
    expect(labelSelectors({ team: 'shop', env: 'prod' })).toEqual(['env=prod', 'team=shop']);
    expect(labelSelectors(undefined)).toEqual([]);
  });
});

describe('the role table', () => {
  it.each([
    ['roles/owner', 'production', ['data', 'production'], 'admin'],
    ['roles/owner', 'data', ['data'], 'admin'],
    ['roles/owner', 'staging', ['code'], 'admin'],
    ['roles/editor', 'production', ['data', 'production'], 'write'],
    ['roles/editor', 'data', ['data'], 'write'],
    ['roles/editor', 'staging', ['code'], 'write'],
    ['roles/viewer', 'production', ['production'], 'read'],
    ['roles/viewer', 'data', ['data'], 'read'],
    ['roles/viewer', 'staging', ['code'], 'read'],
    ['roles/browser', 'production', ['production'], 'read'],
    ['roles/bigquery.dataViewer', 'staging', ['data'], 'read'],
    ['roles/bigquery.dataEditor', 'production', ['data'], 'write'],
    ['roles/bigquery.user', 'data', ['data'], 'write'],
    ['roles/storage.objectViewer', 'production', ['data'], 'read'],
    ['roles/storage.objectAdmin', 'production', ['data'], 'admin'],
    ['roles/cloudsql.client', 'production', ['data'], 'read'],
    ['roles/cloudsql.admin', 'production', ['data'], 'admin'],
    ['roles/secretmanager.secretAccessor', 'production', ['data'], 'read'],
    ['roles/spanner.databaseReader', 'data', ['data'], 'read'],
    ['roles/datastore.viewer', 'data', ['data'], 'read'],
    ['roles/run.admin', 'production', ['production'], 'admin'],
    ['roles/container.developer', 'production', ['production'], 'write'],
    ['roles/container.admin', 'staging', ['code'], 'admin'],
    ['roles/container.admin', 'data', ['data'], 'admin'],
    ['roles/compute.admin', 'production', ['production'], 'admin'],
    ['roles/cloudfunctions.developer', 'production', ['production'], 'write'],
    ['roles/iam.serviceAccountUser', 'production', ['production'], 'write'],
    ['roles/iam.serviceAccountTokenCreator', 'production', ['production'], 'admin'],
    ['roles/resourcemanager.projectIamAdmin', 'data', ['data'], 'admin'],
    ['roles/resourcemanager.projectIamAdmin', 'production', ['production'], 'admin'],
    // Builds read and write buckets; security admins set datasets' IAM: data as well.
    ['roles/cloudbuild.builds.builder', 'production', ['data', 'production'], 'write'],
    ['roles/cloudbuild.builds.builder', 'staging', ['code', 'data'], 'write'],
    ['roles/iam.securityAdmin', 'production', ['data', 'production'], 'admin'],
  ] as const)('%s on a %s project is %j %s', (role, klass, expectedLanes, level) => {
    expect(classifyRole(role, klass)).toEqual({ lanes: expectedLanes, level });
  });

  it('has only roles/ names and known levels', () => {
    for (const [role, entry] of Object.entries(ROLE_TABLE)) {
      expect(role).toMatch(/^roles\/[a-zA-Z0-9.]+$/);
      expect(LEVELS).toContain(entry.level);
      expect(['project', 'metadata', 'data', 'production']).toContain(entry.reach);
    }
  });

  it('sends unknown roles to production when their name says admin or editor, else reads the project lane', () => {
    expect(unknownRoleEntry('roles/newservice.admin')).toEqual({ reach: 'production', level: 'admin' });
    expect(unknownRoleEntry('organizations/1/roles/shopOwner')).toEqual({ reach: 'production', level: 'admin' });
    expect(unknownRoleEntry('projects/shop-prod/roles/deployEditor')).toEqual({ reach: 'production', level: 'write' });
    expect(classifyRole('projects/shop-prod/roles/dashboardReader', 'data')).toEqual({
      lanes: ['data'],
      level: 'read',
    });
    expect(classifyRole('roles/newservice.viewer', 'production')).toEqual({ lanes: ['production'], level: 'read' });
  });
});

describe('a role judged by its permissions', () => {
  const deployAndRead = { roleReach: 'production', roleReaches: ['production', 'data'], roleLevel: 'write' };
  it.each([
    ['production', ['data', 'production']],
    ['data', ['data']],
    ['staging', ['code', 'data']],
  ] as const)('that deploys and reads data, on a %s project, holds %j', (klass, expected) => {
    expect(classifyRole('organizations/1/roles/x', klass, deployAndRead)).toEqual({ lanes: expected, level: 'write' });
  });

  it('reads an inventory saved with the strongest reach alone', () => {
    expect(classifyRole('organizations/1/roles/x', 'staging', { roleReach: 'production', roleLevel: 'admin' })).toEqual(
      {
        lanes: ['code'],
        level: 'admin',
      },
    );
  });
});

describe('classifyGcpGrant', () => {
  it('classes by the grant project and the labels collect recorded, under the config mapping', () => {
    expect(classifyGcpGrant(grant('projects/shop-prod', 'roles/editor'), { lanes })).toEqual({
      lanes: ['data', 'production'],
      level: 'write',
    });
    expect(classifyGcpGrant(grant('projects/other', 'roles/editor', ['env=prod']), { lanes })).toEqual({
      lanes: ['data', 'production'],
      level: 'write',
    });
    expect(classifyGcpGrant(grant('projects/other', 'roles/editor'), { lanes })).toEqual({
      lanes: ['code'],
      level: 'write',
    });
    // Re-classing a saved inventory under a new mapping changes the answer without a new scan.
    expect(classifyGcpGrant(grant('projects/other', 'roles/editor'), { lanes: { production: ['other'] } })).toEqual({
      lanes: ['data', 'production'],
      level: 'write',
    });
  });
});
