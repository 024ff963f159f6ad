// The policy evaluator, table-driven: each case is a set of policies (and maybe a boundary)
// and what they amount to. Conditions are not evaluated; the notes say so.
import { describe, expect, it } from 'vitest';
import {
  accessJudge,
  allowsActionOn,
  categoryOf,
  evaluateAccess,
  globMatches,
} from '../../../connectors/aws/evaluator.js';
import type { NamedPolicy, Statement } from '../../../connectors/aws/policy.js';

type S = Statement;
const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<S> = {}): S => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Partial<S> = {}): S => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...extra,
});
const allowNot = (NotAction: string | string[], Resource: string | string[] = '*'): S => ({
  Effect: 'Allow',
  NotAction,
  Resource,
});
const denyNot = (NotAction: string | string[], Resource: string | string[] = '*'): S => ({
  Effect: 'Deny',
  NotAction,
  Resource,
});
const policy = (name: string, ...statements: S[]): NamedPolicy => ({
  name,
  document: { Version: '2012-10-17', Statement: statements },
});

/** admin, write, data read, metadata read */
type Expect = [boolean, boolean, boolean, boolean];

interface Case {
  name: string;
  policies: NamedPolicy[];
  boundary?: NamedPolicy[];
  expect: Expect;
  note?: RegExp;
}

const ADMIN: Expect = [true, true, true, true];
const NOTHING: Expect = [false, false, false, false];

