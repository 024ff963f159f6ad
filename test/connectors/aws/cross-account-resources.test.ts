// A bucket or KMS key policy in one account of the organisation that names a principal of another
// (by its ARN), or that account itself: AWS lets the principal in only when its own identity
// policies allow the action on that resource too, within its account's SCPs, its boundary and
// every explicit Deny. Both sides are judged together, the grant is the principal's (in its own
// account's target) on the resource's account, and whoever can become a role that gets it holds it.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/core/model.js';
import { demoScenarioJson, inventory, runAgainstEmulator } from './harness.js';

const PROD = '111111111111';
const STAGING = '222222222222';
const KEY = '0a1b2c3d-0000-4000-8000-0000000000c1';
const KEY_ARN = `arn:aws:kms:us-east-1:${PROD}:key/${KEY}`;
const DANA = '94482488-3041-7026-18f0-6e1a2b3c4d01';

type Json = Record<string, unknown>;

const policy = (...Statement: Json[]) => ({ Version: '2012-10-17', Statement });
const user = (name: string) => `arn:aws:iam::${STAGING}:user/${name}`;
const inline = (name: string, ...statements: Json[]) => ({ name, document: policy(...statements) });
const allow = (Action: string | string[], Resource: string | string[]) => ({ Effect: 'Allow', Action, Resource });

