import { describe, expect, it } from 'vitest';
import {
  classifyGithubGrant,
  isProductionEnvironment,
  levelOfPermission,
} from '../../../connectors/github/classify.js';
import { appPermission, orgRolePermission } from '../../../connectors/github/records.js';
import { GithubConfigSchema } from '../../../connectors/github/schema.js';
import type { Attributes, Grant } from '../../../src/core/model.js';

const config = GithubConfigSchema.parse({
  org: 'northwind',
  token: 'x',
  lanes: {
    production: ['northwind/infra', 'northwind/deploy-*'],
    data: ['northwind/analytics'],
    topics: { production: ['prod'], data: ['pii'] },
  },
});

function grant(resource: string, permission: string, attributes?: Attributes): Grant {
  return {
    system: 'github',
    target: 'northwind',
    account: 'someone',
    resource,
    permission,
    via: 'direct',
    lanes: [],
    level: 'read',
    ...(attributes ? { attributes } : {}),
  };
}

describe('github classify: levels', () => {
  const cases: [string, string][] = [
    ['pull', 'read'],
    ['read', 'read'],
    ['triage', 'read'],
    ['push', 'write'],
    ['write', 'write'],
    ['maintain', 'write'],
    ['admin', 'admin'],
    ['owner', 'admin'],
    ['Admin', 'admin'],
  ];
  for (const [permission, level] of cases) {
    it(`${permission} → ${level}`, () => {
      expect(classifyGithubGrant(grant('northwind/shop', permission), config).level).toBe(level);
    });
  }

  it('write on an archived repository is read (only an admin may unarchive it)', () => {
    const archived = { archived: true };
    expect(classifyGithubGrant(grant('northwind/old-infra', 'push', archived), config).level).toBe('read');
    expect(classifyGithubGrant(grant('northwind/old-infra', 'maintain', archived), config).level).toBe('read');
    expect(classifyGithubGrant(grant('northwind/old-infra', 'admin', archived), config).level).toBe('admin');
  });

  it('a custom role takes the level of its base role, and an unknown one is assumed to write', () => {
    expect(levelOfPermission('security-reviewer', { basePermission: 'triage' })).toBe('read');
    expect(levelOfPermission('release-manager', { basePermission: 'maintain' })).toBe('write');
    expect(levelOfPermission('mystery-role')).toBe('write');
  });
});

describe('github classify: lanes', () => {
  const cases: [string, string, Attributes | undefined, string[]][] = [
    ['a plain repo is code', 'northwind/shop', undefined, ['code']],
    ['a production glob', 'northwind/infra', undefined, ['production']],
    ['a production glob with a wildcard', 'northwind/deploy-eu', undefined, ['production']],
    ['globs ignore case', 'Northwind/Infra', undefined, ['production']],
    ['a data glob', 'northwind/analytics', undefined, ['data']],
    ['a production topic', 'northwind/api', { topics: ['prod'] }, ['production']],
    ['a data topic', 'northwind/crm', { topics: ['PII'] }, ['data']],
    ['both kinds of topic', 'northwind/orders', { topics: ['pii', 'prod'] }, ['data', 'production']],
    ['an unrelated topic', 'northwind/docs', { topics: ['docs'] }, ['code']],
  ];
  for (const [name, resource, attributes, lanes] of cases) {
    it(name, () => {
      expect(classifyGithubGrant(grant(resource, 'pull', attributes), config).lanes).toEqual(lanes);
    });
  }

  it('write on a repo that deploys to production unreviewed is also production', () => {
    const unreviewed = { unreviewedEnvironments: ['production'] };
    expect(classifyGithubGrant(grant('northwind/shop', 'push', unreviewed), config).lanes).toEqual([
      'code',
      'production',
    ]);
    expect(classifyGithubGrant(grant('northwind/shop', 'admin', unreviewed), config).lanes).toEqual([
      'code',
      'production',
    ]);
    // Reading such a repo deploys nothing.
    expect(classifyGithubGrant(grant('northwind/shop', 'pull', unreviewed), config).lanes).toEqual(['code']);
    // An unreviewed staging environment is not production.
    expect(
      classifyGithubGrant(grant('northwind/shop', 'push', { unreviewedEnvironments: ['staging'] }), config).lanes,
    ).toEqual(['code']);
  });

  it('judges environments by the configured production environment globs', () => {
    const custom = GithubConfigSchema.parse({ ...config, lanes: { productionEnvironments: ['prd-*'] } });
    const g = grant('northwind/shop', 'push', { unreviewedEnvironments: ['prd-eu'] });
    expect(classifyGithubGrant(g, custom).lanes).toEqual(['code', 'production']);
    expect(classifyGithubGrant(g, config).lanes).toEqual(['code']);
    expect(isProductionEnvironment('Production', undefined)).toBe(true);
    expect(isProductionEnvironment('live', undefined)).toBe(true);
    expect(isProductionEnvironment('staging', undefined)).toBe(false);
  });

  it('falls back on the recorded flag when environment names were not recorded', () => {
    const g = grant('northwind/shop', 'push', { unreviewedProductionDeploy: true });
    expect(classifyGithubGrant(g, config).lanes).toEqual(['code', 'production']);
  });

  it('an org owner holds the lanes of the org repos, or all three when they were not recorded', () => {
    const recorded = grant('northwind', 'owner', { repoLanes: ['code', 'data'] });
    expect(classifyGithubGrant(recorded, config)).toEqual({ lanes: ['code', 'data'], level: 'admin' });
    expect(classifyGithubGrant(grant('northwind', 'owner'), config)).toEqual({
      lanes: ['code', 'data', 'production'],
      level: 'admin',
    });
  });

  it('the base permission on org/* holds the repos lanes at its own level', () => {
    const base = grant('northwind/*', 'read', { repoLanes: ['code', 'production'] });
    expect(classifyGithubGrant(base, config)).toEqual({ lanes: ['code', 'production'], level: 'read' });
    const write = grant('northwind/*', 'write', { repoLanes: ['code'], unreviewedEnvironments: ['live'] });
    expect(classifyGithubGrant(write, config)).toEqual({ lanes: ['code', 'production'], level: 'write' });
  });
});

