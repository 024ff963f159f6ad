import { multipleLanes } from '../../src/rules/multiple-lanes.js';
import { account, approval, context, contractor, dana, day, grant, register } from '../support/builders.js';
import { ruleTester } from './tester.js';

const sam = account({ id: 'samortiz' });
const shop = grant({ account: 'samortiz', resource: 'northwind/shop' });
const infra = grant({
  account: 'samortiz',
  resource: 'northwind/infra',
  permission: 'admin',
  level: 'admin',
  lanes: ['production'],
});
const slackUser = account({ system: 'slack', target: 'T1', id: 'U9', login: 'sam' });
const supportChannel = grant({
  system: 'slack',
  target: 'T1',
  account: 'U9',
  resource: '#support',
  permission: 'member',
  via: 'membership',
  lanes: ['data'],
});
const samWith = (fields = {}) =>
  register({
    people: [
      dana,
      contractor('sam', { accounts: { github: 'samortiz', slack: 'U9' }, grants: [approval()], ...fields }),
    ],
  });

ruleTester(multipleLanes, {
  fires: [
    {
      name: 'code on the shop and admin on the production infra repo',
      context: context({ accounts: [sam], grants: [shop, infra], register: samWith() }),
      expect: [
        {
          account: '',
          person: 'sam',
          evidence: [
            'holds 2 lanes: code, production',
            'code: github samortiz holds write (push) on northwind/shop',
            'production: github samortiz holds admin (admin) on northwind/infra',
          ],
        },
      ],
    },
    {
      name: 'code in GitHub and a data-lane channel in Slack, across two accounts',
      context: context({ accounts: [sam, slackUser], grants: [shop, supportChannel], register: samWith() }),
      expect: [
        { account: '', person: 'sam', evidence: ['code, data', 'data: slack sam holds write (member) on #support'] },
      ],
    },
    {
      name: 'production through a shared account the contractor uses, code through their own',
      context: context({
        accounts: [sam, account({ id: 'ops-bot' })],
        grants: [shop, { ...infra, account: 'ops-bot' }],
        register: register({
          people: [dana, contractor('sam', { accounts: { github: 'samortiz' }, grants: [approval()] })],
          shared_accounts: [
            {
              system: 'github',
              id: 'ops-bot',
              kind: 'shared',
              owner: 'dana',
              purpose: 'deploys',
              users: ['dana', 'sam'],
            },
          ],
        }),
      }),
      expect: [
        {
          account: '',
          person: 'sam',
          evidence: [
            'code: github samortiz holds write (push) on northwind/shop',
            'production: github ops-bot holds admin (admin) on northwind/infra (through the shared account)',
          ],
        },
      ],
    },
    {
      name: 'a lanes exception that has ended no longer counts',
      context: context({
        accounts: [sam],
        grants: [shop, infra],
        register: samWith({ lanes_exception: { reason: 'on-call cover', approved_by: 'dana', end: day(-1) } }),
      }),
      expect: [{ account: '', person: 'sam', evidence: [`approved by dana ended ${day(-1)}`] }],
    },
    {
      name: 'a lanes exception whose approver has left no longer counts',
      context: context({
        accounts: [sam],
        grants: [shop, infra],
        register: register({
          people: [
            dana,
            { id: 'lee', name: 'Lee', kind: 'employee', end: day(-3) },
            contractor('sam', {
              accounts: { github: 'samortiz' },
              grants: [approval()],
              lanes_exception: { reason: 'on-call cover', approved_by: 'lee', end: day(20) },
            }),
          ],
        }),
      }),
      expect: [
        { account: '', person: 'sam', evidence: [`the lanes exception was approved by lee, who left on ${day(-3)}`] },
      ],
    },
  ],
  quiet: [
    {
      name: 'one lane across several repos',
      context: context({
        accounts: [sam],
        grants: [shop, grant({ account: 'samortiz', resource: 'northwind/storefront' })],
        register: samWith(),
      }),
    },
    {
      name: 'an approved lanes exception',
      context: context({
        accounts: [sam],
        grants: [shop, infra],
        register: samWith({ lanes_exception: { reason: 'on-call cover', approved_by: 'dana', end: day(20) } }),
      }),
    },
    {
      name: 'an employee holding every lane',
      context: context({
        accounts: [account({ id: 'dana-w' })],
        grants: [
          grant({ account: 'dana-w', resource: 'northwind/shop' }),
          grant({ account: 'dana-w', resource: 'northwind/infra', lanes: ['production', 'data'] }),
        ],
        register: register({ people: [{ ...dana, accounts: { github: 'dana-w' } }] }),
      }),
    },
    {
      name: 'a second lane only on a deleted account',
      context: context({
        accounts: [sam, { ...slackUser, status: 'deleted' }],
        grants: [shop, supportChannel],
        register: samWith(),
      }),
    },
  ],
});
