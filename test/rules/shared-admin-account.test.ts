import { describe, expect, it } from 'vitest';
import { sharedAdminAccount } from '../../src/rules/shared-admin-account.js';
import {
  account,
  context,
  contractor,
  credential,
  dana,
  day,
  grant,
  instant,
  opsAdminShared,
  register,
} from '../support/builders.js';
import { ruleTester, runRule } from './tester.js';

const owner = (id: string, fields = {}) => account({ id, role: 'owner', ...fields });
const orgOwner = (id: string) =>
  grant({ account: id, resource: 'northwind', permission: 'owner', via: 'org-role', level: 'admin' });
const registerWithDana = register({ people: [{ ...dana, accounts: { github: 'dana-w' } }] });

const rootArn = 'arn:aws:iam::111111111111:root';
const root = (fields = {}) =>
  account({
    system: 'aws',
    target: '111111111111',
    id: rootArn,
    login: 'root',
    kind: 'root',
    role: 'root',
    mfa: true,
    ...fields,
  });

const saId = 'serviceAccount:ci-deployer@shop-prod.iam.gserviceaccount.com';
const sa = account({
  system: 'gcp',
  target: 'organizations/1',
  id: saId,
  login: 'ci-deployer@shop-prod.iam.gserviceaccount.com',
  kind: 'service',
});
const saOwner = grant({
  system: 'gcp',
  target: 'organizations/1',
  account: saId,
  resource: 'projects/shop-prod',
  permission: 'roles/owner',
  via: 'direct',
  lanes: ['production', 'data'],
  level: 'admin',
});
const saDeclared = register({
  people: [dana],
  shared_accounts: [{ system: 'gcp', id: saId, kind: 'service', owner: 'dana', purpose: 'CI deploys' }],
});

/** The declared CI service account holding owner, with an active user-managed key. */
const saKeyFile = () =>
  context({
    accounts: [sa],
    grants: [saOwner],
    credentials: [
      credential({
        system: 'gcp',
        target: 'organizations/1',
        account: saId,
        kind: 'sa-key',
        id: 'key…9f3a',
        createdAt: instant(-400),
      }),
    ],
    register: saDeclared,
  });

const opsAdmin = account({
  system: 'aws',
  target: '111111111111',
  id: 'arn:aws:iam::111111111111:user/ops-admin',
  login: 'ops-admin',
  mfa: false,
});
const opsAdminGrant = grant({
  system: 'aws',
  target: '111111111111',
  account: opsAdmin.id,
  resource: '111111111111',
  permission: 'arn:aws:iam::aws:policy/AdministratorAccess',
  via: 'direct',
  lanes: ['production', 'data'],
  level: 'admin',
});