describe('github config schema', () => {
  it('takes a token or GitHub App credentials, not both, not neither', () => {
    expect(GithubConfigSchema.safeParse({ org: 'n', token: 't' }).success).toBe(true);
    const app = { appId: 123, privateKey: '-----BEGIN RSA PRIVATE KEY-----', installationId: 456 };
    expect(GithubConfigSchema.safeParse({ org: 'n', app }).success).toBe(true);
    expect(GithubConfigSchema.safeParse({ org: 'n' }).success).toBe(false);
    expect(GithubConfigSchema.safeParse({ org: 'n', token: 't', app }).success).toBe(false);
  });

  it('fills defaults and rejects unknown keys', () => {
    const parsed = GithubConfigSchema.parse({ org: 'n', token: 't' });
    expect(parsed).toMatchObject({
      enabled: true,
      concurrency: 8,
      lanes: { production: [], data: [], productionEnvironments: ['prod*', 'live'] },
    });
    expect(GithubConfigSchema.safeParse({ org: 'n', token: 't', lane: {} }).success).toBe(false);
    expect(GithubConfigSchema.safeParse({ org: 'n', token: 't', baseUrl: 'not a url' }).success).toBe(false);
  });
});

describe('github org roles and app permissions', () => {
  const role = (name: string, base_role: string | null, permissions: string[]) =>
    ({ id: 1, name, base_role, permissions }) as Parameters<typeof orgRolePermission>[0];

  it('an organisation role reaches repositories only through its repository role or its powers', () => {
    expect(orgRolePermission(role('Auditor', null, ['read_audit_logs']))).toBeUndefined();
    expect(orgRolePermission(role('security_manager', null, []))).toBe('read');
    expect(orgRolePermission(role('readers', 'read', []))).toBe('read');
    expect(orgRolePermission(role('ops', null, ['write_organization_actions_settings']))).toBe('admin');
    // Repository permissions are judged as in a custom repository role; organisation ones by their power.
    expect(orgRolePermission(role('guard', 'read', ['push_protected_branch']))).toBe('admin');
    expect(orgRolePermission(role('topics', 'read', ['manage_topics']))).toBe('write');
    expect(orgRolePermission(role('labels', 'triage', ['add_label', 'read_organization_custom_org_role']))).toBe(
      'read',
    );
    expect(orgRolePermission(role('deploys', null, ['manage_deploy_keys']))).toBe('admin');
    expect(orgRolePermission(role('review', null, ['org_review_and_manage_secret_scanning_bypass_requests']))).toBe(
      'admin',
    );
  });

  it("an app's write the table does not name counts as write; issues and metadata stay read", () => {
    expect(appPermission({ single_file: 'write' })).toBe('write');
    expect(appPermission({ dependabot_secrets: 'write', metadata: 'read' })).toBe('write');
    expect(appPermission({ issues: 'write', metadata: 'read' })).toBe('read');
    expect(appPermission({ members: 'write' })).toBe('admin');
  });
});
