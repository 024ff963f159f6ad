// A bucket or key policy whose Principal "*" is kept to the organisation by its conditions
// (aws:PrincipalOrgID of ours, aws:PrincipalAccount, aws:PrincipalArn) reaches every principal of
// the accounts it is kept to: in another account where the principal's own policies allow the
// action on that resource too (within its SCPs), in the policy's own account by the policy alone.
// And what a policy gives a role of its own account by name is held by whoever can become the role.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/core/model.js';
import { demoScenarioJson, inventory, runAgainstEmulator } from './harness.js';

const PROD = '111111111111';
const STAGING = '222222222222';
const DANA = 'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d01';
const OLGA = 'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d02';
const KEY = '0a1b2c3d-0000-4000-8000-0000000000d1';

type Json = Record<string, unknown>;

const policy = (...Statement: Json[]) => ({ Version: '2012-10-17', Statement });
const inline = (name: string, ...statements: Json[]) => ({ name, document: policy(...statements) });
const allow = (Action: string | string[], Resource: string | string[]) => ({ Effect: 'Allow', Action, Resource });
const arn = (account: string, kind: 'user' | 'role', name: string) => `arn:aws:iam::${account}:${kind}/${name}`;
const SAM = arn(PROD, 'user', 'sam-ortiz');
const WES = arn(STAGING, 'user', 'wes');
const SOL = arn(STAGING, 'user', 'sol');
const ZED = arn(STAGING, 'user', 'zed');
const LIA = arn(PROD, 'user', 'lia');
const LOADER = arn(PROD, 'role', 'loader');