ruleTester(sharedAdminAccount, {
  fires: [
    {
      name: 'a generic org owner nobody owns',
      context: context({
        accounts: [owner('northwind-admin')],
        grants: [orgOwner('northwind-admin')],
        register: registerWithDana,
      }),
      expect: [
        { account: 'northwind-admin', evidence: ['linked to nobody', '"northwind-admin" names a function', 'owner'] },
      ],
    },
    {
      name: 'an owner account claimed by two people',
      context: context({
        accounts: [owner('buildbot')],
        grants: [orgOwner('buildbot')],
        register: register({
          people: [
            dana,
            contractor('sam', { accounts: { github: 'buildbot' } }),
            contractor('lee', { accounts: { github: 'BuildBot' } }),
          ],
        }),
      }),
      expect: [{ account: 'buildbot', evidence: ['claimed by lee and sam'] }],
    },
    {
      name: 'a declared shared admin, with a user whose engagement ended',
      context: context({
        accounts: [opsAdmin],
        grants: [opsAdminGrant],
        credentials: [credential({ account: opsAdmin.id, id: 'password', kind: 'password', lastUsedAt: instant(-1) })],
        register: register({
          people: [dana, contractor('sam', { start: day(-200), end: day(-180) })],
          shared_accounts: [opsAdminShared(['dana', 'sam'])],
        }),
      }),
      expect: [
        {
          account: opsAdmin.id,
          evidence: [
            'declared shared',
            'used by dana, sam',
            `sam's engagement ended ${day(-180)}`,
            'MFA is off',
            'AdministratorAccess',
          ],
        },
      ],
    },
    {
      name: 'root with an active access key',
      context: context({
        accounts: [root()],
        credentials: [credential({ account: rootArn, id: 'AKIA…ROOT', lastUsedAt: instant(-2) })],
      }),
      expect: [{ account: rootArn, evidence: ['active access key AKIA…ROOT', `last used ${day(-2)}`] }],
    },
    {
      name: 'a declared service account with admin whose owner has left',
      context: context({
        accounts: [account({ id: 'ci-admin', login: 'ci-admin', kind: 'service' })],
        grants: [grant({ account: 'ci-admin', resource: 'northwind', permission: 'admin', level: 'admin' })],
        register: register({
          people: [
            dana,
            { id: 'bob', name: 'Bob', kind: 'employee', emails: ['bob@northwind.example'], end: day(-30) },
          ],
          shared_accounts: [{ system: 'github', id: 'ci-admin', kind: 'service', owner: 'bob', purpose: 'deploys' }],
        }),
      }),
      expect: [
        {
          account: 'ci-admin',
          title: 'Admin account whose owner has left',
          evidence: [`declared service account whose owner bob left on ${day(-30)}`],
        },
      ],
    },
    {
      name: 'root with an old but active password and no MFA',
      context: context({
        accounts: [root({ mfa: false })],
        credentials: [credential({ account: rootArn, id: 'password', kind: 'password', lastUsedAt: instant(-200) })],
      }),
      expect: [{ account: rootArn, evidence: ["root's password is active, last used", 'root has no MFA'] }],
    },
    {
      name: 'root with a recently used password and no MFA',
      context: context({
        accounts: [root({ mfa: false })],
        credentials: [credential({ account: rootArn, id: 'password', kind: 'password', lastUsedAt: instant(-10) })],
      }),
      expect: [{ account: rootArn, evidence: ["root's password was used", '10 days ago', 'root has no MFA'] }],
    },
    {
      name: 'a declared service account holding owner with an active user-managed key',
      context: saKeyFile(),
      expect: [{ account: saId, evidence: ['user-managed key key…9f3a', 'anyone with the key file is admin'] }],
    },
    {
      name: 'an admin linked to a person whose email local part is generic',
      context: context({
        accounts: [
          account({
            system: 'slack',
            target: 'T1',
            id: 'U1',
            login: 'it',
            emails: ['it@northwind.example'],
            role: 'admin',
          }),
        ],
        register: register({ people: [{ ...dana, accounts: { slack: 'U1' } }] }),
      }),
      expect: [{ account: 'U1', person: 'dana', evidence: ['"it" names a function'] }],
    },
  ],
  quiet: [
    {
      name: 'an admin role with no credential of its own: its trusted principals are judged instead',
      context: context({
        accounts: [
          account({
            system: 'aws',
            target: '111111111111',
            id: 'arn:aws:iam::111111111111:role/Admin',
            login: 'Admin',
            kind: 'service',
          }),
        ],
        grants: [
          grant({
            system: 'aws',
            target: '111111111111',
            account: 'arn:aws:iam::111111111111:role/Admin',
            resource: '111111111111',
            level: 'admin',
            lanes: ['production'],
          }),
        ],
      }),
    },
    {
      name: 'an employee owner linked by the register',
      context: context({
        accounts: [owner('dana-w', { mfa: true })],
        grants: [orgOwner('dana-w')],
        register: registerWithDana,
      }),
    },
    {
      name: 'an unlinked account without admin',
      context: context({
        accounts: [account({ id: 'quickfix-dev' })],
        grants: [grant({ account: 'quickfix-dev', resource: 'northwind/shop' })],
      }),
    },
    {
      name: 'root with no MFA, but no password and no key to use it with (mfa-missing says it)',
      context: context({ accounts: [root({ mfa: false })] }),
    },
    {
      name: 'root without keys, without a recent password and with MFA',
      context: context({
        accounts: [root()],
        credentials: [
          credential({ account: rootArn, id: 'AKIA…OLD1', active: false }),
          credential({ account: rootArn, id: 'password', kind: 'password', lastUsedAt: instant(-200) }),
        ],
      }),
    },
    {
      name: 'a declared service account with owner and no user-managed key',
      context: context({
        accounts: [sa],
        grants: [saOwner],
        credentials: [
          credential({
            system: 'gcp',
            target: 'organizations/1',
            account: saId,
            kind: 'sa-key',
            id: 'key…0ld',
            active: false,
          }),
        ],
        register: saDeclared,
      }),
    },
    {
      name: 'a pending owner invitation and a deleted owner',
      context: context({
        accounts: [owner('new-admin', { status: 'invited' }), owner('old-admin', { status: 'deleted' })],
        grants: [orgOwner('old-admin')],
      }),
    },
    {
      name: 'a public principal (public-access reports it)',
      context: context({
        accounts: [
          account({ system: 'gcp', target: 'organizations/1', id: 'allUsers', login: 'allUsers', kind: 'public' }),
        ],
        grants: [{ ...saOwner, account: 'allUsers' }],
      }),
    },
  ],
});

