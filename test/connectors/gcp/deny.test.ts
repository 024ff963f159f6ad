// Deny rules against one grant, without a server: who a rule names, which permissions it takes
// (v2 names, wildcards, exceptions), and what it leaves.
import { describe, expect, it } from 'vitest';
import { applyDenies, type DenyRuleAt } from '../../../connectors/gcp/deny.js';
import type { Grant } from '../../../src/core/model.js';

const grant = (account: string, permission: string, extra: Partial<Grant> = {}): Grant => ({
  system: 'gcp',
  target: 'organizations/1',
  account,
  resource: 'projects/p',
  permission,
  via: 'direct',
  lanes: [],
  level: 'read',
  evidence: [],
  ...extra,
});

const ADMIN = [
  'resourcemanager.projects.delete',
  'resourcemanager.projects.get',
  'resourcemanager.projects.setIamPolicy',
];
const rolePermissions = new Map([['roles/x', ADMIN]]);
const rule = (r: Partial<DenyRuleAt['rule']>): DenyRuleAt => ({
  policy: 'guard',
  attachedTo: 'organizations/1',
  rule: r,
});
const deniedCount = (outcome: ReturnType<typeof applyDenies>) =>
  outcome.kind === 'kept' ? outcome.grant.attributes?.deniedPermissions : 'removed';

describe('applyDenies', () => {
  const setIam = ['cloudresourcemanager.googleapis.com/projects.setIamPolicy'];

  it('names service accounts and users by their v2 principal identifiers', () => {
    const rules = [
      rule({
        deniedPrincipals: ['principal://iam.googleapis.com/projects/-/serviceAccounts/ci@p.iam.gserviceaccount.com'],
        deniedPermissions: setIam,
      }),
    ];
    const sa = applyDenies(grant('serviceAccount:ci@p.iam.gserviceaccount.com', 'roles/x'), { rules, rolePermissions });
    expect(deniedCount(sa)).toBe(1);
    expect(sa.kind === 'kept' && sa.grant.attributes?.denyLevel).toBe('write');
    expect(
      deniedCount(applyDenies(grant('user:ci@p.iam.gserviceaccount.com', 'roles/x'), { rules, rolePermissions })),
    ).toBeUndefined();
  });

  it('names a group the grant is held through, or one the scan expanded that lists the holder', () => {
    const rules = [rule({ deniedPrincipals: ['principalSet://goog/group/Eng@n.example'], deniedPermissions: setIam })];
    const through = grant('user:a@n.example', 'roles/x', { via: 'group', viaName: 'group:eng@n.example' });
    expect(deniedCount(applyDenies(through, { rules, rolePermissions }))).toBe(1);
    const groupMembers = new Map([
      ['group:eng@n.example', [{ member: 'user:b@n.example', membership: 'nested' as const }]],
    ]);
    expect(
      deniedCount(applyDenies(grant('user:b@n.example', 'roles/x'), { rules, rolePermissions, groupMembers })),
    ).toBe(1);
    expect(
      deniedCount(applyDenies(grant('user:c@n.example', 'roles/x'), { rules, rolePermissions, groupMembers })),
    ).toBeUndefined();
  });

  it('names a workload identity as allow policies write it, and notes a principal set it cannot open', () => {
    const pool =
      'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository/northwind/app';
    const exact = [rule({ deniedPrincipals: [pool], deniedPermissions: setIam })];
    expect(deniedCount(applyDenies(grant(pool, 'roles/x'), { rules: exact, rolePermissions }))).toBe(1);
    const everySa = [
      rule({
        deniedPrincipals: ['principalSet://cloudresourcemanager.googleapis.com/projects/1/type/ServiceAccount'],
        deniedPermissions: setIam,
      }),
    ];
    const kept = applyDenies(grant('serviceAccount:ci@p.iam.gserviceaccount.com', 'roles/x'), {
      rules: everySa,
      rolePermissions,
    });
    expect(deniedCount(kept)).toBeUndefined();
    expect(kept.kind === 'kept' && kept.grant.evidence?.join('\n')).toContain(
      'names a group or principal set whose members were not read: not applied',
    );
  });

  it('takes wildcards and leaves exception permissions; all taken is no grant', () => {
    const everything = [
      rule({
        deniedPrincipals: ['principalSet://goog/public:all'],
        deniedPermissions: ['cloudresourcemanager.googleapis.com/projects.*'],
      }),
    ];
    expect(applyDenies(grant('user:a@x.example', 'roles/x'), { rules: everything, rolePermissions })).toEqual({
      kind: 'removed',
    });
    const butGet = [
      rule({
        deniedPrincipals: ['principalSet://goog/public:all'],
        deniedPermissions: ['cloudresourcemanager.googleapis.com/*'],
        exceptionPermissions: ['cloudresourcemanager.googleapis.com/projects.get'],
      }),
    ];
    const left = applyDenies(grant('user:a@x.example', 'roles/x'), { rules: butGet, rolePermissions });
    expect(left.kind === 'kept' && left.grant.attributes).toMatchObject({ deniedPermissions: 2, denyLevel: 'read' });
  });

  it('leaves a grant whole when the rule excepts its holder, or denies nothing it holds', () => {
    const excepted = [
      rule({
        deniedPrincipals: ['principalSet://goog/public:all'],
        exceptionPrincipals: ['principal://goog/subject/a@x.example'],
        deniedPermissions: setIam,
      }),
    ];
    const a = grant('user:a@x.example', 'roles/x');
    expect(applyDenies(a, { rules: excepted, rolePermissions })).toEqual({ kind: 'kept', grant: a });
    const other = [
      rule({
        deniedPrincipals: ['principalSet://goog/public:all'],
        deniedPermissions: ['storage.googleapis.com/buckets.delete'],
      }),
    ];
    expect(applyDenies(a, { rules: other, rolePermissions })).toEqual({ kind: 'kept', grant: a });
  });
});
