// From one account's IAM facts to records, without a server: groups, boundaries, service
// users, emails from tags, trust of outside and public principals, and credentials.
import { describe, expect, it } from 'vitest';
import type { AuthorizationDetails, IamUser } from '../../../connectors/aws/authorization.js';
import { classifyAwsGrant } from '../../../connectors/aws/classify.js';
import type { CredentialFacts } from '../../../connectors/aws/credentials.js';
import type { NamedPolicy } from '../../../connectors/aws/policy.js';
import { buildAccountRecords, shortenKeyId } from '../../../connectors/aws/records.js';
import { AwsLanesSchema } from '../../../connectors/aws/schema.js';
import type { Gap } from '../../../src/core/model.js';

const ACCT = '111111111111';
const arn = (kind: string, name: string) => `arn:aws:iam::${ACCT}:${kind}/${name}`;
const doc = (Statement: unknown[]): NamedPolicy['document'] =>
  ({ Version: '2012-10-17', Statement }) as NamedPolicy['document'];
const READ_ONLY = `arn:aws:iam::aws:policy/ReadOnlyAccess`;
const BOUNDARY = `arn:aws:iam::${ACCT}:policy/dev-boundary`;

const details: AuthorizationDetails = {
  users: [
    {
      name: 'ana',
      arn: arn('user', 'ana'),
      path: '/',
      groups: ['developers'],
      inline: [],
      attached: [],
      tags: { Email: 'Ana@Northwind.example' },
    },
    {
      name: 'ci-deployer',
      arn: arn('user', 'ci-deployer'),
      path: '/',
      groups: [],
      inline: [
        { name: 'deploy (inline)', document: doc([{ Effect: 'Allow', Action: 'ecs:UpdateService', Resource: '*' }]) },
      ],
      attached: [],
      tags: {},
    },
    {
      name: 'bounded',
      arn: arn('user', 'bounded'),
      path: '/',
      groups: [],
      inline: [],
      attached: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
      boundaryArn: BOUNDARY,
      tags: { 'lanekeeper:kind': 'Service', 'owner-email': 'dana@northwind.example' },
    },
    {
      // Its boundary is not among the account's policies: it is left out, not taken as empty.
      name: 'lost-boundary',
      arn: arn('user', 'lost-boundary'),
      path: '/',
      groups: [],
      inline: [],
      attached: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
      boundaryArn: 'arn:aws:iam::aws:policy/NotReadHere',
      tags: {},
    },
  ],
  groups: [
    {
      name: 'developers',
      arn: arn('group', 'developers'),
      path: '/',
      inline: [],
      attached: [{ name: 'ReadOnlyAccess', arn: READ_ONLY }],
    },
  ],
  roles: [
    {
      name: 'open-door',
      arn: arn('role', 'open-door'),
      path: '/',
      inline: [
        { name: 'list (inline)', document: doc([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]) },
      ],
      attached: [],
      tags: {},
      trust: doc([
        { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { AWS: ['AROADELETEDROLE00001', '222222222222'] }, Action: 'sts:AssumeRole' },
      ]),
    },
  ],
  policies: new Map([
    [
      READ_ONLY,
      {
        name: 'ReadOnlyAccess',
        document: doc([{ Effect: 'Allow', Action: ['ec2:Describe*', 's3:Get*'], Resource: '*' }]),
      },
    ],
    [
      'arn:aws:iam::aws:policy/AdministratorAccess',
      { name: 'AdministratorAccess', document: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) },
    ],
    [BOUNDARY, { name: 'dev-boundary', document: doc([{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }]) }],
  ]),
};

const credentials: CredentialFacts = {
  source: 'credential-report',
  readOneByOne: [],
  users: new Map([
    ['ana', { mfa: true, password: { lastUsedAt: '2026-11-01T00:00:00.000Z' }, keys: [] }],
    [
      'ci-deployer',
      {
        mfa: false,
        keys: [
          { id: 'AKIAIOSFODNN7EXAMPLE', slot: 1, active: true, createdAt: '2026-01-01T00:00:00.000Z' },
          { slot: 2, active: false, createdAt: '2026-02-01T00:00:00.000Z' },
        ],
      },
    ],
  ]),
  root: { mfa: false, keys: [] },
};

