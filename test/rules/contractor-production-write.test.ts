import { describe, expect, it } from 'vitest';
import { contractorProductionWrite } from '../../src/rules/contractor-production-write.js';
import { account, approval, context, contractor, dana, grant, register } from '../support/builders.js';
import { ruleTester, runRule } from './tester.js';

const sam = account({ id: 'samortiz' });
const infra = (fields = {}) =>
  grant({
    account: 'samortiz',
    resource: 'northwind/infra',
    lanes: ['production'],
    permission: 'admin',
    level: 'admin',
    ...fields,
  });
const samWith = (grants: Record<string, unknown>[]) =>
  register({ people: [dana, contractor('sam', { accounts: { github: 'samortiz' }, grants })] });

ruleTester(contractorProductionWrite, {
  fires: [
    {
      name: 'unapproved admin on the production repo',
      context: context({ accounts: [sam], grants: [infra()], register: samWith([approval()]) }),
      expect: [
        {
          account: 'samortiz',
          person: 'sam',
          resource: 'northwind/infra',
          evidence: ['production access is unapproved'],
        },
      ],
    },
    {
      name: 'approved write in production still fires',
      context: context({
        accounts: [sam],
        grants: [infra({ level: 'write', permission: 'push' })],
        register: samWith([approval({ scope: 'northwind/infra', lane: 'production' })]),
      }),
      expect: [{ account: 'samortiz', evidence: ['the register approves production access', 'holds write (push)'] }],
    },
    {
      name: 'write in production where the register approves read: not called approved',
      context: context({
        accounts: [sam],
        grants: [infra({ level: 'write', permission: 'push' })],
        register: samWith([approval({ scope: 'northwind/infra', lane: 'production', access: 'read' })]),
      }),
      expect: [{ account: 'samortiz', evidence: ['the register approves production read only, below what is held'] }],
    },
    {
      name: 'write on a repo whose production environment needs no review',
      context: context({
        accounts: [sam],
        grants: [grant({ account: 'samortiz', resource: 'northwind/shop', lanes: ['code', 'production'] })],
        register: samWith([approval()]),
      }),
      expect: [{ account: 'samortiz', resource: 'northwind/shop' }],
    },
  ],
  quiet: [
    {
      name: 'read in production',
      context: context({
        accounts: [sam],
        grants: [infra({ level: 'read', permission: 'pull' })],
        register: samWith([]),
      }),
    },
    {
      name: 'write outside production',
      context: context({
        accounts: [sam],
        grants: [grant({ account: 'samortiz', resource: 'northwind/shop' })],
        register: samWith([]),
      }),
    },
    {
      name: 'an employee writing to production',
      context: context({
        accounts: [account({ id: 'dana-w' })],
        grants: [infra({ account: 'dana-w' })],
        register: register({ people: [{ ...dana, accounts: { github: 'dana-w' } }] }),
      }),
    },
  ],
});

describe('contractor-production-write: the fix fits what the register approves', () => {
  const fixOf = (grants: Record<string, unknown>[]) =>
    runRule(
      contractorProductionWrite,
      context({ accounts: [sam], grants: [infra({ level: 'write', permission: 'push' })], register: samWith(grants) }),
    )[0]?.remediation.steps[0];

  it('says to lower to read when the register approves production at read', () => {
    expect(fixOf([approval({ scope: 'northwind/infra', lane: 'production', access: 'read' })])).toMatch(
      /^Lower the contractor to read in production/,
    );
  });

  it('says to remove the access or approve it when the register does not approve production', () => {
    expect(fixOf([approval()])).toBe(
      "Remove the contractor's production access to northwind/infra, or approve it in the register if their task needs it; route their production changes through an employee (review, deploy approval).",
    );
  });
});
