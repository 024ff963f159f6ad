import { unapprovedAccess } from '../../src/rules/unapproved-access.js';
import { account, approval, context, contractor, dana, day, grant, register } from '../support/builders.js';
import { ruleTester } from './tester.js';

const omar = account({ id: 'omar-qa' });
const omarOn = (resource: string, fields = {}) => grant({ account: 'omar-qa', resource, ...fields });
const omarWith = (grants: Record<string, unknown>[], fields = {}) =>
  register({ people: [dana, contractor('omar', { accounts: { github: 'omar-qa' }, grants, ...fields })] });
const readShop = approval({ access: 'read', ticket: 'SHOP-201' });

const agencyRole = 'arn:aws:iam::999999999999:root';
const agency = account({
  system: 'aws',
  target: '111111111111',
  id: agencyRole,
  login: '999999999999',
  kind: 'external',
});
const trusted = grant({
  system: 'aws',
  target: '111111111111',
  account: agencyRole,
  resource: '111111111111',
  permission: 'sts:AssumeRole support-agency',
  via: 'role',
  viaName: 'support-agency',
  lanes: ['production'],
  level: 'admin',
});

ruleTester(unapprovedAccess, {
  fires: [
    {
      name: 'write held where read is approved',
      context: context({ accounts: [omar], grants: [omarOn('northwind/shop')], register: omarWith([readShop]) }),
      expect: [
        {
          account: 'omar-qa',
          person: 'omar',
          resource: 'northwind/shop',
          title: 'Access above the approved level',
          evidence: ['approval SHOP-201', 'held write in the code lane is above the approved read'],
        },
      ],
    },
    {
      name: "access held before the contractor's engagement starts",
      context: context({
        accounts: [omar],
        grants: [omarOn('northwind/shop', { permission: 'pull', level: 'read' })],
        register: omarWith([approval({ access: 'read', start: day(-2), ticket: 'SHOP-202' })], { start: day(4) }),
      }),
      expect: [
        {
          account: 'omar-qa',
          resource: 'northwind/shop',
          title: 'Access nobody approved',
          evidence: [`omar's engagement starts ${day(4)}: nothing they hold is approved before then`, 'SHOP-202'],
        },
      ],
    },
    {
      name: 'a repo no approval names',
      context: context({ accounts: [omar], grants: [omarOn('northwind/infra')], register: omarWith([readShop]) }),
      expect: [
        {
          account: 'omar-qa',
          resource: 'northwind/infra',
          title: 'Access nobody approved',
          evidence: ['no approval of omar covers the code lane'],
        },
      ],
    },
    {
      name: 'the right repo in the wrong lane',
      context: context({
        accounts: [omar],
        grants: [omarOn('northwind/shop', { lanes: ['code', 'production'], level: 'read', permission: 'pull' })],
        register: omarWith([readShop]),
      }),
      expect: [{ account: 'omar-qa', evidence: ['covers the production lane'] }],
    },
    {
      name: 'an approval that has not started yet',
      context: context({
        accounts: [omar],
        grants: [omarOn('northwind/shop', { level: 'read' })],
        register: omarWith([approval({ access: 'read', start: day(5) })]),
      }),
      expect: [{ account: 'omar-qa', evidence: ['has not started yet'] }],
    },
    {
      name: "another organisation's principal linked to a contractor but approved for nothing",
      context: context({
        accounts: [agency],
        grants: [trusted],
        register: register({ people: [dana, contractor('agency', { accounts: { aws: '999999999999' }, grants: [] })] }),
      }),
      expect: [
        { account: agencyRole, person: 'agency', evidence: ['no approval of agency covers the production lane'] },
      ],
    },
    {
      name: 'a group binding: each contractor member is judged on their own approvals',
      context: context({
        accounts: [
          account({
            system: 'gcp',
            target: 'o',
            id: 'group:eng@northwind.example',
            login: 'eng@northwind.example',
            kind: 'group',
          }),
        ],
        grants: [
          grant({
            system: 'gcp',
            target: 'o',
            account: 'group:eng@northwind.example',
            resource: 'projects/analytics',
            permission: 'roles/bigquery.dataViewer',
            lanes: ['data'],
            level: 'read',
          }),
        ],
        register: register({
          people: [
            dana,
            contractor('omar', {
              grants: [approval({ system: 'gcp', scope: 'projects/analytics', lane: 'data', access: 'read' })],
            }),
            contractor('mia', { grants: [] }),
          ],
          groups: [{ system: 'gcp', id: 'group:eng@northwind.example', members: ['dana', 'mia', 'omar'] }],
        }),
      }),
      expect: [
        {
          account: 'group:eng@northwind.example',
          person: 'mia',
          evidence: ['register group with members dana, mia, omar'],
        },
      ],
    },
    {
      name: 'never-approved access of a contractor whose engagement ended',
      context: context({
        accounts: [omar],
        grants: [omarOn('northwind/infra')],
        register: omarWith([readShop], { end: day(-3) }),
      }),
      expect: [{ account: 'omar-qa', resource: 'northwind/infra' }],
    },
  ],
  quiet: [
    {
      name: 'approved read held as read',
      context: context({
        accounts: [omar],
        grants: [omarOn('northwind/shop', { level: 'read' })],
        register: omarWith([readShop]),
      }),
    },
    {
      name: 'an approval at a higher level than held, through a scope list',
      context: context({
        accounts: [omar],
        grants: [omarOn('northwind/storefront', { level: 'read' })],
        register: omarWith([approval({ scope: ['northwind/shop', 'northwind/store*'], access: 'admin' })]),
      }),
    },
    {
      name: 'an employee holds whatever they hold',
      context: context({
        accounts: [account({ id: 'dana-w' })],
        grants: [grant({ account: 'dana-w', resource: 'northwind/infra', level: 'admin', lanes: ['production'] })],
        register: register({ people: [{ ...dana, accounts: { github: 'dana-w' } }] }),
      }),
    },
    {
      name: 'approval ended: that is expired access, not unapproved',
      context: context({
        accounts: [omar],
        grants: [omarOn('northwind/shop', { level: 'read' })],
        register: omarWith([approval({ access: 'read', start: day(-40), end: day(-20) })]),
      }),
    },
    {
      name: 'an account linked to nobody (unknown-account reports it)',
      context: context({
        accounts: [account({ id: 'quickfix-dev' })],
        grants: [grant({ account: 'quickfix-dev', resource: 'northwind/shop' })],
      }),
    },
  ],
});
