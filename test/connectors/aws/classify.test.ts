// Lanes and level of AWS grants: the account's class (production, data, staging, unmatched)
// under the lanes mapping, and the access category the evaluator found.
import { describe, expect, it } from 'vitest';
import { accountClassOf, classifyAwsGrant } from '../../../connectors/aws/classify.js';
import { AwsConfigSchema } from '../../../connectors/aws/schema.js';
import type { Grant } from '../../../src/core/model.js';

const config = AwsConfigSchema.parse({
  accounts: [{ id: '111111111111' }],
  lanes: { production: ['northwind-prod*', '333333333333'], data: ['*-analytics'], staging: ['northwind-staging'] },
});

function grant(
  resource: string,
  access: string | undefined,
  aliases: string[] = [],
  level: Grant['level'] = 'read',
): Grant {
  return {
    system: 'aws',
    target: resource,
    account: 'arn:aws:iam::111111111111:user/x',
    resource,
    permission: 'p',
    via: 'direct',
    lanes: [],
    level,
    attributes: { aliases, ...(access ? { access } : {}) },
  };
}

describe('aws classify', () => {
  it.each([
    // production account, by name (alias)
    ['111111111111', ['northwind-production'], 'admin', ['data', 'production'], 'admin'],
    ['111111111111', ['northwind-production'], 'write', ['production'], 'write'],
    ['111111111111', ['northwind-production'], 'data-read', ['data'], 'read'],
    ['111111111111', ['northwind-production'], 'read', ['production'], 'read'],
    // production by id
    ['333333333333', [], 'write', ['production'], 'write'],
    // data account: everything is data
    ['444444444444', ['northwind-analytics'], 'admin', ['data'], 'admin'],
    ['444444444444', ['northwind-analytics'], 'read', ['data'], 'read'],
    // staging: code lane at the level held
    ['222222222222', ['northwind-staging'], 'admin', ['code'], 'admin'],
    ['222222222222', ['northwind-staging'], 'data-read', ['code'], 'read'],
    // an account no glob names counts as production (fail closed)
    ['999999999999', ['sandbox'], 'write', ['production'], 'write'],
  ])('%s %j %s → %j %s', (resource, aliases, access, lanes, level) => {
    expect(classifyAwsGrant(grant(resource, access, aliases), config)).toEqual({ lanes, level });
  });

  it('matches names case-insensitively', () => {
    expect(accountClassOf(['NORTHWIND-STAGING'], config.lanes)).toBe('staging');
  });

  it('production wins over staging when both globs match', () => {
    const both = AwsConfigSchema.parse({
      accounts: [{ id: '111111111111' }],
      lanes: { production: ['northwind-*'], staging: ['northwind-staging'] },
    });
    expect(accountClassOf(['northwind-staging'], both.lanes)).toBe('production');
  });

  it('honours lanes.unmatched', () => {
    const relaxed = AwsConfigSchema.parse({ accounts: [{ id: '111111111111' }], lanes: { unmatched: 'staging' } });
    expect(classifyAwsGrant(grant('999999999999', 'write'), relaxed)).toEqual({ lanes: ['code'], level: 'write' });
  });

  it('falls back to the saved level when a grant has no access attribute', () => {
    expect(classifyAwsGrant(grant('111111111111', undefined, ['northwind-production'], 'write'), config)).toEqual({
      lanes: ['production'],
      level: 'write',
    });
  });

  it('re-judges a saved grant under a new mapping', () => {
    const saved = grant('111111111111', 'write', ['northwind-production']);
    const later = AwsConfigSchema.parse({ accounts: [{ id: '111111111111' }], lanes: { staging: ['northwind-*'] } });
    expect(classifyAwsGrant(saved, later).lanes).toEqual(['code']);
  });
});

describe('aws config', () => {
  it('rejects OrganizationAccountAccessRole with the reason', () => {
    const parsed = AwsConfigSchema.safeParse({ organization: { roleName: 'OrganizationAccountAccessRole' } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/administrator role; deploy a read-only audit role/);
  });

  it('needs exactly one of accounts or organization', () => {
    expect(AwsConfigSchema.safeParse({}).success).toBe(false);
    expect(
      AwsConfigSchema.safeParse({ accounts: [{ id: '111111111111' }], organization: { roleName: 'audit' } }).success,
    ).toBe(false);
    expect(AwsConfigSchema.parse({ organization: { roleName: 'lanekeeper-audit' } }).region).toBe('us-east-1');
  });

  it('checks account ids and role ARNs', () => {
    expect(AwsConfigSchema.safeParse({ accounts: [{ id: '1234' }] }).success).toBe(false);
    expect(AwsConfigSchema.safeParse({ accounts: [{ id: '111111111111', roleArn: 'audit' }] }).success).toBe(false);
  });
});