const cases: Case[] = [
  // Administrator power
  { name: 'Action * on *', policies: [policy('AdministratorAccess', allow('*'))], expect: ADMIN },
  { name: 'Action *:* on *', policies: [policy('p', allow('*:*'))], expect: ADMIN },
  { name: 'iam:* on * is admin', policies: [policy('p', allow('iam:*'))], expect: ADMIN },
  { name: 'organizations:* is admin', policies: [policy('p', allow('organizations:*'))], expect: ADMIN },
  { name: 'iam:PutUserPolicy alone is admin', policies: [policy('p', allow('iam:PutUserPolicy'))], expect: ADMIN },
  { name: 'iam:Attach* wildcard is admin', policies: [policy('p', allow('iam:Attach*'))], expect: ADMIN },
  {
    name: 'iam:CreateAccessKey on any user is admin',
    policies: [policy('p', allow('iam:CreateAccessKey', 'arn:aws:iam::111111111111:user/*'))],
    expect: ADMIN,
  },
  {
    name: 'own access keys only (policy variable) is write, not admin',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
    policies: [policy('p', allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/${aws:username}'))],
    expect: [false, true, false, false],
  },
  {
    name: 'iam:PassRole on one role is write',
    policies: [policy('p', allow('iam:PassRole', 'arn:aws:iam::111111111111:role/app'))],
    expect: [false, true, false, false],
  },
  {
    name: 'sso:CreateAccountAssignment is a write',
    policies: [policy('p', allow('sso:CreateAccountAssignment'))],
    expect: [false, true, false, false],
  },
  { name: 'lower-case action names match', policies: [policy('p', allow('IAM:putrolepolicy'))], expect: ADMIN },
  // NotAction
  {
    name: 'PowerUserAccess: NotAction iam/organizations is write and data, not admin',
    policies: [policy('PowerUserAccess', allowNot(['iam:*', 'organizations:*', 'account:*']))],
    expect: [false, true, true, true],
  },
  { name: 'NotAction * allows nothing', policies: [policy('p', allowNot('*'))], expect: NOTHING },
  { name: 'NotAction s3:* still allows iam admin', policies: [policy('p', allowNot('s3:*'))], expect: ADMIN },
  {
    name: 'Deny NotAction s3:Get* leaves only S3 reads',
    policies: [policy('p', allow('*'), denyNot('s3:Get*'))],
    expect: [false, false, true, true],
  },
  // Wildcards
  { name: 's3:* reads data and writes', policies: [policy('p', allow('s3:*'))], expect: [false, true, true, true] },
  {
    name: 's3:Get* reads objects (data)',
    policies: [policy('p', allow('s3:Get*'))],
    expect: [false, false, true, true],
  },
  {
    name: 's3:List* is metadata only',
    policies: [policy('p', allow('s3:List*'))],
    expect: [false, false, false, true],
  },
  {
    name: 'ec2:Describe* is metadata only',
    policies: [policy('p', allow('ec2:Describe*'))],
    expect: [false, false, false, true],
  },
  { name: 'ec2:* is write', policies: [policy('p', allow('ec2:*'))], expect: [false, true, true, true] },
  {
    name: 'a service we do not list: sqs:* is write and data',
    policies: [policy('p', allow('sqs:*'))],
    expect: [false, true, true, true],
  },
  {
    name: 'an unlisted service wildcard: glacier:* is write',
    policies: [policy('p', allow('glacier:*'))],
    expect: [false, true, true, true],
  },
  {
    name: 'question-mark wildcard matches one character',
    policies: [policy('p', allow('s3:GetObjec?'))],
    expect: [false, false, true, false],
  },
  {
    name: 'dynamodb:Query is a data read',
    policies: [policy('p', allow('dynamodb:Query', 'arn:aws:dynamodb:us-east-1:111111111111:table/orders'))],
    expect: [false, false, true, false],
  },
  {
    name: 'secretsmanager:GetSecretValue is a data read',
    policies: [policy('p', allow('secretsmanager:GetSecretValue'))],
    expect: [false, false, true, false],
  },
  {
    name: 'ssm:GetParameter* is a data read',
    policies: [policy('p', allow('ssm:GetParameter*'))],
    expect: [false, false, true, false],
  },
  {
    name: 'kms:Decrypt is a data read',
    policies: [policy('p', allow('kms:Decrypt'))],
    expect: [false, false, true, false],
  },
  {
    name: 'logs:FilterLogEvents on one log group is a data read',
    policies: [
      policy('p', allow('logs:FilterLogEvents', 'arn:aws:logs:us-east-1:111111111111:log-group:/ecs/checkout:*')),
    ],
    expect: [false, false, true, false],
  },
  {
    name: 'rds-db:connect is a data read',
    policies: [policy('p', allow('rds-db:connect'))],
    expect: [false, false, true, false],
  },
  {
    name: 'athena:GetQueryResults is a data read',
    policies: [policy('p', allow('athena:GetQueryResults'))],
    expect: [false, false, true, false],
  },
  {
    name: 'lambda:UpdateFunctionCode is a write',
    policies: [policy('p', allow('lambda:UpdateFunctionCode'))],
    expect: [false, true, false, false],
  },
  {
    name: 'ecs:UpdateService with describe is a write and a read',
    policies: [policy('p', allow(['ecs:UpdateService', 'ecs:DescribeServices']))],
    expect: [false, true, false, true],
  },
  {
    name: 'an unknown verb counts as a write',
    policies: [policy('p', allow('codepipeline:RetryStageExecution'))],
    expect: [false, true, false, false],
  },
  {
    name: 'Generate is a read verb (credential report)',
    policies: [policy('p', allow('iam:GenerateCredentialReport'))],
    expect: [false, false, false, true],
  },
  // Explicit Deny
  { name: 'Deny * on * beats Allow *', policies: [policy('p', allow('*'), deny('*'))], expect: NOTHING },
  {
    name: 'Deny iam:* and organizations:* removes admin but keeps the rest',
    policies: [policy('p', allow('*'), deny(['iam:*', 'organizations:*']))],
    expect: [false, true, true, true],
  },
  {
    name: 'Deny iam:* alone leaves organizations power: still admin',
    policies: [policy('p', allow('*'), deny('iam:*'))],
    expect: ADMIN,
  },
  {
    name: 'Deny in another policy applies',
    policies: [policy('a', allow('s3:GetObject')), policy('b', deny('s3:*'))],
    expect: NOTHING,
  },
  {
    name: 'Deny on a specific resource does not remove access elsewhere',
    policies: [policy('p', allow('s3:GetObject'), deny('s3:GetObject', 'arn:aws:s3:::secret/*'))],
    expect: [false, false, true, false],
    note: /Deny on some resources only/,
  },
  {
    name: 'Deny with a condition is not applied, and noted',
    policies: [
      policy(
        'p',
        allow('*'),
        deny('*', '*', { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }),
      ),
    ],
    expect: ADMIN,
    note: /Deny with a condition not applied/,
  },
  {
    name: 'Deny with NotResource is not applied',
    policies: [
      policy('p', allow('s3:GetObject'), {
        Effect: 'Deny',
        Action: 's3:GetObject',
        NotResource: 'arn:aws:s3:::public/*',
      }),
    ],
    expect: [false, false, true, false],
    note: /some resources only/,
  },
  // Conditions on Allow
  {
    name: 'Allow with a condition counts as allowing, with a note',
    policies: [policy('p', allow('s3:GetObject', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))],
    expect: [false, false, true, false],
    note: /condition not evaluated/,
  },
  // Permission boundaries
  {
    name: 'boundary caps admin to read-only',
    policies: [policy('AdministratorAccess', allow('*'))],
    boundary: [policy('boundary', allow(['ec2:Describe*', 's3:List*']))],
    expect: [false, false, false, true],
  },
  {
    name: 'boundary without the action blocks it',
    policies: [policy('p', allow('s3:GetObject'))],
    boundary: [policy('boundary', allow('ec2:*'))],
    expect: NOTHING,
  },
  {
    name: 'boundary allowing * changes nothing',
    policies: [policy('p', allow('s3:GetObject'))],
    boundary: [policy('boundary', allow('*'))],
    expect: [false, false, true, false],
  },
  {
    name: 'boundary Deny removes the action',
    policies: [policy('p', allow('*'))],
    boundary: [policy('boundary', allow('*'), deny(['iam:*', 'organizations:*']))],
    expect: [false, true, true, true],
  },
  {
    name: 'boundary with NotAction iam:* keeps writes, drops admin',
    policies: [policy('p', allow('*'))],
    boundary: [policy('boundary', allowNot(['iam:*', 'organizations:*']))],
    expect: [false, true, true, true],
  },
  { name: 'empty boundary allows nothing', policies: [policy('p', allow('*'))], boundary: [], expect: NOTHING },
  // Self-escalation: admin even on a named principal
  ...['iam:PutUserPolicy', 'iam:AttachUserPolicy'].map(
    (action): Case => ({
      name: `${action} on one named principal is admin`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
      policies: [policy('p', allow(action, 'arn:aws:iam::111111111111:user/${aws:username}'))],
      expect: ADMIN,
    }),
  ),
  // On a resource of its own type: a role's policy is written on a role, never on a user.
  ...['iam:PutRolePolicy', 'iam:AttachRolePolicy'].map(
    (action): Case => ({
      name: `${action} on one named principal is admin`,
      policies: [policy('p', allow(action, 'arn:aws:iam::111111111111:role/app-runner'))],
      expect: ADMIN,
    }),
  ),
  {
    name: 'iam:PutRolePolicy on a user allows nothing: IAM checks it on roles only',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
    policies: [policy('p', allow('iam:PutRolePolicy', 'arn:aws:iam::111111111111:user/${aws:username}'))],
    expect: NOTHING,
  },
  ...['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion'].map(
    (action): Case => ({
      name: `${action} on one named policy is admin`,
      policies: [policy('p', allow(action, 'arn:aws:iam::111111111111:policy/dev-tools'))],
      expect: ADMIN,
    }),
  ),
  {
    name: 'iam:UpdateAssumeRolePolicy on one named role is admin',
    policies: [policy('p', allow('iam:UpdateAssumeRolePolicy', 'arn:aws:iam::111111111111:role/prod-admin'))],
    expect: ADMIN,
  },
  ...['ec2:RunInstances', 'lambda:CreateFunction', 'ecs:RunTask', 'cloudformation:CreateStack'].map(
    (action): Case => ({
      name: `iam:PassRole with ${action} is admin`,
      policies: [policy('p', allow('iam:PassRole', 'arn:aws:iam::111111111111:role/app'), allow(action, '*'))],
      expect: ADMIN,
    }),
  ),
  {
    name: 'iam:PassRole without a way to start code is a write',
    policies: [policy('p', allow(['iam:PassRole', 'ec2:DescribeInstances']))],
    expect: [false, true, false, true],
  },
  {
    name: 'compute without iam:PassRole is a write',
    policies: [policy('p', allow('lambda:CreateFunction'))],
    expect: [false, true, false, false],
  },
  {
    name: 'iam:PassRole with compute, the compute denied, is not admin',
    policies: [policy('p', allow(['iam:PassRole', 'ec2:RunInstances']), deny('ec2:RunInstances'))],
    expect: [false, true, false, false],
  },
  // Nothing at all
  { name: 'no policies, no access', policies: [], expect: NOTHING },
  {
    name: 'a statement without Action or NotAction allows nothing',
    policies: [policy('p', { Effect: 'Allow', Resource: '*' })],
    expect: NOTHING,
  },
  {
    name: 'Statement as a single object (not a list)',
    policies: [{ name: 'p', document: { Version: '2012-10-17', Statement: allow('s3:ListBucket') } }],
    expect: [false, false, false, true],
  },
  {
    name: 'several policies add up',
    policies: [policy('a', allow('s3:GetObject')), policy('b', allow('ec2:DescribeInstances'))],
    expect: [false, false, true, true],
  },
  {
    name: 'the name "AdministratorAccess" on a read-only policy decides nothing',
    policies: [policy('AdministratorAccess', allow('ec2:Describe*'))],
    expect: [false, false, false, true],
  },
  // A statement's patterns are tested together: each whole, case-insensitively, the rest literal.
  {
    // iam:Put is no action of IAM's, and not a prefix of iam:PutUserPolicy (which is admin).
    name: 'several patterns in one statement, any case, each matched whole',
    policies: [policy('p', allow(['IAM:put', 'ec2:describe*', 'S3:getobject']))],
    expect: [false, true, true, true],
  },
  {
    // Not s3:GetObject's data read; the odd name itself is an unknown verb, so a write.
    name: 'a dot in an action is a dot, not any character',
    policies: [policy('p', allow(['s3:Get.bject', 'ec2:Describe*']))],
    expect: [false, true, false, true],
  },
  // A wildcard inside a name, not only after its verb: AWS matches `*` anywhere.
  {
    name: 's3:PutObject* is write',
    policies: [policy('p', allow('s3:PutObject*'))],
    expect: [false, true, false, false],
  },
  {
    // Each verb could start it: read verbs count as read, as s3:Get* would.
    // No action of S3 that AWS calls List or Read ends in Object but GetObject, a data read.
    name: 's3:*Object is data read and write',
    policies: [policy('p', allow('s3:*Object'))],
    expect: [false, true, true, false],
  },
  {
    name: 'dynamodb:*Item is data read and write',
    policies: [policy('p', allow('dynamodb:*Item'))],
    expect: [false, true, true, true],
  },
  {
    // GetObjectVersion and the other writes stay: the Deny names only what ends in Object.
    name: 'a Deny of s3:*Object leaves what it does not name',
    policies: [policy('p', allow('s3:*'), deny('s3:*Object'))],
    expect: [false, true, true, true],
  },
  {
    name: 'NotAction with several patterns leaves out each of them',
    policies: [policy('p', allowNot(['iam:*', 'organizations:*', 'account:*', 's3:*']))],
    boundary: [policy('reads', allow(['s3:GetObject', 'ec2:Describe*', 'iam:List*']))],
    expect: [false, false, false, true],
  },
];

describe('aws policy evaluator', () => {
  it('has at least 40 cases, each with a distinct name', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const c of cases) {
    it(c.name, () => {
      const access = evaluateAccess({ policies: c.policies, ...(c.boundary ? { boundary: c.boundary } : {}) });
      expect([access.admin, access.write, access.dataRead, access.read]).toEqual(c.expect);
      if (c.note) expect(access.notes.join('\n')).toMatch(c.note);
    });
  }

  it('names the deciding statements and policies as evidence', () => {
    const access = evaluateAccess({
      policies: [
        policy('checkout-debug (inline)', allow('s3:GetObject', 'arn:aws:s3:::orders/*')),
        policy('ReadOnly', allow('ec2:Describe*')),
      ],
    });
    expect(access.policies['data-read']).toEqual(['checkout-debug (inline)']);
    expect(access.evidence['data-read']).toEqual([
      'checkout-debug (inline): Allow s3:GetObject on arn:aws:s3:::orders/*',
    ]);
    expect(access.actions['data-read']).toEqual(['s3:GetObject']);
    expect(access.policies.read).toEqual(['ReadOnly']);
    expect(access.evidence.admin).toEqual([]);
  });

  it('reports admin evidence from the statement that grants it', () => {
    const access = evaluateAccess({ policies: [policy('AdministratorAccess', allow('*'))] });
    expect(access.evidence.admin).toEqual(['AdministratorAccess: Allow * on *']);
  });
});

describe('aws evidence of what narrowed access', () => {
  it('names the Deny that removed actions', () => {
    const access = evaluateAccess({
      policies: [policy('admin', allow('*')), policy('guard', deny(['iam:*', 'organizations:*']))],
    });
    expect(access.admin).toBe(false);
    expect(access.narrowing).toEqual([
      expect.stringMatching(
        /^narrowed by guard: Deny iam:\*, organizations:\* on \*: it removes iam:AddUserToGroup, .* and \d+ more$/,
      ),
    ]);
  });

  it('names the boundary that left actions out', () => {
    const access = evaluateAccess({
      policies: [policy('p', allow(['s3:GetObject', 'ec2:DescribeInstances']))],
      boundary: [policy('dev-boundary', allow('ec2:*'))],
    });
    expect(access.narrowing).toEqual([
      'narrowed by the permissions boundary dev-boundary: it does not allow s3:GetObject',
    ]);
  });

  it('names the NotAction that leaves actions out', () => {
    const access = evaluateAccess({ policies: [policy('PowerUserAccess', allowNot(['iam:*', 'organizations:*']))] });
    expect(access.narrowing.join('\n')).toMatch(
      /^narrowed by NotAction in PowerUserAccess: Allow NotAction iam:\*, organizations:\* on \*: it leaves out iam:AddUserToGroup/,
    );
  });

  it('says nothing when nothing was taken away', () => {
    expect(evaluateAccess({ policies: [policy('p', allow('s3:GetObject'))] }).narrowing).toEqual([]);
  });
});

describe('aws action categories and wildcards', () => {
  it.each([
    ['s3:GetObject', 'data-read'],
    ['S3:GETOBJECT', 'data-read'],
    ['iam:CreateUser', 'admin'],
    ['ec2:DescribeInstances', 'read'],
    ['s3:ListBucket', 'read'],
    ['s3:PutObject', 'write'],
    ['ec2:GetConsoleOutput', 'read'],
    // What assuming a role gives is the role's (the assume-role graph); STS itself writes nothing.
    ['sts:AssumeRole', 'read'],
    ['sts:GetFederationToken', 'read'],
    ['sts:AssumeRoot', 'write'],
  ])('%s is %s', (action, category) => {
    expect(categoryOf(action)).toBe(category);
  });

  it.each([
    ['s3:*', 's3:GetObject', true],
    ['s3:Get*', 's3:PutObject', false],
    ['*', 'anything:AtAll', true],
    ['ec2:Describe?nstances', 'ec2:DescribeInstances', true],
    ['arn:aws:s3:::orders/*', 'arn:aws:s3:::orders/2026/01.json', true],
    ['s3:Get.bject', 's3:GetObject', false],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });
});

describe('accessJudge', () => {
  const admin = policy('AdministratorAccess', allow('*'));
  const reader = policy('ReadOnly', allow(['s3:GetObject', 's3:ListBucket']));

  it('judges principals that hold the same policies once, and as evaluateAccess would', () => {
    const judge = accessJudge();
    const first = judge({ policies: [reader] });
    // Another principal with the same policies (a new input and array, the same documents).
    expect(judge({ policies: [{ ...reader }] })).toBe(first);
    expect(first).toEqual(evaluateAccess({ policies: [reader] }));
  });

  it('tells apart policies that differ in document, name, order, boundary or SCPs', () => {
    const judge = accessJudge();
    const base = judge({ policies: [reader] });
    const renamed = { name: 'ReadOnly', document: structuredClone(admin.document) };
    const others = [
      judge({ policies: [renamed] }),
      judge({ policies: [{ name: 'Reader', document: reader.document }] }),
      judge({ policies: [reader, admin] }),
      judge({ policies: [admin, reader] }),
      judge({ policies: [admin], boundary: [reader] }),
      judge({ policies: [reader], scps: [{ node: 'root r-1', policies: [policy('Deny', deny('s3:*'))] }] }),
    ];
    for (const access of others) expect(access).not.toBe(base);
    expect(others[0]?.admin).toBe(true);
    expect(others[4]?.admin).toBe(false);
    expect(others[5]?.dataRead).toBe(false);
    expect(new Set(others).size).toBe(others.length);
  });
});

describe('allowsActionOn', () => {
  it('matches actions whatever their case, and resource ARNs case by case', () => {
    const input = { policies: [policy('p', allow('STS:assumerole', 'arn:aws:iam::111111111111:role/ADMIN*'))] };
    expect(allowsActionOn(input, 'sts:AssumeRole', 'arn:aws:iam::111111111111:role/ADMIN-prod').allowed).toBe(true);
    expect(allowsActionOn(input, 'sts:AssumeRole', 'arn:aws:iam::111111111111:role/admin-prod').allowed).toBe(false);
  });
});
