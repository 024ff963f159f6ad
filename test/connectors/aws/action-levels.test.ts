// What AWS's Service Authorization Reference says of actions, as scans read it: AWS's read-only
// managed policies read. Against the emulator at page size 1, as a scan reads them.
import { describe, expect, it } from 'vitest';
import { isListOrRead, serviceActions } from '../../../connectors/aws/action-table.js';
import { categoryOf } from '../../../connectors/aws/evaluator.js';
import type { Snapshot } from '../../../src/core/model.js';
import { runAgainstEmulator } from './harness.js';

const PROD = '111111111111';
const T = '2026-01-01T00:00:00Z';
const user = (name: string, extra: Record<string, unknown>) => ({
  name,
  createdAt: T,
  tags: { email: `${name}@northwind.example` },
  mfa: true,
  ...extra,
});
const production = (extra: Record<string, unknown>) => ({
  callerAccount: PROD,
  accounts: [{ id: PROD, name: 'northwind-production', root: { createdAt: T }, ...extra }],
});
const grantsOf = (s: Snapshot, login: string) => {
  const account = s.accounts.find((a) => a.login === login);
  return s.grants.filter((g) => g.account === account?.id).map((g) => [g.permission, g.level, g.lanes]);
};
const PAGE_SIZE_1 = { emulator: { pageSize: 1 } };

describe('the access level table', () => {
  it('holds the services and levels AWS lists, each service once', () => {
    expect(serviceActions('sts')?.names).toEqual(expect.arrayContaining(['AssumeRole', 'GetSessionToken']));
    expect(serviceActions('no-such-service')).toBeUndefined();
    expect(serviceActions('constructor')).toBeUndefined();
  });

  it.each([
    ['apigateway:GET', true],
    ['athena:BatchGetQueryExecution', true],
    ['codecommit:GitPull', true],
    ['CodeCommit:gitpull', true],
    ['cloudformation:DetectStackDrift', true],
    ['config:DeliverConfigSnapshot', true],
    ['datapipeline:QueryObjects', true],
    ['codecommit:GitPush', false],
    ['apigateway:DELETE', false],
    ['s3:PutObject', false],
  ])('%s lists or reads: %s', (action, expected) => {
    expect(isListOrRead(action)).toBe(expected);
  });

  it.each([
    ['apigateway:GET', 'read'],
    ['codecommit:GitPull', 'read'],
    ['cloudformation:DetectStackDrift', 'read'],
    // AWS calls it Write: it stays one.
    ['codecommit:GitPush', 'write'],
    ['apigateway:PATCH', 'write'],
    // Not in the table: the verb decides, as before.
    ['custom-service:FrobnicateWidget', 'write'],
    ['custom-service:GetWidget', 'read'],
  ])('%s is %s', (action, category) => {
    expect(categoryOf(action)).toBe(category);
  });
});

describe('aws connector: AWS’s read-only managed policies', async () => {
  const { snapshot } = await runAgainstEmulator(
    production({
      users: [
        user('carl', { managedPolicies: ['ReadOnlyAccess'] }),
        user('sue', { managedPolicies: ['SecurityAudit'] }),
      ],
    }),
    PAGE_SIZE_1,
  );

  it('ReadOnlyAccess reads production and its data, and writes nothing', () => {
    expect(grantsOf(snapshot, 'carl')).toEqual([
      [expect.stringMatching(/^ReadOnlyAccess \(data read: /), 'read', ['data']],
      ['ReadOnlyAccess (metadata read)', 'read', ['production']],
    ]);
  });

  it('SecurityAudit, the audit role the README recommends, reads metadata only', () => {
    expect(grantsOf(snapshot, 'sue')).toEqual([['SecurityAudit (metadata read)', 'read', ['production']]]);
  });
});
