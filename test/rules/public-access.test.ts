import { publicAccess } from '../../src/rules/public-access.js';
import { account, context, grant } from '../support/builders.js';
import { ruleTester } from './tester.js';

const pub = (id: string) => account({ system: 'gcp', target: 'organizations/1', id, login: id, kind: 'public' });
const binding = (member: string, resource: string, fields = {}) =>
  grant({
    system: 'gcp',
    target: 'organizations/1',
    account: member,
    resource,
    permission: 'roles/viewer',
    lanes: ['code'],
    level: 'read',
    ...fields,
  });

ruleTester(publicAccess, {
  fires: [
    {
      name: 'allUsers reading a data project is critical',
      context: context({
        accounts: [pub('allUsers')],
        grants: [
          binding('allUsers', 'projects/analytics', { permission: 'roles/bigquery.dataViewer', lanes: ['data'] }),
        ],
      }),
      expect: [
        {
          account: 'allUsers',
          severity: 'critical',
          evidence: ['public principal', 'roles/bigquery.dataViewer', 'data lane'],
        },
      ],
    },
    {
      name: 'allAuthenticatedUsers on a code project is high',
      context: context({
        accounts: [pub('allAuthenticatedUsers')],
        grants: [binding('allAuthenticatedUsers', 'projects/site')],
      }),
      expect: [{ account: 'allAuthenticatedUsers', severity: 'high', resource: 'projects/site' }],
    },
  ],
  quiet: [
    {
      name: 'a named user with the same binding',
      context: context({
        accounts: [
          account({ system: 'gcp', target: 'organizations/1', id: 'user:dana@northwind.example', login: 'dana' }),
        ],
        grants: [binding('user:dana@northwind.example', 'projects/analytics', { lanes: ['data'] })],
      }),
    },
    {
      name: 'a public binding whose condition expired',
      context: context({
        accounts: [pub('allUsers')],
        grants: [binding('allUsers', 'projects/site', { expiresAt: '2026-01-01T00:00:00Z' })],
      }),
    },
  ],
});
