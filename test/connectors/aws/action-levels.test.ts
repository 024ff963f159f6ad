// What AWS's Service Authorization Reference says of actions, as scans read it: AWS's read-only
// managed policies read, STS writes nothing of its own, and an action is allowed only on
// resources of its own types. Against the emulator at page size 1, as a scan reads them.
import { describe, expect, it } from 'vitest';
import { isListOrRead, serviceActions } from '../../../connectors/aws/action-table.js';
import { categoryOf, evaluateAccess } from '../../../connectors/aws/evaluator.js';
import type { Statement } from '../../../connectors/aws/policy.js';
import type { Snapshot } from '../../../src/core/model.js';
import { runAgainstEmulator } from './harness.js';

const PROD = '111111111111';
const T = '2026-01-01T00:00:00Z';
const doc = (Statement: Statement[]) => ({ Version: '2012-10-17', Statement });
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

describe('aws connector: sts:* on the app roles', async () => {
  const { snapshot } = await runAgainstEmulator(
    production({
      users: [
        user('cara', {
          inlinePolicies: [
            {
              name: 'sts',
              document: doc([{ Effect: 'Allow', Action: 'sts:*', Resource: `arn:aws:iam::${PROD}:role/app-*` }]),
            },
          ],
        }),
      ],
      roles: [
        {
          name: 'app-deploy',
          createdAt: T,
          trust: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: 'sts:AssumeRole' }]),
          inlinePolicies: [
            {
              name: 'deploy',
              document: doc([{ Effect: 'Allow', Action: 'lambda:UpdateFunctionCode', Resource: '*' }]),
            },
          ],
        },
      ],
    }),
    PAGE_SIZE_1,
  );

  it('writes nothing of its own: STS’s actions change nothing in the account', () => {
    expect(grantsOf(snapshot, 'cara')).toEqual([
      ['can assume app-deploy: deploy (inline)', 'write', ['production']],
      ['sts (inline) (metadata read)', 'read', ['production']],
    ]);
  });

  it('still gives the role’s access to whoever may assume it', () => {
    const cara = snapshot.accounts.find((a) => a.login === 'cara');
    const assumed = snapshot.grants.find((g) => g.account === cara?.id && g.via === 'role');
    expect(assumed?.evidence).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/cara may call sts:AssumeRole on it: sts \(inline\): Allow sts:\*/),
      ]),
    );
  });

  it('probes a listed service with its real actions, not invented ones', () => {
    const access = evaluateAccess({
      policies: [{ name: 'p', document: doc([{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }]) }],
    });
    // sts:AssumeRoot reaches a member account's root: on "*" it is allowed, and it is no read.
    expect([access.admin, access.write, access.read]).toEqual([false, true, true]);
    expect(access.evidence.write).toEqual(['p: Allow sts:* on *']);
    const onRoles = evaluateAccess({
      policies: [
        { name: 'p', document: doc([{ Effect: 'Allow', Action: 'sts:*', Resource: 'arn:aws:iam::*:role/*' }]) },
      ],
    });
    expect([onRoles.admin, onRoles.write, onRoles.read]).toEqual([false, false, true]);
  });
});

describe('probes that stand for a service’s actions', () => {
  const allowS3: Statement = { Effect: 'Allow', Action: 's3:*', Resource: '*' };
  const scp = (statement: Statement) => [{ node: 'root r-1', policies: [{ name: 'scp', document: doc([statement]) }] }];

  it('tells apart the actions a Deny or an SCP names, wherever the pattern is', () => {
    const denyPutsDeletes: Statement = { Effect: 'Deny', Action: ['s3:Put*', 's3:Delete*'], Resource: '*' };
    // s3:RestoreObject, s3:AbortMultipartUpload… still write.
    expect(evaluateAccess({ policies: [{ name: 'p', document: doc([allowS3, denyPutsDeletes]) }] }).write).toBe(true);
    const onlyReads = evaluateAccess({
      policies: [{ name: 'p', document: doc([allowS3]) }],
      scps: scp({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }),
    });
    expect([onlyReads.write, onlyReads.dataRead, onlyReads.read]).toEqual([false, true, true]);
  });
});