/** A bucket of production whose "*" may get its objects, as far as the condition allows. */
const star = (name: string, Condition: Json) => ({
  name,
  createdAt: '2026-01-01',
  policy: policy({
    Sid: 'Readers',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${name}/*`,
    Condition,
  }),
});

/** The demo, its production buckets replaced, with staging users and a production role to become. */
async function scenario(buckets: Json[], extra: { scps?: Json[]; keys?: Json[] } = {}): Promise<Json> {
  const s = (await demoScenarioJson()) as { accounts: Json[]; organization: Json };
  if (extra.scps) s.organization.scps = extra.scps;
  const prod = s.accounts.find((a) => a.id === PROD) as Json & { users: Json[]; roles: Json[] };
  const staging = s.accounts.find((a) => a.id === STAGING) as Json;
  prod.buckets = buckets;
  if (extra.keys) prod.keys = extra.keys;
  prod.users = [
    ...prod.users,
    // May become loader (its trust names lia); nothing else.
    { name: 'lia', createdAt: '2026-01-01' },
  ];
  prod.roles = [
    ...prod.roles,
    {
      name: 'loader',
      createdAt: '2026-01-01',
      trust: policy({ Effect: 'Allow', Principal: { AWS: LIA }, Action: 'sts:AssumeRole' }),
      // Nothing of S3 of its own: only the bucket policy naming it gives it the bucket.
      inlinePolicies: [inline('queues', allow('sqs:SendMessage', '*'))],
    },
  ];
  staging.users = [
    // Its own policy allows reading every bucket's objects.
    { name: 'wes', createdAt: '2026-01-01', inlinePolicies: [inline('read-objects', allow('s3:GetObject', '*'))] },
    // Its own policy allows nothing of S3.
    { name: 'sol', createdAt: '2026-01-01', inlinePolicies: [inline('compute', allow('ec2:*', '*'))] },
    // S3 everywhere, but its name does not match a pattern below.
    { name: 'zed', createdAt: '2026-01-01', inlinePolicies: [inline('s3-anywhere', allow('s3:*', '*'))] },
  ];
  return s;
}

/** "access permission (via viaName)" of the grants a bucket or key policy gives the account. */
function fromPolicy(snapshot: Snapshot, account: string, name: string): string[] {
  return snapshot.grants
    .filter((g) => g.account === account && g.resource === PROD && g.permission.includes(`policy of ${name}`))
    .map((g) => `${g.attributes?.access} ${g.permission} (${g.via} ${g.viaName})`);
}

const ORG_READS =
  'data-read bucket policy of m-org-reads (data read: s3:GetObject) (direct bucket policy of m-org-reads)';

describe('aws connector: a bucket or key policy "*" kept to the organisation', () => {
  const orgReads = star('m-org-reads', { StringEquals: { 'aws:PrincipalOrgID': 'o-northwind1' } });

  it('gives a principal of another account of the organisation what its own policies allow on the bucket', async () => {
    const { snapshot } = await runAgainstEmulator(await scenario([orgReads]));
    expect(fromPolicy(snapshot, WES, 'm-org-reads')).toEqual([ORG_READS]);
    const grant = snapshot.grants.find((g) => g.account === WES && g.viaName === 'bucket policy of m-org-reads');
    expect(grant).toMatchObject({
      target: STAGING,
      resource: PROD,
      lanes: ['data'],
      attributes: expect.objectContaining({ bucket: 'm-org-reads', policyAccount: PROD }),
    });
    expect(grant?.evidence).toEqual(
      expect.arrayContaining([
        `bucket policy of m-org-reads in account ${PROD} lets in every principal of the organisation (Principal "*" kept by aws:PrincipalOrgID o-northwind1)`,
        "wes's own policies allow it: read-objects (inline): Allow s3:GetObject on *",
      ]),
    );
    // The condition that kept it was read: it is not called unevaluated.
    expect(grant?.evidence?.join('\n')).not.toMatch(/condition not evaluated/);
    // Where its own policies allow nothing of S3, nothing: both sides must allow across accounts.
    expect(fromPolicy(snapshot, SOL, 'm-org-reads')).toEqual([]);
    // An Identity Center session in staging with AdministratorAccess is a principal of the organisation too.
    expect(
      snapshot.grants
        .filter((g) => g.account === DANA && g.viaName === 'bucket policy of m-org-reads')
        .map((g) => g.attributes?.assignmentAccount),
    ).toEqual([PROD, STAGING]);
    // Nobody outside: no public or outside account from it.
    expect(
      snapshot.grants.filter((g) => g.viaName === 'bucket policy of m-org-reads' && !g.account.startsWith('arn:aws:')),
    ).toEqual([]);
  });

  it("lets in every principal of the bucket's own account by the policy alone, and whoever can become its roles", async () => {
    const { snapshot } = await runAgainstEmulator(await scenario([orgReads]));
    // sam-ortiz's own policies say nothing of the bucket: within one account the policy is enough.
    expect(fromPolicy(snapshot, SAM, 'm-org-reads')).toEqual([ORG_READS]);
    const grant = snapshot.grants.find((g) => g.account === SAM && g.viaName === 'bucket policy of m-org-reads');
    expect(grant?.target).toBe(PROD);
    expect(grant?.evidence).toEqual(
      expect.arrayContaining([
        `sam-ortiz is of the policy's own account ${PROD}: there a resource policy that lets a principal in needs no identity policy beside it (the account's service control policies still cap it)`,
      ]),
    );
    // A view-only Identity Center session in production too.
    expect(fromPolicy(snapshot, OLGA, 'm-org-reads')).toEqual([ORG_READS]);
    // kai-dba may become prod-ops: it holds the read directly and through the role.
    expect(fromPolicy(snapshot, arn(PROD, 'user', 'kai-dba'), 'm-org-reads')).toEqual([
      ORG_READS,
      'data-read can assume prod-ops: bucket policy of m-org-reads (data read: s3:GetObject) (role prod-ops)',
    ]);
    // The agency may become agency-deploy, a principal of the organisation: the read is the agency's too.
    expect(fromPolicy(snapshot, 'arn:aws:iam::999988887777:root', 'm-org-reads')).toEqual([
      'data-read can assume agency-deploy: bucket policy of m-org-reads (data read: s3:GetObject) (role agency-deploy)',
    ]);
  });

  it('keeps to the accounts and ARN patterns its conditions name', async () => {
    const { snapshot } = await runAgainstEmulator(
      await scenario([
        star('p-staging-only', { StringEquals: { 'aws:PrincipalAccount': [STAGING] } }),
        star('q-w-users', {
          StringEquals: { 'aws:PrincipalOrgID': 'o-northwind1' },
          ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${STAGING}:user/w*` },
        }),
      ]),
    );
    expect(fromPolicy(snapshot, WES, 'p-staging-only')).toHaveLength(1);
    expect(fromPolicy(snapshot, ZED, 'p-staging-only')).toHaveLength(1);
    // Production is not among the accounts named: its principals are not let in.
    expect(fromPolicy(snapshot, SAM, 'p-staging-only')).toEqual([]);
    expect(fromPolicy(snapshot, WES, 'q-w-users')).toHaveLength(1);
    expect(fromPolicy(snapshot, ZED, 'q-w-users')).toEqual([]);
    expect(fromPolicy(snapshot, SAM, 'q-w-users')).toEqual([]);
    expect(
      snapshot.grants.find((g) => g.account === WES && g.viaName === 'bucket policy of q-w-users')?.evidence,
    ).toEqual(
      expect.arrayContaining([
        `bucket policy of q-w-users in account ${PROD} lets in every principal of account ${STAGING} whose ARN is like arn:aws:iam::${STAGING}:user/w* (Principal "*" kept by aws:PrincipalOrgID o-northwind1 and aws:PrincipalArn arn:aws:iam::${STAGING}:user/w*)`,
      ]),
    );
  });

  it("gives the organisation's principals nothing from another organisation's id, or a service's source account", async () => {
    const { snapshot } = await runAgainstEmulator(
      await scenario([
        orgReads,
        star('r-theirs', { StringEquals: { 'aws:PrincipalOrgID': 'o-someoneelse' } }),
        star('s-service-logs', { StringEquals: { 'aws:SourceAccount': PROD } }),
      ]),
    );
    // Ours reaches them (the contrast), the other organisation's does not: its accounts are outside.
    expect(fromPolicy(snapshot, WES, 'm-org-reads')).toHaveLength(1);
    expect(fromPolicy(snapshot, SAM, 'm-org-reads')).toHaveLength(1);
    const holders = (name: string) => [
      ...new Set(snapshot.grants.filter((g) => g.viaName === `bucket policy of ${name}`).map((g) => g.account)),
    ];
    expect(holders('r-theirs')).toEqual(['o-someoneelse']);
    // aws:SourceAccount is an AWS service's, acting for a resource: no principal's own request has it.
    expect(holders('s-service-logs')).toEqual([]);
  });

  it('keeps to the service control policies of the principal’s account: an SCP denying the read takes it away', async () => {
    const denyReads = {
      id: 'p-denyget1',
      name: 'deny-object-reads',
      targets: [STAGING],
      document: policy({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }),
    };
    const { snapshot } = await runAgainstEmulator(await scenario([orgReads], { scps: [denyReads] }));
    expect(fromPolicy(snapshot, WES, 'm-org-reads')).toEqual([]);
    expect(fromPolicy(snapshot, ZED, 'm-org-reads')).toEqual([]);
    // Dana's session in staging is capped too; hers in production (the management account, which
    // SCPs do not bind) keeps the read.
    expect(
      snapshot.grants
        .filter((g) => g.account === DANA && g.viaName === 'bucket policy of m-org-reads')
        .map((g) => g.attributes?.assignmentAccount),
    ).toEqual([PROD]);
    expect(fromPolicy(snapshot, SAM, 'm-org-reads')).toEqual([ORG_READS]);
  });

  it('reads a key policy "*" kept to the organisation the same way', async () => {
    const keys = [
      {
        id: KEY,
        policy: policy(
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: 'kms:*', Resource: '*' },
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-northwind1' } },
          },
        ),
      },
    ];
    const { snapshot } = await runAgainstEmulator(await scenario([], { keys }));
    // zed's s3:* is not KMS: nothing; Dana's AdministratorAccess in staging decrypts.
    expect(fromPolicy(snapshot, ZED, KEY)).toEqual([]);
    expect(
      snapshot.grants
        .filter((g) => g.account === DANA && g.viaName === `key policy of ${KEY}`)
        .map((g) => `${g.attributes?.assignmentAccount} ${g.attributes?.access}`),
    ).toEqual([`${PROD} data-read`, `${STAGING} data-read`]);
    // In the key's own account the key policy alone lets sam-ortiz decrypt.
    expect(fromPolicy(snapshot, SAM, KEY)).toEqual([
      `data-read key policy of ${KEY} (data read: kms:Decrypt) (direct key policy of ${KEY})`,
    ]);
  });
});

describe('aws connector: a bucket policy naming a role of its own account, held by whoever can become it', () => {
  const etlDrop = {
    name: 'n-etl-drop',
    createdAt: '2026-01-01',
    policy: policy({
      Sid: 'Loader',
      Effect: 'Allow',
      Principal: { AWS: LOADER },
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: 'arn:aws:s3:::n-etl-drop/*',
    }),
  };

  it('gives the role the bucket, and the user who may assume it the same through the role, with the path', async () => {
    const { snapshot } = await runAgainstEmulator(await scenario([etlDrop]), { emulator: { pageSize: 1 } });
    // The role's own record: named by ARN within its account, no identity policy needed.
    expect(fromPolicy(snapshot, LOADER, 'n-etl-drop')).toEqual([
      'write bucket policy of n-etl-drop (direct bucket policy of n-etl-drop)',
      'data-read bucket policy of n-etl-drop (data read: s3:GetObject) (direct bucket policy of n-etl-drop)',
    ]);
    // lia may become loader: it holds the role's bucket access too.
    expect(fromPolicy(snapshot, LIA, 'n-etl-drop')).toEqual([
      'write can assume loader: bucket policy of n-etl-drop (role loader)',
      'data-read can assume loader: bucket policy of n-etl-drop (data read: s3:GetObject) (role loader)',
    ]);
    const held = snapshot.grants.find((g) => g.account === LIA && g.permission.includes('n-etl-drop'));
    expect(held?.evidence).toEqual(
      expect.arrayContaining([
        `path: lia → loader (${PROD})`,
        `bucket policy of n-etl-drop in account ${PROD} names ${LOADER}`,
      ]),
    );
    expect(held?.attributes).toMatchObject({ roleArn: LOADER, trustNamesHolder: 'true' });
    // Only those who can become it: sam-ortiz cannot.
    expect(fromPolicy(snapshot, SAM, 'n-etl-drop')).toEqual([]);
    const unpaged = await runAgainstEmulator(await scenario([etlDrop]));
    expect(inventory(unpaged.snapshot)).toEqual(inventory(snapshot));
  });
});