describe('shared-admin-account: the fix fits how the account is accounted for', () => {
  const declared = (owner: string, people: Record<string, unknown>[]) =>
    context({
      accounts: [opsAdmin],
      grants: [opsAdminGrant],
      register: register({
        people: [dana, ...people],
        shared_accounts: [opsAdminShared(['dana', 'lee'], { owner })],
      }),
    });
  const stepOf = (ctx: ReturnType<typeof context>) => runRule(sharedAdminAccount, ctx)[0]?.remediation.steps.at(-1);

  it('tells a workload’s key file and a root account what fixes them, with no named account for anyone', () => {
    const keyFile = saKeyFile();
    const rootWithKey = context({
      accounts: [root({ mfa: false })],
      credentials: [credential({ account: rootArn, id: 'AKIAROOT', kind: 'access-key', createdAt: instant(-10) })],
    });
    for (const [ctx, first] of [
      [keyFile, /^Replace user-managed keys with workload identity/],
      [rootWithKey, /^Delete the root access keys, turn on MFA for root/],
    ] as const) {
      const steps = runRule(sharedAdminAccount, ctx)[0]?.remediation.steps ?? [];
      expect(steps[0]).toMatch(first);
      expect(steps.join(' ')).not.toMatch(/named account/);
    }
  });

  it('tells the users of a declared account to get named accounts, not to name an owner it has', () => {
    const lee = { id: 'lee', name: 'Lee', kind: 'employee' };
    expect(stepOf(declared('dana', [lee]))).toBe(
      'Give dana, lee a named admin account linked to them, then retire ops-admin (its keys and password).',
    );
    expect(stepOf(declared('lee', [{ ...lee, end: day(-3) }]))).toBe(
      'Make an employee who is still here the owner of ops-admin, or retire it.',
    );
  });

  it('leaves users who have left out of the named accounts and says to remove them from the users', () => {
    const lee = { id: 'lee', name: 'Lee', kind: 'contractor', owner: 'dana', start: day(-200), end: day(-3) };
    const steps = runRule(sharedAdminAccount, declared('dana', [lee]))[0]?.remediation.steps.slice(1);
    expect(steps).toEqual([
      'Give dana a named admin account linked to them, then retire ops-admin (its keys and password).',
      `Remove lee from the users of ops-admin in the register: they left on ${day(-3)}.`,
    ]);
  });
});