describe('aws connector: * on one bucket or one table', async () => {
  const { snapshot } = await runAgainstEmulator(
    production({
      users: [
        user('bea', {
          inlinePolicies: [
            {
              name: 'uploads',
              document: doc([
                {
                  Effect: 'Allow',
                  Action: '*',
                  Resource: ['arn:aws:s3:::northwind-uploads', 'arn:aws:s3:::northwind-uploads/*'],
                },
              ]),
            },
          ],
        }),
        user('tia', {
          inlinePolicies: [
            {
              name: 'orders',
              document: doc([
                { Effect: 'Allow', Action: '*', Resource: `arn:aws:dynamodb:us-east-1:${PROD}:table/orders` },
              ]),
            },
          ],
        }),
        user('ivan', {
          inlinePolicies: [
            {
              name: 'self',
              document: doc([
                { Effect: 'Allow', Action: 'iam:*', Resource: `arn:aws:iam::${PROD}:user/\${aws:username}` },
              ]),
            },
          ],
        }),
      ],
    }),
    PAGE_SIZE_1,
  );

  it('writes and reads that bucket: IAM allows no iam:, ec2: or lambda: action on an S3 ARN', () => {
    expect(grantsOf(snapshot, 'bea').map(([, level]) => level)).not.toContain('admin');
    expect(grantsOf(snapshot, 'bea')).toEqual(
      expect.arrayContaining([[expect.stringMatching(/^uploads \(inline\)/), 'write', ['production']]]),
    );
  });

  it('writes that table, and administers nothing', () => {
    expect(grantsOf(snapshot, 'tia').map(([, level]) => level)).not.toContain('admin');
    expect(grantsOf(snapshot, 'tia').map(([, level]) => level)).toContain('write');
  });

  it('keeps writing one’s own user policy admin: iam:PutUserPolicy on a user is that action’s type', () => {
    expect(grantsOf(snapshot, 'ivan').map(([, level]) => level)).toContain('admin');
  });
});

describe('resource types of escalation and compute actions', () => {
  const judge = (...Statement: Statement[]) => evaluateAccess({ policies: [{ name: 'p', document: doc(Statement) }] });

  it('passes a role only with iam:PassRole on a role ARN', () => {
    const compute: Statement = { Effect: 'Allow', Action: 'lambda:CreateFunction', Resource: '*' };
    expect(
      judge(compute, { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${PROD}:role/app-*` }).admin,
    ).toBe(true);
    expect(judge(compute, { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:s3:::b/*' }).admin).toBe(false);
  });

  it('starts an instance only where every resource type RunInstances needs is allowed', () => {
    const pass: Statement = { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' };
    const onInstances: Statement = {
      Effect: 'Allow',
      Action: 'ec2:RunInstances',
      Resource: 'arn:aws:ec2:*:*:instance/*',
    };
    expect(judge(pass, onInstances).admin).toBe(false);
    expect(
      judge(pass, onInstances, {
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        NotResource: 'arn:aws:ec2:*:*:instance/*',
      }).admin,
    ).toBe(true);
  });

  it('keeps an action that takes no resource to statements on "*"', () => {
    expect(
      judge({ Effect: 'Allow', Action: 'organizations:CreateAccount', Resource: 'arn:aws:organizations::*:account/*' })
        .admin,
    ).toBe(false);
    expect(judge({ Effect: 'Allow', Action: 'organizations:CreateAccount', Resource: '*' }).admin).toBe(true);
  });

  it('reads a wildcard within one part of an ARN as staying in that part', () => {
    // "arn:*:..." could name arn:aws:s3:::b/x:ec2:... as a string, not as an ARN.
    expect(judge({ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:s3:::b/*' }).admin).toBe(false);
    expect(judge({ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:role/*' }).admin).toBe(true);
  });
});
