// Whom a resource policy's statements reach, without a server: NotPrincipal (an Allow lets in
// everyone but those it names, a Deny refuses everyone but them) and the organisation conditions
// on a Principal "*", checked against the organisation's own id.
import { describe, expect, it } from 'vitest';
import type { AccountScan } from '../../../connectors/aws/records.js';
import { type ResourcePolicyFacts, withResourcePolicies } from '../../../connectors/aws/resource-policies.js';

const PROD = '111111111111';
const STAGING = '222222222222';
const OUTSIDE = 'arn:aws:iam::444455556666:root';
const OTHER = 'arn:aws:iam::777788889999:root';
const OWN_ROLE = `arn:aws:iam::${PROD}:role/app`;

type Json = Record<string, unknown>;

const scan: AccountScan = {
  accountId: PROD,
  accountName: 'northwind-production',
  accountTags: [],
  details: { users: [], groups: [], roles: [], policies: new Map() },
  credentials: { source: 'credential-report', users: new Map(), readOneByOne: [] },
  organizationAccounts: new Set([PROD, STAGING]),
};

/** The records one bucket's policy adds, with the account's own role already read. */
function bucket(statements: Json[], extra: Omit<ResourcePolicyFacts, 'buckets'> = {}) {
  const records = withResourcePolicies(
    {
      accounts: [
        {
          system: 'aws',
          target: PROD,
          id: OWN_ROLE,
          login: 'app',
          displayName: 'app',
          emails: [],
          kind: 'service',
          status: 'active',
          role: 'iam-role',
        },
      ],
      grants: [],
      credentials: [],
    },
    scan,
    {
      ...extra,
      buckets: [
        {
          name: 'drop',
          region: 'us-east-1',
          policy: { Version: '2012-10-17', Statement: statements } as never,
        },
      ],
    },
  );
  const grants = (account: string) =>
    records.grants.filter((g) => g.account === account).map((g) => `${g.attributes?.access} ${g.permission}`);
  const evidence = (account: string) =>
    records.grants
      .filter((g) => g.account === account)
      .flatMap((g) => g.evidence ?? [])
      .join('\n');
  const holders = [...new Set(records.grants.map((g) => g.account))].sort();
  return { records, grants, evidence, holders };
}

const READ = { Action: 's3:GetObject', Resource: 'arn:aws:s3:::drop/*' };

