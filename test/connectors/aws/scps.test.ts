// Service control policies: every node from the root down to a member account must allow an
// action and none may deny it; the management account is not bound; the evidence names the SCP;
// nested OUs are followed at page size 1; SCPs that cannot be read leave access as IAM gives it,
// with a warning.
import { describe, expect, it } from 'vitest';
import { type EffectiveAccess, evaluateAccess } from '../../../connectors/aws/evaluator.js';
import type { Snapshot } from '../../../src/core/model.js';
import {
  demoScenarioJson,
  expectSameUnderFaults,
  failingEvery,
  inventory,
  runAgainstEmulator,
  statusOf,
} from './harness.js';

type Json = Record<string, unknown>;
const STAGING = '222222222222';
const TEMP = `arn:aws:iam::${STAGING}:user/temp-admin`;
const OPS = 'arn:aws:iam::111111111111:user/ops-admin';

const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const readOnlyOutsideIam = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', NotAction: ['ec2:Describe*', 's3:List*', 's3:Get*'], Resource: '*' }],
};

/** The demo with an admin user in staging, staging in an OU nested in another, and SCPs on the way. */
async function scenario(scps: Json[], organization: Json = {}): Promise<Json> {
  const s = (await demoScenarioJson()) as { accounts: Json[]; organization: Json };
  const staging = s.accounts.find((a) => a.id === STAGING) as Json;
  staging.users = [
    { name: 'temp-admin', createdAt: '2026-10-01', inlinePolicies: [{ name: 'everything', document: admin }] },
  ];
  Object.assign(s.organization, {
    units: [{ id: 'ou-lk00-00000001' }, { id: 'ou-lk00-00000002', parent: 'ou-lk00-00000001', accounts: [STAGING] }],
    scps,
    ...organization,
  });
  return s;
}

/** What the principal's own policies give it (the demo's northwind-assets bucket adds a read of its own). */
const levelOf = (s: Snapshot, account: string) =>
  s.grants
    .filter((g) => g.account === account && g.viaName !== 'bucket policy of northwind-assets')
    .map((g) => `${g.level} ${g.attributes?.access}`);

describe('aws connector: service control policies', () => {
  const narrowing = [
    { id: 'p-00000001', name: 'read-only', document: readOnlyOutsideIam, targets: ['ou-lk00-00000001'] },
  ];

  it('caps a member account by the SCPs of its OUs at page size 1, names the SCP, and leaves the management account alone', async () => {
    const { snapshot, emulator } = await runAgainstEmulator(await scenario(narrowing), { emulator: { pageSize: 1 } });
    // What the Deny leaves: reading S3's data and describing EC2.
    expect(levelOf(snapshot, TEMP)).toEqual(['read data-read', 'read read']);
    // The SCP leaves s3:Get*: northwind-assets' "*" kept to the organisation still reaches it.
    expect(
      snapshot.grants
        .filter((g) => g.account === TEMP && g.viaName === 'bucket policy of northwind-assets')
        .map((g) => `${g.resource} ${g.attributes?.access}`),
    ).toEqual(['111111111111 data-read']);
    const grant = snapshot.grants.find((g) => g.account === TEMP && g.resource === STAGING);
    expect(grant?.evidence?.join('\n')).toContain('narrowed by SCP read-only: Deny NotAction ec2:Describe*');
    // The management account (production) is not bound: its administrator stays one.
    expect(levelOf(snapshot, OPS)).toContain('admin admin');
    // Each node once: the account, two OUs and the root; one page per policy (FullAWSAccess on
    // every node, read-only on the outer OU too).
    const calls = (op: string) => emulator.requests.filter((r) => r.operation === op).length;
    expect(calls('organizations:ListParents')).toBe(3);
    expect(calls('organizations:ListPoliciesForTarget')).toBe(5);
    expect(calls('organizations:DescribePolicy')).toBe(2);
    const unpaged = await runAgainstEmulator(await scenario(narrowing));
    expect(inventory(unpaged.snapshot)).toEqual(inventory(snapshot));
  });

  it('is quiet without a narrowing SCP, and when the organisation has not enabled SCPs', async () => {
    const plain = await runAgainstEmulator(await scenario([]));
    expect(levelOf(plain.snapshot, TEMP)).toEqual(['admin admin']);
    const disabled = await runAgainstEmulator(await scenario(narrowing, { scpsEnabled: false }));
    expect(levelOf(disabled.snapshot, TEMP)).toEqual(['admin admin']);
    expect(disabled.emulator.requests.some((r) => r.operation === 'organizations:ListParents')).toBe(false);
  });

  it('reads the same through throttling and server errors', async () => {
    await expectSameUnderFaults(
      await scenario(narrowing),
      {
        seed: 9,
        kinds: ['rate-limit', 'server-error'],
        operations: [
          'organizations:ListParents',
          'organizations:ListPoliciesForTarget',
          'organizations:DescribePolicy',
        ],
      },
      1,
    );
  });

  it('judges access as IAM gives it, with a warning on each account, when SCPs cannot be read', async () => {
    const run = await runAgainstEmulator(await scenario(narrowing), failingEvery('organizations:ListRoots'));
    expect(levelOf(run.snapshot, TEMP)).toEqual(['admin admin']);
    expect(statusOf(run.snapshot, STAGING)?.ok).toBe(true);
    expect(statusOf(run.snapshot, STAGING)?.warnings.join('\n')).toMatch(/service control policies were not read/);
  });
});

describe('evaluator: service control policies as levels', () => {
  const allow = (...Action: string[]) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action, Resource: '*' }],
  });
  const access = (scps: { node: string; policies: { name: string; document: Json }[] }[]): EffectiveAccess =>
    evaluateAccess({ policies: [{ name: 'everything', document: admin as never }], scps: scps as never });

  it('needs every level to allow: an allow-list OU under a full-access root leaves what the list allows', () => {
    const result = access([
      { node: 'the root r-1', policies: [{ name: 'SCP FullAWSAccess', document: admin }] },
      { node: 'OU ou-1', policies: [{ name: 'SCP only-s3-reads', document: allow('s3:Get*', 's3:List*') }] },
    ]);
    expect(result.admin).toBe(false);
    expect(result.write).toBe(false);
    expect(result.dataRead).toBe(true);
    expect(result.narrowing.join('\n')).toContain(
      'narrowed by the service control policies of OU ou-1 (SCP only-s3-reads)',
    );
  });

  it('is quiet when every level allows everything', () => {
    const full = { name: 'SCP FullAWSAccess', document: admin };
    const result = access([
      { node: 'the root r-1', policies: [full] },
      { node: 'account 1', policies: [full] },
    ]);
    expect(result.admin).toBe(true);
    expect(result.narrowing).toEqual([]);
  });
});
