// The assume-role graph on its own: IAM's two sides of sts:AssumeRole, chains to their end,
// cycles, Identity Center sessions named by their reserved roles.
import { describe, expect, it } from 'vitest';
import {
  type AssumableRole,
  AssumeGraph,
  roleActor,
  ssoActor,
  userActor,
} from '../../../connectors/aws/assume-graph.js';
import { type EvaluationInput, evaluateAccess } from '../../../connectors/aws/evaluator.js';
import type { PolicyDocument } from '../../../connectors/aws/policy.js';
import { trustedPrincipals } from '../../../connectors/aws/trust.js';

const A = '111111111111';
const B = '222222222222';
const ORG = new Set([A, B]);
const roleArn = (name: string, account = A) => `arn:aws:iam::${account}:role/${name}`;
const root = (account: string) => `arn:aws:iam::${account}:root`;

const allowAssume = (resource: string): EvaluationInput => ({
  policies: [
    {
      name: 'assume',
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: resource }],
      },
    },
  ],
});
const nothing: EvaluationInput = { policies: [] };

function role(name: string, account: string, trusted: string[], input: EvaluationInput = nothing): AssumableRole {
  const trust: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: trusted }, Action: 'sts:AssumeRole' }],
  };
  return {
    arn: roleArn(name, account),
    name,
    accountId: account,
    trust: trustedPrincipals(trust, account, ORG),
    access: evaluateAccess(input),
    actor: roleActor(roleArn(name, account), name, account, input),
  };
}

const names = (graph: AssumeGraph, start: ReturnType<typeof userActor>) =>
  graph.reachFrom(start).map((r) => [r.role.name, r.path.length]);