describe('resource policies: NotPrincipal', () => {
  it('an Allow with NotPrincipal lets in anyone but those it names, said so in the evidence', () => {
    const r = bucket([{ Effect: 'Allow', NotPrincipal: { AWS: [OUTSIDE] }, ...READ }]);
    expect(r.holders).toEqual(['*']);
    expect(r.grants('*')).toEqual(['data-read bucket policy of drop (data read: s3:GetObject)']);
    expect(r.evidence('*')).toContain(`anyone but ${OUTSIDE} (Allow with NotPrincipal)`);
    expect(r.records.accounts.find((a) => a.id === '*')).toMatchObject({ kind: 'public', role: 'trusted-principal' });
  });

  it('reads the conditions of an Allow with NotPrincipal as those of a Principal "*"', () => {
    // Kept to the organisation's accounts: nobody outside.
    expect(
      bucket([
        {
          Effect: 'Allow',
          NotPrincipal: { AWS: OUTSIDE },
          ...READ,
          Condition: { StringEquals: { 'aws:PrincipalAccount': [PROD, STAGING] } },
        },
      ]).holders,
    ).toEqual([]);
    // Kept to two outside accounts, one of which it leaves out: the other.
    const two = bucket([
      {
        Effect: 'Allow',
        NotPrincipal: { AWS: '444455556666' },
        ...READ,
        Condition: { StringEquals: { 'aws:PrincipalAccount': ['444455556666', '777788889999'] } },
      },
    ]);
    expect(two.holders).toEqual([OTHER]);
    expect(two.evidence(OTHER)).toContain('Allow with NotPrincipal');
  });

  it('an Allow with NotPrincipal "*" lets nobody in', () => {
    expect(bucket([{ Effect: 'Allow', NotPrincipal: '*', ...READ }]).holders).toEqual([]);
    expect(bucket([{ Effect: 'Allow', NotPrincipal: { AWS: '*' }, ...READ }]).holders).toEqual([]);
  });

  it('a Deny with NotPrincipal refuses every principal it does not name', () => {
    const r = bucket([
      { Effect: 'Allow', Principal: { AWS: [OUTSIDE, OTHER, OWN_ROLE] }, ...READ },
      { Effect: 'Deny', NotPrincipal: { AWS: [OTHER, OWN_ROLE] }, Action: 's3:*', Resource: '*' },
    ]);
    // Refused: the account the Deny does not name.
    expect(r.grants(OUTSIDE)).toEqual([]);
    // Spared: the ones it names, outside or our own.
    expect(r.grants(OTHER)).toEqual(['data-read bucket policy of drop (data read: s3:GetObject)']);
    expect(r.grants(OWN_ROLE)).toEqual(['data-read bucket policy of drop (data read: s3:GetObject)']);
  });

  it('a Deny with NotPrincipal takes anyone away from a Principal "*", and leaves those it names their access', () => {
    const r = bucket([
      { Effect: 'Allow', Principal: '*', ...READ },
      { Effect: 'Deny', NotPrincipal: { AWS: [OUTSIDE, OWN_ROLE] }, Action: 's3:*', Resource: '*' },
    ]);
    expect(r.grants('*')).toEqual([]);
    expect(r.grants(OUTSIDE)).toEqual(['data-read bucket policy of drop (data read: s3:GetObject)']);
    expect(r.evidence(OUTSIDE)).toContain(`bucket policy of drop refuses everyone but ${OUTSIDE}, ${OWN_ROLE}`);
  });

  it('a Deny with NotPrincipal and a condition is noted, not applied, as any conditional Deny', () => {
    const r = bucket([
      { Effect: 'Allow', Principal: { AWS: OUTSIDE }, ...READ },
      {
        Effect: 'Deny',
        NotPrincipal: { AWS: OTHER },
        Action: 's3:*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    expect(r.grants(OUTSIDE)).toEqual(['data-read bucket policy of drop (data read: s3:GetObject)']);
    expect(r.evidence(OUTSIDE)).toMatch(/Deny with a condition not applied: .*everyone but/);
  });
});

describe('resource policies: the organisation a Principal "*" is kept to', () => {
  const OURS = { organization: { id: 'o-northwind1' } };
  const star = (Condition: Json) => [{ Effect: 'Allow', Principal: '*', ...READ, Condition }];
  const orgId = (id: string | string[]) => star({ StringEquals: { 'aws:PrincipalOrgID': id } });

  it('our own organisation id keeps it inside', () => {
    expect(bucket(orgId('o-northwind1'), OURS).holders).toEqual([]);
    expect(
      bucket(star({ StringLike: { 'aws:PrincipalOrgPaths': 'o-northwind1/r-ab12/ou-ab12-11111111/*' } }), OURS).holders,
    ).toEqual([]);
  });

  it('another organisation id is that organisation: outside, reported like any outside account', () => {
    const r = bucket(orgId('o-someoneelse'), OURS);
    expect(r.holders).toEqual(['o-someoneelse']);
    expect(r.grants('o-someoneelse')).toEqual(['data-read bucket policy of drop (data read: s3:GetObject)']);
    expect(r.records.accounts.find((a) => a.id === 'o-someoneelse')).toMatchObject({
      kind: 'external',
      role: 'trusted-principal',
      displayName: 'AWS accounts of the organisation o-someoneelse (another organisation)',
    });
    expect(r.evidence('o-someoneelse')).toContain(
      'aws:PrincipalOrgID o-someoneelse is not this organisation (o-northwind1): its accounts are outside',
    );
    // A path in another organisation, and the organisation of a service's source, the same.
    expect(
      bucket(star({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-someoneelse/r-zz99/*'] } }), OURS).holders,
    ).toEqual(['o-someoneelse']);
    expect(bucket(star({ StringEquals: { 'aws:SourceOrgID': 'o-someoneelse' } }), OURS).holders).toEqual([
      'o-someoneelse',
    ]);
  });

  it('of several ids, only those not ours are outside', () => {
    expect(bucket(orgId(['o-northwind1', 'o-someoneelse']), OURS).holders).toEqual(['o-someoneelse']);
  });

  it('an unknown organisation id fails closed: outside, with a note saying why', () => {
    for (const unknown of [{ organization: { unknown: 'organizations:DescribeOrganization: AccessDenied' } }, {}]) {
      const r = bucket(orgId('o-northwind1'), unknown);
      expect(r.holders).toEqual(['o-northwind1']);
      expect(r.records.accounts.find((a) => a.id === 'o-northwind1')).toMatchObject({ kind: 'external' });
      expect(r.evidence('o-northwind1')).toMatch(
        /aws:PrincipalOrgID o-northwind1 could not be checked against this organisation's id \(.+\): counted as outside/,
      );
    }
    expect(
      bucket(orgId('o-northwind1'), {
        organization: { unknown: 'organizations:DescribeOrganization: AccessDenied' },
      }).evidence('o-northwind1'),
    ).toContain('AccessDenied');
  });

  it('a wildcard organisation narrows nothing; a network still keeps it in', () => {
    expect(bucket(star({ StringLike: { 'aws:PrincipalOrgID': 'o-*' } }), OURS).holders).toEqual(['*']);
    expect(
      bucket(
        star({
          StringEquals: { 'aws:PrincipalOrgID': 'o-someoneelse' },
          IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
        }),
        OURS,
      ).holders,
    ).toEqual([]);
  });

  it('an Allow with NotPrincipal kept to another organisation is that organisation', () => {
    expect(
      bucket(
        [
          {
            Effect: 'Allow',
            NotPrincipal: { AWS: OUTSIDE },
            ...READ,
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-someoneelse' } },
          },
        ],
        OURS,
      ).holders,
    ).toEqual(['o-someoneelse']);
  });
});