describe('aws records', () => {
  const warnings: string[] = [];
  const records = buildAccountRecords(
    {
      accountId: ACCT,
      accountName: 'northwind-production',
      accountTags: [],
      details,
      credentials,
      organizationAccounts: new Set([ACCT, '222222222222']),
    },
    (m) => warnings.push(m),
  );
  // Classified as the pipeline does when collect() receives each grant.
  const lanes = AwsLanesSchema.parse({ production: ['northwind-production'] });
  const classified = records.grants.map((g) => ({ ...g, ...classifyAwsGrant(g, { lanes }) }));
  const grants = (account: string) => classified.filter((g) => g.account === account);
  const account = (id: string) => records.accounts.find((a) => a.id === id);

  it('gives a group member the group’s access, via the group, with the policy ARN', () => {
    expect(
      grants(arn('user', 'ana')).map((g) => [
        g.permission,
        g.via,
        g.viaName,
        g.lanes,
        g.level,
        g.attributes?.policyArn,
      ]),
    ).toEqual([
      [
        'ReadOnlyAccess (group developers) (data read: s3:GetObject, s3:GetObjectVersion)',
        'group',
        'developers',
        ['data'],
        'read',
        READ_ONLY,
      ],
      ['ReadOnlyAccess (group developers) (metadata read)', 'group', 'developers', ['production'], 'read', READ_ONLY],
    ]);
    expect(account(arn('user', 'ana'))).toMatchObject({ kind: 'human', emails: ['ana@northwind.example'], mfa: true });
    // An owner's address names who answers for the user, not who signs in as it.
    expect(account(arn('user', 'bounded'))?.emails).toEqual([]);
  });

  it('leaves out a boundary it could not resolve, rather than take every action away', () => {
    expect(grants(arn('user', 'lost-boundary')).map((g) => g.level)).toContain('admin');
  });

  it('caps access by the permissions boundary and says so', () => {
    const held = grants(arn('user', 'bounded'));
    // ec2:* is all the boundary leaves: changes, and ec2:GetPasswordData, a data read.
    expect(held.map((g) => [g.level, g.lanes, g.attributes?.access])).toEqual([
      ['write', ['production'], 'write'],
      ['read', ['data'], 'data-read'],
    ]);
    expect(held[0]?.evidence?.[0]).toBe('permissions boundary: dev-boundary');
    expect(account(arn('user', 'bounded'))?.kind).toBe('service');
  });

  it('names an inline policy for remediation and calls a CI user a service', () => {
    expect(grants(arn('user', 'ci-deployer'))).toEqual([
      expect.objectContaining({
        permission: 'deploy (inline)',
        level: 'write',
        attributes: expect.objectContaining({ policyName: 'deploy' }),
      }),
    ]);
    expect(account(arn('user', 'ci-deployer'))?.kind).toBe('service');
  });

  it('shortens key ids and keeps a key the report knows only by its slot', () => {
    expect(
      records.credentials.filter((c) => c.account === arn('user', 'ci-deployer')).map((c) => [c.id, c.active]),
    ).toEqual([
      ['AKIA…MPLE', true],
      ['ci-deployer access key 2', false],
    ]);
    expect(shortenKeyId('ASIAXXXXXXXXXXXX1234')).toBe('ASIA…1234');
  });

  it('makes "*" trust a public account that can assume the role; warns about a deleted principal', () => {
    expect(account('*')).toMatchObject({ kind: 'public', login: '*' });
    expect(grants('*')).toEqual([
      expect.objectContaining({
        permission: 'can assume open-door: list (inline) (metadata read)',
        via: 'role',
        viaName: 'open-door',
      }),
    ]);
    expect(warnings.join('\n')).toMatch(/open-door trusts AROADELETEDROLE00001, a principal that was deleted/);
    // Another account of the organisation is not outside: no account of its own.
    expect(account('arn:aws:iam::222222222222:root')).toBeUndefined();
    expect(account(arn('role', 'open-door'))?.attributes?.trustedBy).toEqual([
      'trusted: anyone (Principal "*")',
      'trusted: a deleted principal AROADELETEDROLE00001',
      'trusted: arn:aws:iam::222222222222:root',
    ]);
  });

  it('sorts accounts and grants', () => {
    const ids = records.accounts.map((a) => a.id);
    expect(ids).toEqual([...ids].sort());
  });
});

describe('aws records: a policy it was not given', () => {
  it('is a named gap, not access silently left out', () => {
    const gaps: Gap[] = [];
    const missing = 'arn:aws:iam::111111111111:policy/vanished';
    buildAccountRecords(
      {
        accountId: ACCT,
        accountName: 'northwind-production',
        accountTags: [],
        details: {
          ...details,
          users: [{ ...(details.users[0] as IamUser), groups: [], attached: [{ name: 'vanished', arn: missing }] }],
        },
        credentials,
        organizationAccounts: new Set([ACCT]),
      },
      () => {},
      (g) => gaps.push(g),
    );
    expect(gaps).toEqual([{ kind: 'aws.policy-missing', detail: expect.stringContaining(missing) }]);
  });
});
