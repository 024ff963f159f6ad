// S3 bucket policies: the principals outside the organisation (or anyone) a bucket policy lets
// in become grants of their own, judged by what the statements naming them allow (denies
// included); a "*" narrowed to the organisation, and the organisation's own accounts, do not;
// buckets are listed by page and read in their region; what may not be read is a gap.
import { describe, expect, it } from 'vitest';
import { remediation } from '../../../connectors/aws/remediation.js';
import type { Snapshot } from '../../../src/core/model.js';
import { demoScenarioJson, inventory, runAgainstEmulator, statusOf } from './harness.js';

const PROD = '111111111111';
const OUTSIDE = 'arn:aws:iam::444455556666:root';

type Json = Record<string, unknown>;

async function withBuckets(buckets: unknown[] | null): Promise<Json> {
  const scenario = (await demoScenarioJson()) as { accounts: Json[] };
  const prod = scenario.accounts.find((a) => a.id === PROD) as Json;
  prod.buckets = buckets;
  return scenario;
}

const policy = (...Statement: Json[]) => ({ Version: '2012-10-17', Statement });
const grantsOf = (s: Snapshot, account: string) => s.grants.filter((g) => g.account === account);

describe('aws connector: bucket policies', () => {
  const buckets = [
    {
      name: 'a-partner-drop',
      region: 'eu-central-1',
      createdAt: '2026-01-01',
      policy: policy({
        Effect: 'Allow',
        Principal: { AWS: ['444455556666', `arn:aws:iam::${PROD}:role/prod-ops`] },
        Action: 's3:*',
        Resource: ['arn:aws:s3:::a-partner-drop', 'arn:aws:s3:::a-partner-drop/*'],
      }),
    },
    {
      name: 'b-public-site',
      createdAt: '2026-01-01',
      policy: policy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b-public-site/*',
      }),
    },
    {
      name: 'c-denied-writes',
      createdAt: '2026-01-01',
      policy: policy(
        { Effect: 'Allow', Principal: { AWS: OUTSIDE }, Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' },
        { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: '*' },
      ),
    },
    {
      name: 'd-org-only',
      createdAt: '2026-01-01',
      policy: policy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-northwind1' } },
      }),
    },
    { name: 'e-no-policy', createdAt: '2026-01-01' },
    { name: 'f-policy-denied', createdAt: '2026-01-01', policyDenied: true },
  ];

  it('reads every bucket at page size 1, each policy in its region, and judges who it lets in', async () => {
    const { snapshot, emulator } = await runAgainstEmulator(await withBuckets(buckets), { emulator: { pageSize: 1 } });
    // One page per bucket in production, and the staging account's one empty page.
    const lists = emulator.requests.filter((r) => r.operation === 's3:ListAllMyBuckets');
    expect(lists.length).toBe(buckets.length + 1);
    expect(emulator.requests.filter((r) => r.operation === 's3:GetBucketPolicy')).toHaveLength(buckets.length);

    // An outside account with s3:* on one bucket: it writes there and reads its data (it does
    // not administer the account: the statements name the bucket, not every resource).
    expect(grantsOf(snapshot, OUTSIDE)).toEqual([
      expect.objectContaining({ permission: 'bucket policy of a-partner-drop', level: 'write', resource: PROD }),
      expect.objectContaining({
        permission: 'bucket policy of a-partner-drop (data read: s3:GetObject, s3:GetObjectVersion)',
        lanes: ['data'],
      }),
      // The Deny of s3:PutObject to everyone takes the write away: a data read is left.
      expect.objectContaining({ permission: 'bucket policy of c-denied-writes (data read: s3:GetObject)' }),
    ]);
    expect(snapshot.accounts.find((a) => a.id === OUTSIDE)).toMatchObject({
      kind: 'external',
      role: 'trusted-principal',
    });
    // Anyone: the public site.
    expect(grantsOf(snapshot, '*').map((g) => g.permission)).toEqual([
      'bucket policy of b-public-site (data read: s3:GetObject)',
    ]);
    // Not outsiders: the organisation's own role, and "*" narrowed to the organisation.
    expect(snapshot.grants.filter((g) => g.permission.includes('d-org-only'))).toEqual([]);
    expect(
      grantsOf(snapshot, `arn:aws:iam::${PROD}:role/prod-ops`).filter((g) => g.permission.includes('bucket')),
    ).toEqual([]);
    // The policy that could not be read is a gap with its count; the account is still read.
    expect(statusOf(snapshot, PROD)).toMatchObject({
      ok: true,
      gaps: [expect.objectContaining({ kind: 'aws.bucket-policies', count: 1 })],
    });

    const unpaged = await runAgainstEmulator(await withBuckets(buckets));
    expect(inventory(unpaged.snapshot)).toEqual(inventory(snapshot));
  });

  it('reads the same through S3 throttling (503 SlowDown) and server errors', async () => {
    const clean = await runAgainstEmulator(await withBuckets(buckets));
    const faulty = await runAgainstEmulator(await withBuckets(buckets), {
      emulator: {
        pageSize: 1,
        faults: {
          seed: 11,
          rate: 0.5,
          kinds: ['rate-limit', 'server-error', 'unavailable'],
          operations: ['s3:ListAllMyBuckets', 's3:GetBucketPolicy'],
        },
      },
    });
    expect(faulty.emulator.requests.filter((r) => r.fault !== undefined).length).toBeGreaterThan(2);
    expect(inventory(faulty.snapshot)).toEqual(inventory(clean.snapshot));
  });

  it('names the gap when the buckets may not be listed', async () => {
    const { snapshot } = await runAgainstEmulator(await withBuckets(null));
    expect(statusOf(snapshot, PROD)).toMatchObject({
      ok: true,
      gaps: [expect.objectContaining({ kind: 'aws.bucket-policies' })],
    });
    expect(statusOf(snapshot, PROD)?.gaps[0]?.detail).toMatch(/s3:ListAllMyBuckets/);
  });

  it('fails the account, naming the call, when S3 keeps failing', async () => {
    const { snapshot } = await runAgainstEmulator(await withBuckets(buckets), {
      tuning: { maxAttempts: 1 },
      emulator: {
        faults: { seed: 1, rate: 1, persistent: true, kinds: ['server-error'], operations: ['s3:GetBucketPolicy'] },
      },
    });
    expect(statusOf(snapshot, PROD)).toMatchObject({ ok: false });
    expect(statusOf(snapshot, PROD)?.error).toMatch(/^s3:GetBucketPolicy: /);
  });

  it('fixes it in the bucket policy', async () => {
    const { snapshot } = await runAgainstEmulator(await withBuckets(buckets));
    const grant = grantsOf(snapshot, OUTSIDE)[0];
    const account = snapshot.accounts.find((a) => a.id === OUTSIDE);
    if (!grant) throw new Error('no grant');
    const fix = remediation.revokeGrant(grant, account);
    expect(fix.steps.join(' ')).toMatch(/bucket policy of a-partner-drop, remove the statement .* 444455556666/);
    expect(fix.commands).toEqual([
      'aws s3api get-bucket-policy --bucket=a-partner-drop --query=Policy --output=text > bucket-policy-a-partner-drop.json',
      'aws s3api put-bucket-policy --bucket=a-partner-drop --policy=file://bucket-policy-a-partner-drop.json',
    ]);
  });
});
