// Resource policies (S3 bucket policies, KMS key policies): the principals outside the
// organisation (or anyone) a policy lets in become grants of their own, judged by what the
// statements naming them allow (denies included); a "*" narrowed to the organisation, and the
// organisation's own accounts, do not; resources are listed by page; what may not be read is a gap.
import { describe, expect, it } from 'vitest';
import { remediation } from '../../../connectors/aws/remediation.js';
import type { Snapshot } from '../../../src/core/model.js';
import {
  demoScenarioJson,
  expectSameUnderFaults,
  failingEvery,
  inventory,
  runAgainstEmulator,
  statusOf,
} from './harness.js';

const PROD = '111111111111';
const OUTSIDE = 'arn:aws:iam::444455556666:root';

type Json = Record<string, unknown>;

async function withProd(fields: Json): Promise<Json> {
  const scenario = (await demoScenarioJson()) as { accounts: Json[] };
  Object.assign(scenario.accounts.find((a) => a.id === PROD) as Json, fields);
  return scenario;
}
const withBuckets = (buckets: unknown[] | null) => withProd({ buckets });
const withKeys = (keys: unknown[] | null) => withProd({ keys });

const policy = (...Statement: Json[]) => ({ Version: '2012-10-17', Statement });
const grantsOf = (s: Snapshot, account: string) => s.grants.filter((g) => g.account === account);
/** A bucket whose policy lets anyone get its objects, as far as the condition allows. */
const star = (name: string, Condition: Json) => ({
  name,
  createdAt: '2026-01-01',
  policy: policy({
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${name}/*`,
    Condition,
  }),
});

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
    // Not anyone: "*" narrowed to the organisation reaches the organisation's principals only.
    expect(
      snapshot.grants.filter(
        (g) => g.permission.includes('d-org-only') && !/^arn:aws:(iam::\d{12}:|identitystore:)/.test(g.account),
      ),
    ).toEqual([]);
    // The account's own role, named by ARN: within one account the bucket policy alone lets it in.
    expect(
      grantsOf(snapshot, `arn:aws:iam::${PROD}:role/prod-ops`)
        .filter((g) => g.viaName === 'bucket policy of a-partner-drop')
        .map((g) => [g.level, g.attributes?.access, g.evidence?.[0]]),
    ).toEqual([
      ['write', 'write', `bucket policy of a-partner-drop names arn:aws:iam::${PROD}:role/prod-ops`],
      ['read', 'data-read', `bucket policy of a-partner-drop names arn:aws:iam::${PROD}:role/prod-ops`],
    ]);
    // The policy that could not be read is a gap with its count; the account is still read.
    expect(statusOf(snapshot, PROD)).toMatchObject({
      ok: true,
      gaps: [expect.objectContaining({ kind: 'aws.bucket-policies', count: 1 })],
    });

    const unpaged = await runAgainstEmulator(await withBuckets(buckets));
    expect(inventory(unpaged.snapshot)).toEqual(inventory(snapshot));
  });

  it('reads the same through S3 throttling (503 SlowDown) and server errors', async () => {
    await expectSameUnderFaults(
      await withBuckets(buckets),
      {
        seed: 11,
        kinds: ['rate-limit', 'server-error', 'unavailable'],
        operations: ['s3:ListAllMyBuckets', 's3:GetBucketPolicy'],
      },
      3,
    );
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
    const { snapshot } = await runAgainstEmulator(await withBuckets(buckets), failingEvery('s3:GetBucketPolicy'));
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

describe('aws connector: a Principal "*" kept in by its conditions', () => {
  it('reads what the condition names: an outside account is that account, any address is anyone', async () => {
    const { snapshot } = await runAgainstEmulator(
      await withBuckets([
        star('e-partner-only', { StringEquals: { 'aws:PrincipalAccount': '444455556666' } }),
        star('f-any-address', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }),
        star('g-own-account', { StringEquals: { 'aws:PrincipalAccount': PROD } }),
        star('h-office', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }),
      ]),
    );
    const viaBucket = (account: string) =>
      grantsOf(snapshot, account)
        .map((g) => g.viaName)
        .filter((v) => v?.startsWith('bucket policy'));
    expect(viaBucket(OUTSIDE)).toEqual(['bucket policy of e-partner-only']);
    expect(viaBucket('*')).toEqual(['bucket policy of f-any-address']);
  });
});

describe('aws connector: a resource policy grants its own service only', () => {
  it('"Action": "*" in a bucket policy is S3 on that bucket, not IAM or the account', async () => {
    const { snapshot } = await runAgainstEmulator(
      await withBuckets([
        {
          name: 'i-everything',
          createdAt: '2026-01-01',
          policy: policy({
            Effect: 'Allow',
            Principal: { AWS: '444455556666' },
            Action: '*',
            Resource: ['arn:aws:s3:::i-everything', 'arn:aws:s3:::i-everything/*'],
          }),
        },
      ]),
    );
    const lines = grantsOf(snapshot, OUTSIDE)
      .filter((g) => g.viaName === 'bucket policy of i-everything')
      .flatMap((g) => [g.permission, ...(g.evidence ?? [])]);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toMatch(/\b(iam|organizations|sts):/);
    expect(lines.join('\n')).toContain('s3:*');
  });
});

describe('aws connector: KMS key policies', () => {
  const KEY_A = '0a1b2c3d-0000-4000-8000-00000000000a';
  const KEY_B = '0a1b2c3d-0000-4000-8000-00000000000b';
  const KEY_C = '0a1b2c3d-0000-4000-8000-00000000000c';
  const keys = [
    {
      id: KEY_A,
      policy: policy(
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: OUTSIDE }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' },
      ),
    },
    // AWS's default policy: the account's own IAM decides.
    { id: KEY_B },
    { id: KEY_C, policyDenied: true },
  ];

  it('reads every key at page size 1 and gives an outside account the decrypt its key policy allows', async () => {
    const { snapshot, emulator } = await runAgainstEmulator(await withKeys(keys), { emulator: { pageSize: 1 } });
    // One page per key in production, and the staging account's one empty page.
    expect(emulator.requests.filter((r) => r.operation === 'kms:ListKeys')).toHaveLength(keys.length + 1);
    expect(grantsOf(snapshot, OUTSIDE)).toEqual([
      expect.objectContaining({
        permission: `key policy of ${KEY_A} (data read: kms:Decrypt)`,
        lanes: ['data'],
        attributes: expect.objectContaining({ keyId: KEY_A, keyRegion: 'us-east-1' }),
      }),
      expect.objectContaining({ permission: `key policy of ${KEY_A} (metadata read)` }),
    ]);
    // The account's own root in a key policy is the account, not an outsider.
    expect(snapshot.grants.filter((g) => g.permission.includes(KEY_B))).toEqual([]);
    expect(statusOf(snapshot, PROD)).toMatchObject({
      ok: true,
      gaps: [expect.objectContaining({ kind: 'aws.key-policies', count: 1 })],
    });
    const unpaged = await runAgainstEmulator(await withKeys(keys));
    expect(inventory(unpaged.snapshot)).toEqual(inventory(snapshot));
  });

  it('reads the same through throttling and server errors, and names the gap when keys may not be listed', async () => {
    await expectSameUnderFaults(
      await withKeys(keys),
      { seed: 5, kinds: ['rate-limit', 'server-error'], operations: ['kms:ListKeys', 'kms:GetKeyPolicy'] },
      2,
    );
    const { snapshot } = await runAgainstEmulator(await withKeys(null));
    expect(statusOf(snapshot, PROD)?.gaps).toEqual([expect.objectContaining({ kind: 'aws.key-policies' })]);
  });

  it('fixes it in the key policy, in its region', async () => {
    const { snapshot } = await runAgainstEmulator(await withKeys(keys));
    const grant = grantsOf(snapshot, OUTSIDE)[0];
    if (!grant) throw new Error('no grant');
    const fix = remediation.revokeGrant(
      grant,
      snapshot.accounts.find((a) => a.id === OUTSIDE),
    );
    expect(fix.commands).toEqual([
      `aws kms get-key-policy --key-id=${KEY_A} --policy-name=default --region=us-east-1 --query=Policy --output=text > key-policy-${KEY_A}.json`,
      `aws kms put-key-policy --key-id=${KEY_A} --policy-name=default --region=us-east-1 --policy=file://key-policy-${KEY_A}.json`,
    ]);
  });

  it('reads the keys of every region the config names, each through its own regional endpoint', async () => {
    const elsewhere = [{ ...keys[0], region: 'eu-west-1' }, keys[1]];
    // By default only the connector's region is read: the key in eu-west-1 is not listed there.
    const home = await runAgainstEmulator(await withKeys(elsewhere));
    expect(grantsOf(home.snapshot, OUTSIDE)).toEqual([]);
    const both = await runAgainstEmulator(await withKeys(elsewhere), {
      config: { regions: ['us-east-1', 'eu-west-1'] },
      emulator: { pageSize: 1 },
    });
    expect(grantsOf(both.snapshot, OUTSIDE)[0]).toMatchObject({
      attributes: expect.objectContaining({ keyId: KEY_A, keyRegion: 'eu-west-1' }),
    });
    // Each region's ListKeys, for each account: production's one key per region, staging's empty pages.
    expect(both.emulator.requests.filter((r) => r.operation === 'kms:ListKeys')).toHaveLength(4);
    const fix = remediation.revokeGrant(grantsOf(both.snapshot, OUTSIDE)[0]!);
    expect(fix.commands[0]).toContain('--region=eu-west-1');
  });
});

describe('aws connector: NotPrincipal in bucket and key policies', () => {
  const KEY = '0a1b2c3d-0000-4000-8000-00000000000d';
  const scenario = async () =>
    withProd({
      buckets: [
        {
          name: 'j-all-but-one',
          createdAt: '2026-01-01',
          policy: policy({
            Effect: 'Allow',
            NotPrincipal: { AWS: OUTSIDE },
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::j-all-but-one/*',
          }),
        },
      ],
      keys: [
        {
          id: KEY,
          policy: policy(
            { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
            {
              Effect: 'Deny',
              NotPrincipal: { AWS: [OUTSIDE, `arn:aws:iam::${PROD}:root`] },
              Action: 'kms:*',
              Resource: '*',
            },
          ),
        },
      ],
    });

  it('gives anyone but the named the bucket, and only the named the key a Deny keeps to them, at page size 1', async () => {
    const { snapshot } = await runAgainstEmulator(await scenario(), { emulator: { pageSize: 1 } });
    const via = (account: string) =>
      grantsOf(snapshot, account)
        .filter((g) => g.viaName?.startsWith('bucket policy') || g.viaName?.startsWith('key policy'))
        .map((g) => g.permission);
    expect(via('*')).toEqual(['bucket policy of j-all-but-one (data read: s3:GetObject)']);
    expect(grantsOf(snapshot, '*')[0]?.evidence?.join('\n')).toContain(`anyone but ${OUTSIDE}`);
    expect(via(OUTSIDE)).toEqual([`key policy of ${KEY} (data read: kms:Decrypt)`]);
    const unpaged = await runAgainstEmulator(await scenario());
    expect(inventory(unpaged.snapshot)).toEqual(inventory(snapshot));
  });

  it('reads the same through throttling and server errors', async () => {
    await expectSameUnderFaults(
      await scenario(),
      {
        seed: 13,
        kinds: ['rate-limit', 'server-error'],
        operations: ['s3:GetBucketPolicy', 'kms:GetKeyPolicy', 'kms:ListKeys'],
      },
      1,
    );
  });
});

describe('aws connector: an organisation condition is checked against the organisation id', () => {
  const ofOrg = (org: string) => ({ StringEquals: { 'aws:PrincipalOrgID': org } });
  const buckets = [star('k-ours', ofOrg('o-northwind1')), star('l-theirs', ofOrg('o-someoneelse'))];
  const scenario = async (organization: boolean) => {
    const s = (await withProd({ buckets })) as { organization?: Json };
    if (organization && s.organization) s.organization.id = 'o-northwind1';
    else delete s.organization;
    return s;
  };
  /** Who outside the organisation the buckets let in (its own principals are judged with their policies). */
  const viaBucket = (snapshot: Snapshot) =>
    snapshot.grants
      .filter((g) => g.viaName?.startsWith('bucket policy of k-') || g.viaName?.startsWith('bucket policy of l-'))
      .filter((g) => !/^arn:aws:(iam::\d{12}:|identitystore:)/.test(g.account))
      .map((g) => `${g.account} ${g.viaName}`);
  /** The organisation's principals a bucket lets in. */
  const insiders = (snapshot: Snapshot, bucket: string) => [
    ...new Set(snapshot.grants.filter((g) => g.viaName === `bucket policy of ${bucket}`).map((g) => g.account)),
  ];
  const ACCOUNTS_MODE = { organization: undefined, accounts: [{ id: PROD, name: 'northwind-production' }] };

  it('keeps our organisation inside and gives another organisation its access, at page size 1', async () => {
    const { snapshot, emulator } = await runAgainstEmulator(await scenario(true), { emulator: { pageSize: 1 } });
    expect(viaBucket(snapshot)).toEqual(['o-someoneelse bucket policy of l-theirs']);
    expect(snapshot.accounts.find((a) => a.id === 'o-someoneelse')).toMatchObject({ kind: 'external' });
    // Ours: every principal of production, the bucket's own account, needs no identity policy for it.
    expect(insiders(snapshot, 'k-ours')).toEqual([
      `arn:aws:iam::${PROD}:role/agency-deploy`,
      `arn:aws:iam::${PROD}:role/prod-ops`,
      `arn:aws:iam::${PROD}:user/kai-dba`,
      `arn:aws:iam::${PROD}:user/ops-admin`,
      `arn:aws:iam::${PROD}:user/sam-ortiz`,
      'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d01',
      'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d02',
    ]);
    // Another organisation's principals are not ours to judge: none of ours holds l-theirs.
    expect(insiders(snapshot, 'l-theirs')).toEqual(['o-someoneelse']);
    // The organisation is described once, for the service control policies and the buckets alike.
    expect(emulator.requests.filter((r) => r.operation === 'organizations:DescribeOrganization')).toHaveLength(1);
    const unpaged = await runAgainstEmulator(await scenario(true));
    expect(inventory(unpaged.snapshot)).toEqual(inventory(snapshot));
  });

  it('reads the same through Organizations throttling and server errors', async () => {
    await expectSameUnderFaults(
      await scenario(true),
      { seed: 7, kinds: ['rate-limit', 'server-error'], operations: ['organizations:DescribeOrganization'] },
      1,
    );
  });

  it('fails closed when the organisation cannot be described: its id is not taken as ours', async () => {
    const { snapshot } = await runAgainstEmulator(
      await scenario(true),
      failingEvery('organizations:DescribeOrganization'),
    );
    expect(viaBucket(snapshot)).toEqual([
      'o-northwind1 bucket policy of k-ours',
      'o-someoneelse bucket policy of l-theirs',
    ]);
    expect(grantsOf(snapshot, 'o-northwind1')[0]?.evidence?.join('\n')).toMatch(
      /aws:PrincipalOrgID o-northwind1 could not be checked against this organisation's id \(organizations:DescribeOrganization: .+\): counted as outside/,
    );
    expect(statusOf(snapshot, PROD)?.ok).toBe(true);
  });

  it('in accounts mode describes the organisation only for a policy that needs it, and fails closed outside one', async () => {
    const inOrg = await runAgainstEmulator(await scenario(true), { config: ACCOUNTS_MODE });
    expect(viaBucket(inOrg.snapshot)).toEqual(['o-someoneelse bucket policy of l-theirs']);
    expect(inOrg.emulator.requests.filter((r) => r.operation === 'organizations:DescribeOrganization')).toHaveLength(1);
    const alone = await runAgainstEmulator(await scenario(false), { config: ACCOUNTS_MODE });
    expect(viaBucket(alone.snapshot)).toEqual([
      'o-northwind1 bucket policy of k-ours',
      'o-someoneelse bucket policy of l-theirs',
    ]);
    expect(grantsOf(alone.snapshot, 'o-northwind1')[0]?.evidence?.join('\n')).toContain(
      'not a member of an organization',
    );
    // No organisation condition in any policy: no call.
    const plain = (await withProd({ buckets: [] })) as { organization?: Json };
    delete plain.organization;
    const quiet = await runAgainstEmulator(plain, { config: ACCOUNTS_MODE });
    expect(quiet.emulator.requests.some((r) => r.operation.startsWith('organizations:'))).toBe(false);
  });
});