/** The demo's organisation, with buckets and a key in production naming staging and its principals. */
async function scenario(scps: Json[] = []): Promise<Json> {
  const s = (await demoScenarioJson()) as { accounts: Json[]; organization: Json };
  s.organization.scps = scps;
  const prod = s.accounts.find((a) => a.id === PROD) as Json;
  const staging = s.accounts.find((a) => a.id === STAGING) as Json & { roles: Json[] };
  prod.buckets = [
    {
      name: 'x-lake',
      createdAt: '2026-01-01',
      policy: policy({
        Sid: 'StagingReaders',
        Effect: 'Allow',
        Principal: { AWS: [user('quinn'), user('ria'), user('sol')] },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::x-lake/*',
      }),
    },
    {
      name: 'y-shared',
      createdAt: '2026-01-01',
      policy: policy({
        Sid: 'StagingAccount',
        Effect: 'Allow',
        Principal: { AWS: STAGING },
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: 'arn:aws:s3:::y-shared/*',
      }),
    },
  ];
  prod.keys = [
    {
      id: KEY,
      policy: policy(
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: 'kms:*', Resource: '*' },
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${STAGING}:root` },
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: '*',
        },
      ),
    },
  ];
  staging.users = [
    // Named by ARN; its own policy allows S3 everywhere.
    { name: 'quinn', createdAt: '2026-01-01', inlinePolicies: [inline('s3-anywhere', allow('s3:*', '*'))] },
    // Named by ARN, but its own policy denies the objects of x-lake.
    {
      name: 'ria',
      createdAt: '2026-01-01',
      inlinePolicies: [
        inline('s3-anywhere', allow('s3:*', '*'), {
          Effect: 'Deny',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::x-lake/*',
        }),
      ],
    },
    // Named by ARN, but its own policy does not allow the action at all.
    { name: 'sol', createdAt: '2026-01-01', inlinePolicies: [inline('compute', allow('ec2:*', '*'))] },
    // Not named: the account is. Its own policy allows reading y-shared.
    {
      name: 'tia',
      createdAt: '2026-01-01',
      inlinePolicies: [inline('shared-reads', allow('s3:GetObject', 'arn:aws:s3:::y-shared/*'))],
    },
    // The account is named, but its own policy allows another bucket only.
    {
      name: 'uma',
      createdAt: '2026-01-01',
      inlinePolicies: [
        inline('other-bucket', allow('s3:*', ['arn:aws:s3:::other-bucket', 'arn:aws:s3:::other-bucket/*'])),
      ],
    },
    // Allowed to nothing but becoming etl, which decrypts with the key.
    { name: 'vic', createdAt: '2026-01-01' },
  ];
  staging.roles = [
    ...staging.roles,
    {
      name: 'etl',
      createdAt: '2026-01-01',
      trust: policy({ Effect: 'Allow', Principal: { AWS: user('vic') }, Action: 'sts:AssumeRole' }),
      inlinePolicies: [inline('decrypt', allow('kms:Decrypt', `arn:aws:kms:us-east-1:${PROD}:key/*`))],
    },
  ];
  return s;
}

/** The grants another account's resource policy gives a principal: "access permission (via viaName)". */
function fromPolicies(snapshot: Snapshot, account: string): string[] {
  return snapshot.grants
    .filter((g) => g.account === account && g.resource === PROD && /(bucket|key) policy of/.test(g.permission))
    .map((g) => `${g.attributes?.access} ${g.permission} (${g.via} ${g.viaName})`);
}

describe('aws connector: resource policies naming another account of the organisation', () => {
  it('gives a user named by ARN what both its own policies and the bucket policy allow, on the bucket’s account', async () => {
    const { snapshot } = await runAgainstEmulator(await scenario());
    expect(fromPolicies(snapshot, user('quinn'))).toEqual([
      'data-read bucket policy of x-lake (data read: s3:GetObject) (direct bucket policy of x-lake)',
      'write bucket policy of y-shared (direct bucket policy of y-shared)',
      'data-read bucket policy of y-shared (data read: s3:GetObject) (direct bucket policy of y-shared)',
    ]);
    const grant = snapshot.grants.find((g) => g.account === user('quinn') && g.viaName === 'bucket policy of x-lake');
    // The principal's own account holds the grant (its record is there); the access is production's.
    expect(grant).toMatchObject({
      target: STAGING,
      resource: PROD,
      lanes: ['data'],
      attributes: expect.objectContaining({
        aliases: ['northwind-production', 'arn:aws:s3:::x-lake'],
        bucket: 'x-lake',
        policyAccount: PROD,
      }),
    });
    // Evidence names both sides: the bucket policy's statement and the user's own.
    expect(grant?.evidence).toEqual(
      expect.arrayContaining([
        `bucket policy of x-lake in account ${PROD} names ${user('quinn')}`,
        "quinn's own policies allow it: s3-anywhere (inline): Allow s3:* on *",
        'bucket policy of x-lake: Allow s3:GetObject on arn:aws:s3:::x-lake/*',
      ]),
    );
  });

  it('gives nothing to a named user whose own policies do not allow the action, or deny it', async () => {
    const { snapshot } = await runAgainstEmulator(await scenario());
    expect(fromPolicies(snapshot, user('quinn'))).toContain(
      'data-read bucket policy of x-lake (data read: s3:GetObject) (direct bucket policy of x-lake)',
    );
    // ria's explicit Deny on the bucket's objects wins (its S3 elsewhere leaves it y-shared's writes).
    expect(fromPolicies(snapshot, user('ria')).filter((g) => g.includes('x-lake'))).toEqual([]);
    expect(fromPolicies(snapshot, user('sol'))).toEqual([]);
  });

  it('naming the account gives each of its principals what its own policy allows on that resource', async () => {
    const { snapshot } = await runAgainstEmulator(await scenario());
    // tia's policy allows reading y-shared's objects: the read, not the write the bucket offers.
    expect(fromPolicies(snapshot, user('tia'))).toEqual([
      'data-read bucket policy of y-shared (data read: s3:GetObject) (direct bucket policy of y-shared)',
    ]);
    const evidence = snapshot.grants.find(
      (g) => g.account === user('tia') && g.viaName === 'bucket policy of y-shared',
    )?.evidence;
    expect(evidence).toEqual(
      expect.arrayContaining([
        `bucket policy of y-shared in account ${PROD} names account ${STAGING} (arn:aws:iam::${STAGING}:root): every principal of it whose own policies allow it`,
        "tia's own policies allow it: shared-reads (inline): Allow s3:GetObject on arn:aws:s3:::y-shared/*",
      ]),
    );
    expect(evidence?.join('\n')).toMatch(
      /narrowed by its own policies \(shared-reads \(inline\)\): they do not allow s3:PutObject/,
    );
    // uma's policy is for another bucket: nothing of y-shared.
    expect(fromPolicies(snapshot, user('uma'))).toEqual([]);
    // An Identity Center session in staging is a principal of it too: Platform Admins' AdministratorAccess there.
    const dana = snapshot.grants.filter(
      (g) => g.account === `arn:aws:identitystore:::user/${DANA}` && g.viaName === 'bucket policy of y-shared',
    );
    expect(dana.map((g) => `${g.target} ${g.resource} ${g.attributes?.access}`)).toEqual([
      `${PROD} ${PROD} write`,
      `${PROD} ${PROD} data-read`,
    ]);
    expect(dana[0]?.attributes).toMatchObject({ permissionSetName: 'AdministratorAccess', assignmentAccount: STAGING });
  });

  it('reads a KMS key policy naming the account, and follows the roles that get it to whoever may become them', async () => {
    const { snapshot } = await runAgainstEmulator(await scenario());
    const etl = `arn:aws:iam::${STAGING}:role/etl`;
    expect(fromPolicies(snapshot, etl)).toEqual([
      `data-read key policy of ${KEY} (data read: kms:Decrypt) (direct key policy of ${KEY})`,
    ]);
    expect(
      snapshot.grants.find((g) => g.account === etl && g.viaName === `key policy of ${KEY}`)?.attributes,
    ).toMatchObject({ keyId: KEY, keyRegion: 'us-east-1', aliases: ['northwind-production', KEY_ARN] });
    // vic may assume etl: the key's decrypt is vic's too, through the role, with the path as evidence.
    expect(fromPolicies(snapshot, user('vic'))).toEqual([
      `data-read can assume etl: key policy of ${KEY} (data read: kms:Decrypt) (role etl)`,
    ]);
    const path = snapshot.grants.find((g) => g.account === user('vic') && g.permission.includes(KEY));
    expect(path?.evidence).toEqual(expect.arrayContaining(['path: vic → etl (222222222222)']));
    expect(path?.attributes).toMatchObject({ roleArn: etl, trustNamesHolder: 'true' });
    // The audit role's SecurityAudit describes keys but does not decrypt: metadata only.
    expect(fromPolicies(snapshot, `arn:aws:iam::${STAGING}:role/lanekeeper-audit`)).toEqual([
      `read key policy of ${KEY} (metadata read) (direct key policy of ${KEY})`,
    ]);
  });

  it("keeps to the service control policies of the principal's account: an SCP denying S3 there takes the buckets away", async () => {
    const denyS3 = {
      id: 'p-denys3aa',
      name: 'deny-s3',
      targets: [STAGING],
      document: policy({ Effect: 'Deny', Action: 's3:*', Resource: '*' }),
    };
    const { snapshot } = await runAgainstEmulator(await scenario([denyS3]));
    expect(fromPolicies(snapshot, user('quinn'))).toEqual([]);
    expect(fromPolicies(snapshot, user('tia'))).toEqual([]);
    // The key is not S3: etl keeps its decrypt.
    expect(fromPolicies(snapshot, `arn:aws:iam::${STAGING}:role/etl`)).toHaveLength(1);
  });

  it('reads the same at page size 1', async () => {
    const input = await scenario();
    const clean = await runAgainstEmulator(input);
    const paged = await runAgainstEmulator(input, { emulator: { pageSize: 1 } });
    expect(inventory(paged.snapshot)).toEqual(inventory(clean.snapshot));
    expect(clean.snapshot.grants.some((g) => g.account === user('quinn') && g.resource === PROD)).toBe(true);
  });
});