describe('aws assume-role graph', () => {
  const sam = (input: EvaluationInput) => userActor(`arn:aws:iam::${A}:user/sam`, 'sam', A, input);

  it('trust of the account: only a principal whose own policy allows it on that role', () => {
    const graph = new AssumeGraph([role('admin', A, [root(A)]), role('other', A, [root(A)])]);
    expect(names(graph, sam(allowAssume(roleArn('admin'))))).toEqual([['admin', 1]]);
    expect(names(graph, sam(allowAssume('*')))).toEqual([
      ['admin', 1],
      ['other', 1],
    ]);
    expect(names(graph, sam(nothing))).toEqual([]);
  });

  it('a trust naming the principal: enough within the account, not across accounts', () => {
    const named = `arn:aws:iam::${A}:user/sam`;
    const graph = new AssumeGraph([role('here', A, [named]), role('there', B, [named])]);
    expect(names(graph, sam(nothing))).toEqual([['here', 1]]);
    expect(names(graph, sam(allowAssume(roleArn('there', B))))).toEqual([
      ['here', 1],
      ['there', 1],
    ]);
  });

  it('a trust naming the principal still yields to its own Deny and to its SCPs', () => {
    const named = `arn:aws:iam::${A}:user/sam`;
    const graph = new AssumeGraph([role('here', A, [named])]);
    const doc = (Statement: unknown[]) => ({ Version: '2012-10-17', Statement }) as PolicyDocument;
    const ownDeny: EvaluationInput = {
      policies: [{ name: 'guard', document: doc([{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }]) }],
    };
    expect(names(graph, sam(ownDeny))).toEqual([]);
    const scpDeny: EvaluationInput = {
      policies: [],
      scps: [
        {
          node: 'root r-1',
          policies: [
            { name: 'FullAWSAccess', document: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) },
            { name: 'no-sts', document: doc([{ Effect: 'Deny', Action: 'sts:*', Resource: '*' }]) },
          ],
        },
      ],
    };
    expect(names(graph, sam(scpDeny))).toEqual([]);
  });

  it('an unconditional Deny on the role wins over the Allow', () => {
    const graph = new AssumeGraph([role('admin', A, [root(A)])]);
    const denied: EvaluationInput = {
      policies: [
        ...allowAssume('*').policies,
        {
          name: 'guard',
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Deny', Action: 'sts:*', Resource: roleArn('admin') }],
          },
        },
      ],
    };
    expect(names(graph, sam(denied))).toEqual([]);
  });

  it('follows chains to their end, each role once, through a cycle', () => {
    // sam → r1 → r2 → r1 (cycle) and r2 → r3 → r4 → r5 → r6: nothing is cut for being far.
    const r1 = role('r1', A, [`arn:aws:iam::${A}:user/sam`, roleArn('r2')], allowAssume('*'));
    const r2 = role('r2', A, [roleArn('r1')], allowAssume('*'));
    const r3 = role('r3', A, [roleArn('r2')], allowAssume('*'));
    const r4 = role('r4', A, [roleArn('r3')], allowAssume('*'));
    const r5 = role('r5', A, [roleArn('r4')], allowAssume('*'));
    const r6 = role('r6', A, [roleArn('r5')]);
    const graph = new AssumeGraph([r6, r5, r4, r3, r2, r1]);
    expect(names(graph, sam(nothing))).toEqual([
      ['r1', 1],
      ['r2', 2],
      ['r3', 3],
      ['r4', 4],
      ['r5', 5],
      ['r6', 6],
    ]);
  });

  it('an Identity Center session is named by its reserved role, with or without the path', () => {
    const session = ssoActor('arn:aws:sso:::permissionSet/ssoins-1/ps-1', 'DevOps', A, allowAssume('*'));
    const reserved = `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DevOps_0123456789abcdef`;
    const graph = new AssumeGraph([
      role('by-path', B, [reserved]),
      role('by-name', B, [roleArn('AWSReservedSSO_DevOps_0123456789abcdef')]),
      role('other-set', B, [roleArn('AWSReservedSSO_Admin_0123456789abcdef')]),
    ]);
    expect(graph.reachFrom(session).map((r) => r.role.name)).toEqual(['by-name', 'by-path']);
  });

  it('a permission set is not named by the reserved role of a set whose name it begins', () => {
    // Admin and Admin_Prod: AWSReservedSSO_Admin_Prod_<16 hex> is Admin_Prod's session, never Admin's.
    const admin = ssoActor('arn:aws:sso:::permissionSet/ssoins-1/ps-1', 'Admin', B, allowAssume('*'));
    const adminProd = ssoActor('arn:aws:sso:::permissionSet/ssoins-1/ps-2', 'Admin_Prod', B, allowAssume('*'));
    const graph = new AssumeGraph([
      role('break-glass', B, [
        `arn:aws:iam::${B}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_Prod_0123456789abcdef`,
      ]),
      role('not-reserved', B, [roleArn('AWSReservedSSO_Admin_notasuffix', B)]),
    ]);
    expect(graph.reachFrom(admin).map((r) => r.role.name)).toEqual([]);
    expect(graph.reachFrom(adminProd).map((r) => r.role.name)).toEqual(['break-glass']);
  });

  it('a trust naming a role (or a permission set’s reserved role) by ARN is still capped by its boundary; a user’s is not', () => {
    const doc = (Statement: unknown[]) => ({ Version: '2012-10-17', Statement }) as PolicyDocument;
    const readOnly = [
      { name: 'ReadOnlyOnly', document: doc([{ Effect: 'Allow', Action: 's3:List*', Resource: '*' }]) },
    ];
    const bounded: EvaluationInput = { ...allowAssume('*'), boundary: readOnly };
    const reserved = 'AWSReservedSSO_Ops_0123456789abcdef';
    const graph = new AssumeGraph([
      role('by-role', A, [roleArn('bnd')]),
      role('by-session', A, [`arn:aws:sts::${A}:assumed-role/bnd/alice`]),
      role('by-user', A, [`arn:aws:iam::${A}:user/sam`]),
      role('by-sso', A, [roleArn(reserved)]),
    ]);
    const bnd = roleActor(roleArn('bnd'), 'bnd', A, bounded);
    // A role session named as such is not capped (IAM: the boundary limits grants to the role ARN only).
    expect(graph.reachFrom(bnd).map((r) => r.role.name)).toEqual(['by-session']);
    expect(names(graph, sam(bounded))).toEqual([['by-user', 1]]);
    const sso = ssoActor('arn:aws:sso:::permissionSet/ssoins-1/ps-9', 'Ops', A, bounded);
    expect(graph.reachFrom(sso).map((r) => r.role.name)).toEqual([]);
    const open = roleActor(roleArn('bnd'), 'bnd', A, allowAssume('*'));
    expect(graph.reachFrom(open).map((r) => r.role.name)).toEqual(['by-role', 'by-session']);
  });
});
