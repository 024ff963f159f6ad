// Role trust: who may assume a role, in every shape IAM allows a trust policy to take.
import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from '../../../connectors/aws/policy.js';
import { parsePolicyDocument } from '../../../connectors/aws/policy.js';
import { describeTrust, trustedPrincipals } from '../../../connectors/aws/trust.js';

const ORG = new Set(['111111111111', '222222222222']);
const doc = (Statement: unknown): PolicyDocument => ({ Version: '2012-10-17', Statement }) as PolicyDocument;
const kinds = (d: PolicyDocument) =>
  trustedPrincipals(d, '111111111111', ORG).map((t) => [t.kind, t.principal, t.externalId]);

describe('aws role trust', () => {
  it('sorts principals into same account, organisation, outside, deleted', () => {
    const d = doc([
      {
        Effect: 'Allow',
        Principal: {
          AWS: [
            'arn:aws:iam::111111111111:role/ci',
            '222222222222',
            'arn:aws:iam::999988887777:root',
            'AROAEXAMPLEDELETED01',
          ],
        },
        Action: 'sts:AssumeRole',
      },
    ]);
    expect(kinds(d)).toEqual([
      ['deleted', 'AROAEXAMPLEDELETED01', false],
      ['same-account', 'arn:aws:iam::111111111111:role/ci', false],
      ['organization', 'arn:aws:iam::222222222222:root', false],
      ['external', 'arn:aws:iam::999988887777:root', false],
    ]);
  });

  it('reads a single-object Statement, Principal "*", services and federation', () => {
    expect(kinds(doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }))).toEqual([['public', '*', false]]);
    expect(
      kinds(
        doc([
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          {
            Effect: 'Allow',
            Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' },
            Action: 'sts:AssumeRoleWithWebIdentity',
          },
        ]),
      ),
    ).toEqual([
      ['federated', 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com', false],
      ['service', 'ec2.amazonaws.com', false],
    ]);
  });

  it('marks sts:ExternalId as a third party and ignores Deny and other actions', () => {
    const d = doc([
      {
        Effect: 'Allow',
        Principal: { AWS: '999988887777' },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'sts:ExternalId': 'x' } },
      },
      { Effect: 'Deny', Principal: { AWS: '555555555555' }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { AWS: '666666666666' }, Action: 'sts:TagSession' },
    ]);
    expect(kinds(d)).toEqual([['external', 'arn:aws:iam::999988887777:root', true]]);
  });

  it('reads an Allow with NotPrincipal as anyone but those it names, and says so', () => {
    const d = doc([
      { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' },
    ]);
    expect(kinds(d)).toEqual([['public', '*', false]]);
    const [anyone] = trustedPrincipals(d, '111111111111', ORG);
    if (!anyone) throw new Error('no principal');
    expect(describeTrust(anyone)).toBe(
      'trusted: anyone but arn:aws:iam::999988887777:root (Allow with NotPrincipal, which IAM refuses in a trust policy)',
    );
    // NotPrincipal "*" leaves nobody.
    expect(kinds(doc({ Effect: 'Allow', NotPrincipal: '*', Action: 'sts:AssumeRole' }))).toEqual([]);
  });

  it('parses URL-encoded trust documents as IAM sends them', () => {
    const encoded = encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:*' }],
      }),
    );
    expect(kinds(parsePolicyDocument(encoded, 'test'))).toEqual([['public', '*', false]]);
  });
});

describe('aws web-identity trust: who may assume the role', () => {
  const github = 'token.actions.githubusercontent.com';
  const audience = (condition?: Record<string, Record<string, unknown>>, provider = github) =>
    trustedPrincipals(
      doc({
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${provider}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        ...(condition ? { Condition: condition } : {}),
      }),
      '111111111111',
      ORG,
    )[0]?.webIdentity;

  it.each([
    ['no condition at all', undefined],
    ['only the audience', { StringEquals: { [`${github}:aud`]: 'sts.amazonaws.com' } }],
    ['sub repo:*', { StringLike: { [`${github}:sub`]: 'repo:*' } }],
    ['sub with a wildcard owner', { StringLike: { [`${github}:sub`]: ['repo:*/deploy:*'] } }],
    ['a negated sub', { StringNotLike: { [`${github}:sub`]: 'repo:evil/*' } }],
  ])('anyone on GitHub: %s', (_name, condition) => {
    expect(audience(condition)).toMatchObject({
      anyone: true,
      who: expect.stringMatching(/^any repository on GitHub/),
    });
  });

  it.each([
    ['an owner pattern', { StringLike: { [`${github}:sub`]: 'repo:northwind/*' } }],
    ['an exact subject', { StringEquals: { [`${github}:sub`]: 'repo:northwind/shop:ref:refs/heads/main' } }],
    ['a wildcard taken literally by StringEquals', { StringEquals: { [`${github}:sub`]: 'repo:*' } }],
  ])('the company only: %s', (_name, condition) => {
    expect(audience(condition)?.anyone).toBe(false);
  });

  it('judges Cognito by its audience (the identity pool), other providers by their subject', () => {
    const cognito = 'cognito-identity.amazonaws.com';
    expect(audience(undefined, cognito)?.anyone).toBe(true);
    expect(audience({ StringEquals: { [`${cognito}:aud`]: 'us-east-1:pool' } }, cognito)?.anyone).toBe(false);
    expect(audience({ StringEquals: { 'accounts.google.com:sub': '1234' } }, 'accounts.google.com')?.anyone).toBe(
      false,
    );
  });

  it('reads a "*" kept by its conditions to accounts as a trust of those accounts', () => {
    const star = (Condition: unknown) =>
      doc([{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition }]);
    expect(kinds(star({ StringEquals: { 'aws:PrincipalAccount': '222222222222' } }))).toEqual([
      ['organization', 'arn:aws:iam::222222222222:root', false],
    ]);
    expect(kinds(star({ StringEquals: { 'aws:PrincipalAccount': '999988887777' } }))).toEqual([
      ['external', 'arn:aws:iam::999988887777:root', false],
    ]);
    // An organisation id that could not be checked is never ours.
    expect(kinds(star({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } }))).toEqual([
      ['external', 'o-abcdefghij', false],
    ]);
    expect(
      trustedPrincipals(star({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } }), '111111111111', ORG, {
        id: 'o-abcdefghij',
      }).map((t) => [t.kind, t.principal]),
    ).toEqual([
      ['same-account', 'arn:aws:iam::111111111111:root'],
      ['organization', 'arn:aws:iam::222222222222:root'],
    ]);
    expect(kinds(star({ StringLike: { 'aws:PrincipalOrgID': 'o-*' } }))).toEqual([['public', '*', false]]);
  });

  it('names as not evaluated only the conditions that did not decide whom a "*" reaches', () => {
    const star = (Condition: unknown) =>
      doc([{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition }]);
    const trusted = trustedPrincipals(
      star({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
      '111111111111',
      ORG,
      { id: 'o-abcdefghij' },
    );
    expect(trusted.map((t) => t.conditions)).toEqual([['aws:MultiFactorAuthPresent'], ['aws:MultiFactorAuthPresent']]);
    // A trust naming a principal evaluates none of its conditions.
    const named = trustedPrincipals(
      doc([
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::222222222222:root' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
        },
      ]),
      '111111111111',
      ORG,
      { id: 'o-abcdefghij' },
    );
    expect(named.map((t) => t.conditions)).toEqual([['aws:PrincipalOrgID']]);
  });
});
