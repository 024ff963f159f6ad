import { describe, expect, it } from 'vitest';
import type { Grant } from '../../src/core/model.js';
import { expiredAccessActive } from '../../src/rules/expired-access-active.js';
import {
  account,
  approval,
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

const sam = account({ id: 'samortiz', emails: ['sam@ortiz.dev'] });
const shopWrite = grant({ account: 'samortiz', resource: 'northwind/shop' });
const ended = approval({ start: day(-185), end: day(-182), ticket: 'SHOP-142' });
const samContractor = (fields = {}) =>
  contractor('sam', { emails: ['sam@ortiz.dev'], accounts: {}, grants: [ended], ...fields });
/** Sam's GitHub account holding one grant, with these approvals. */
const samHolding = (held: Grant, grants: Record<string, unknown>[]) =>
  context({ accounts: [sam], grants: [held], register: register({ people: [dana, samContractor({ grants })] }) });
// Write on the shop ended yesterday; read on it goes on.
const writeEnded = approval({ end: day(-1), ticket: 'SHOP-1' });
const readGoesOn = approval({ access: 'read', start: day(-1), end: day(60), ticket: 'SHOP-2' });

const awsUser = account({
  system: 'aws',
  target: '111111111111',
  id: 'arn:aws:iam::111111111111:user/sam-ortiz',
  login: 'sam-ortiz',
});
const awsRead = grant({
  system: 'aws',
  target: '111111111111',
  account: awsUser.id,
  resource: '111111111111',
  permission: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
  lanes: ['data'],
  level: 'read',
  attributes: { aliases: ['northwind-production'] },
});
const awsApproval = approval({
  system: 'aws',
  scope: 'northwind-production',
  lane: 'data',
  access: 'read',
  start: day(-90),
  end: day(-60),
});

// Slack's guest expiry is a promise on the account (endsAt), not a limit on its grants.
const guest = account({
  system: 'slack',
  target: 'T1',
  id: 'U9',
  login: 'sam',
  emails: ['sam@ortiz.dev'],
  endsAt: instant(20),
});
const supportChannel = grant({
  system: 'slack',
  target: 'T1',
  account: 'U9',
  resource: '#support',
  permission: 'multi-channel-guest',
  via: 'membership',
  lanes: ['data'],
  level: 'write',
});

const gcpMember = 'user:sam@ortiz.dev';
const gcpUser = account({
  system: 'gcp',
  target: 'organizations/1',
  id: gcpMember,
  login: 'sam@ortiz.dev',
  emails: ['sam@ortiz.dev'],
});
const inheritedEditor = (project: string, expiresAt?: string) =>
  grant({
    system: 'gcp',
    target: 'organizations/1',
    account: gcpMember,
    resource: `projects/${project}`,
    permission: 'roles/editor',
    via: 'inherited',
    viaName: 'folders/123 (prod)',
    lanes: ['production', 'data'],
    level: 'write',
    ...(expiresAt ? { expiresAt } : {}),
  });
const gcpApproval = approval({
  system: 'gcp',
  scope: 'projects/*',
  lane: 'production',
  access: 'write',
  start: day(-120),
  end: day(-60),
});

ruleTester(expiredAccessActive, {
  fires: [
    {
      name: 'write on the shop after the only approval ended',
      context: context({
        accounts: [sam],
        grants: [shopWrite],
        register: register({ people: [dana, samContractor()] }),
      }),
      expect: [
        {
          account: 'samortiz',
          person: 'sam',
          resource: 'northwind/shop',
          evidence: [
            'linked to sam by email sam@ortiz.dev',
            'holds write (push) on northwind/shop',
            `SHOP-142`,
            `to ${day(-182)}`,
          ],
        },
      ],
    },
    {
      name: 'approval still in its window but the engagement ended',
      context: context({
        accounts: [sam],
        grants: [shopWrite],
        register: register({ people: [dana, samContractor({ end: day(-5), grants: [approval()] })] }),
      }),
      expect: [{ account: 'samortiz', evidence: [`sam's engagement ended ${day(-5)}`] }],
    },
    {
      name: 'an employee who left still holds access',
      context: context({
        accounts: [account({ id: 'lee-okafor' })],
        grants: [grant({ account: 'lee-okafor', resource: 'northwind/infra', lanes: ['production'] })],
        register: register({
          people: [
            dana,
            { id: 'lee', name: 'Lee', kind: 'employee', end: day(-1), accounts: { github: 'lee-okafor' } },
          ],
        }),
      }),
      expect: [
        {
          account: 'lee-okafor',
          person: 'lee',
          evidence: ["lee's employment ended", `still live 1 day after their employment ended ${day(-1)}`],
        },
      ],
    },
    {
      name: 'an access key used 30 days after the approval ended, matched through the account alias',
      context: context({
        accounts: [awsUser],
        grants: [awsRead],
        credentials: [
          credential({ account: awsUser.id, id: 'AKIA…WXYZ', lastUsedAt: `${day(-30)}T08:00:00Z` }),
          credential({ account: awsUser.id, id: 'AKIA…OLD1', lastUsedAt: `${day(-61)}T08:00:00Z` }),
        ],
        register: register({
          people: [dana, samContractor({ accounts: { aws: 'sam-ortiz' }, grants: [awsApproval] })],
        }),
      }),
      expect: [
        {
          account: awsUser.id,
          resource: '111111111111',
          evidence: [`key AKIA…WXYZ last used ${day(-30)}, 30 days after the approval ended`],
        },
      ],
    },
    {
      name: "a Slack guest whose expiry is later than the register's end",
      context: context({
        accounts: [guest],
        grants: [supportChannel],
        register: register({
          people: [
            dana,
            samContractor({ grants: [approval({ system: 'slack', scope: '#support', lane: 'data', end: day(-10) })] }),
          ],
        }),
      }),
      expect: [
        { account: 'U9', resource: '#support', evidence: [`slack keeps this access until ${day(20)}, 30 days after`] },
      ],
    },
    {
      name: 'a Slack guest past the expiry Slack promised, still active: still held, and said',
      context: context({
        accounts: [{ ...guest, endsAt: instant(-5) }],
        grants: [supportChannel],
        register: register({
          people: [
            dana,
            samContractor({ grants: [approval({ system: 'slack', scope: '#support', lane: 'data', end: day(-10) })] }),
          ],
        }),
      }),
      expect: [
        {
          account: 'U9',
          resource: '#support',
          evidence: [`slack was to remove sam on ${day(-5)}; the account is still active`],
        },
      ],
    },
    {
      name: 'a folder binding without a condition past its register end, on each project',
      context: context({
        accounts: [gcpUser],
        grants: [inheritedEditor('shop-prod'), inheritedEditor('analytics')],
        register: register({ people: [dana, samContractor({ grants: [gcpApproval] })] }),
      }),
      expect: [
        {
          account: gcpMember,
          resource: 'projects/analytics',
          evidence: ['via inherited folders/123 (prod)', 'production lane'],
        },
        { account: gcpMember, resource: 'projects/shop-prod' },
      ],
    },
    {
      name: 'a contractor using a shared account after their approval ended',
      context: context({
        accounts: [
          account({
            system: 'aws',
            target: '111111111111',
            id: 'arn:aws:iam::111111111111:user/ops-admin',
            login: 'ops-admin',
          }),
        ],
        grants: [{ ...awsRead, account: 'arn:aws:iam::111111111111:user/ops-admin' }],
        register: register({
          people: [dana, samContractor({ grants: [awsApproval] })],
          shared_accounts: [opsAdminShared(['dana', 'sam'])],
        }),
      }),
      expect: [
        { account: 'arn:aws:iam::111111111111:user/ops-admin', person: 'sam', evidence: ['declared shared account'] },
      ],
    },
    {
      name: 'write kept after the write approval ended, though a read approval is still in effect',
      context: samHolding(shopWrite, [writeEnded, readGoesOn]),
      expect: [
        {
          account: 'samortiz',
          resource: 'northwind/shop',
          evidence: [
            `since ${day(-1)}, only read is approved in the code lane`,
            `still live 1 day after the approval ended ${day(-1)}`,
          ],
        },
      ],
    },
  ],
  quiet: [
    {
      name: 'read kept after the write approval ended, with a read approval in effect',
      context: samHolding({ ...shopWrite, permission: 'pull', level: 'read' }, [writeEnded, readGoesOn]),
    },
    {
      name: 'write above a read approval that never approved more (unapproved-access speaks)',
      context: samHolding(shopWrite, [
        approval({ access: 'read', end: day(-1) }),
        approval({ access: 'read', end: day(60) }),
      ]),
    },
    {
      name: 'the designer: approved read in its window',
      context: context({
        accounts: [account({ id: 'miadesign', mfa: true })],
        grants: [grant({ account: 'miadesign', resource: 'northwind/storefront', permission: 'pull', level: 'read' })],
        register: register({
          people: [
            dana,
            contractor('mia', {
              accounts: { github: 'miadesign' },
              grants: [approval({ scope: 'northwind/storefront', access: 'read' })],
            }),
          ],
        }),
      }),
    },
    {
      name: 'a time-bound binding that already expired is not access',
      context: context({
        accounts: [gcpUser],
        grants: [inheritedEditor('shop-prod', instant(-60))],
        register: register({ people: [dana, samContractor({ end: day(-60), grants: [gcpApproval] })] }),
      }),
    },
    {
      name: 'a deactivated account',
      context: context({
        accounts: [{ ...sam, status: 'deleted' }],
        grants: [shopWrite],
        register: register({ people: [dana, samContractor()] }),
      }),
    },
    {
      name: 'access never approved, engagement still running (unapproved, not expired)',
      context: context({
        accounts: [sam],
        grants: [grant({ account: 'samortiz', resource: 'northwind/infra' })],
        register: register({ people: [dana, samContractor({ grants: [approval()] })] }),
      }),
    },
    {
      name: 'the last day of the approval is still inside it',
      context: context({
        accounts: [sam],
        grants: [shopWrite],
        register: register({ people: [dana, samContractor({ grants: [approval({ end: day(0) })] })] }),
      }),
    },
  ],
});

describe('expired-access-active: the fix follows the way the access reaches them', () => {
  const stepsFor = (ctx: ReturnType<typeof context>) =>
    expiredAccessActive.evaluate(ctx).map((f) => [f.person, f.remediation?.steps]);

  it('their own account loses the access; a register group loses them', () => {
    expect(
      stepsFor(
        context({ accounts: [sam], grants: [shopWrite], register: register({ people: [dana, samContractor()] }) }),
      ),
    ).toEqual([['sam', ["Remove samortiz's access to northwind/shop."]]]);
    const team = account({ id: 'freelancers', login: 'freelancers', kind: 'group' });
    expect(
      stepsFor(
        context({
          accounts: [team],
          grants: [grant({ account: 'freelancers', resource: 'northwind/shop' })],
          register: register({
            people: [dana, samContractor()],
            groups: [{ system: 'github', id: 'freelancers', members: ['sam'] }],
          }),
        }),
      ),
    ).toEqual([['sam', ["Remove sam from the group freelancers, or the group's access to northwind/shop."]]]);
  });

  it("the company's domain: their directory account, never a group membership", () => {
    const domain = account({
      system: 'gcp',
      target: 'o',
      id: 'domain:northwind.example',
      login: 'northwind.example',
      kind: 'public',
      domain: 'northwind.example',
    });
    const viewer = grant({
      system: 'gcp',
      target: 'o',
      account: domain.id,
      resource: 'projects/analytics',
      permission: 'roles/viewer',
      level: 'read',
      lanes: ['data'],
    });
    const mia = contractor('mia', {
      emails: ['mia@northwind.example'],
      accounts: {},
      grants: [approval({ system: 'gcp', scope: 'projects/analytics', lane: 'data', access: 'read', end: day(-3) })],
    });
    expect(
      stepsFor(
        context({
          accounts: [domain],
          grants: [viewer],
          register: register({ domains: ['northwind.example'], people: [dana, mia] }),
        }),
      ),
    ).toEqual([
      [
        'mia',
        [
          "The domain northwind.example reaches mia through their address there: close it in the company's directory, or take projects/analytics from the domain.",
        ],
      ],
    ]);
  });
});

describe('expired-access-active: what an employee who left is told', () => {
  it('names their employment, not an approval they never needed', () => {
    const [finding] = runRule(
      expiredAccessActive,
      context({
        accounts: [account({ id: 'lee-okafor' })],
        grants: [grant({ account: 'lee-okafor', resource: 'northwind/infra', lanes: ['production'] })],
        register: register({
          people: [
            dana,
            { id: 'lee', name: 'Lee', kind: 'employee', end: day(-1), accounts: { github: 'lee-okafor' } },
          ],
        }),
      }),
    );
    expect(finding?.evidence.join('\n')).not.toMatch(/no approval ever covered|the approval ended/);
  });
});
