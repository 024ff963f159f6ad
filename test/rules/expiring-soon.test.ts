import { describe, expect, it } from 'vitest';
import { expiringSoon } from '../../src/rules/expiring-soon.js';
import { account, approval, context, contractor, dana, day, grant, register, status } from '../support/builders.js';
import { ruleTester, runRule } from './tester.js';

const rita = account({ id: 'ritacosta' });
const storefront = grant({ account: 'ritacosta', resource: 'northwind/storefront' });
const ritaWith = (grants: Record<string, unknown>[], fields = {}) =>
  register({ people: [dana, contractor('rita', { accounts: { github: 'ritacosta' }, grants, ...fields })] });
const giftCards = approval({ scope: 'northwind/storefront', end: day(10), ticket: 'WEB-90' });

ruleTester(expiringSoon, {
  fires: [
    {
      name: 'an approval ending in ten days, held',
      context: context({ accounts: [rita], grants: [storefront], register: ritaWith([giftCards]) }),
      expect: [
        {
          account: '',
          person: 'rita',
          severity: 'info',
          resource: 'northwind/storefront',
          evidence: [
            `ends in 10 days, on ${day(10)}`,
            'WEB-90',
            'held: github ritacosta has write (push) on northwind/storefront',
          ],
        },
      ],
    },
    {
      name: 'an approval ending in twenty days, approved but not held',
      context: context({
        register: ritaWith([
          approval({ system: 'gcp', scope: 'projects/analytics', lane: 'data', access: 'read', end: day(20) }),
        ]),
        policy: { expiringSoonDays: 30 },
      }),
      expect: [{ account: '', person: 'rita', evidence: ['ends in 20 days', 'gcp was not read in this scan'] }],
    },
    {
      name: 'approved, and not held in a system that was read',
      context: context({
        systems: [status('gcp', 'organizations/1')],
        register: ritaWith([
          approval({ system: 'gcp', scope: 'projects/analytics', lane: 'data', access: 'read', end: day(5) }),
        ]),
      }),
      expect: [{ account: '', person: 'rita', evidence: ['ends in 5 days', 'approved, not held'] }],
    },
    {
      name: "a Slack guest expiry later than the register's end is shown as a mismatch",
      context: context({
        accounts: [account({ system: 'slack', target: 'T1', id: 'U7', login: 'rita', endsAt: `${day(40)}T00:00:00Z` })],
        grants: [grant({ system: 'slack', target: 'T1', account: 'U7', resource: '#storefront', via: 'membership' })],
        register: ritaWith([approval({ system: 'slack', scope: '#storefront', end: day(10) })], {
          accounts: { slack: 'U7' },
        }),
      }),
      expect: [
        {
          account: '',
          evidence: [`mismatch: slack keeps this access until ${day(40)}, after the approval ends ${day(10)}`],
        },
      ],
    },
    {
      name: 'an approval ending today',
      context: context({ register: ritaWith([approval({ end: day(0) })]) }),
      expect: [{ account: '', evidence: [`ends today, on ${day(0)}`] }],
    },
    {
      name: 'a renewal that leaves a gap, or covers less, is not one',
      context: context({
        accounts: [rita],
        grants: [storefront],
        register: ritaWith([
          giftCards,
          approval({ scope: 'northwind/storefront', start: day(12), end: day(90), ticket: 'WEB-92' }),
          approval({ scope: 'northwind/storefront', access: 'read', start: day(1), end: day(90), ticket: 'WEB-93' }),
        ]),
      }),
      expect: [{ account: '', person: 'rita', evidence: [`ends in 10 days, on ${day(10)}`, 'WEB-90'] }],
    },
  ],
  quiet: [
    {
      name: 'the designer: her approval ends in sixty days',
      context: context({ accounts: [rita], grants: [storefront], register: ritaWith([approval({ end: day(60) })]) }),
    },
    {
      name: 'an approval already ended, one without end, one not started',
      context: context({
        register: ritaWith([
          approval({ start: day(-20), end: day(-1) }),
          approval({ task: 'Keep the dashboards running weekly', end: undefined }),
          approval({ task: 'Start the next phase of work', start: day(2), end: day(5) }),
        ]),
      }),
    },
    {
      name: 'the engagement already ended',
      context: context({ register: ritaWith([giftCards], { end: day(-1) }) }),
    },
    {
      name: 'renewed already: the next approval starts the day after, or overlaps, covering all of it',
      context: context({
        accounts: [rita],
        grants: [storefront],
        register: ritaWith([
          giftCards,
          approval({
            scope: ['northwind/storefront', 'northwind/shop'],
            start: day(11),
            end: day(90),
            ticket: 'WEB-91',
          }),
          approval({ scope: 'northwind/shop', end: day(3), ticket: 'SHOP-3' }),
          approval({ scope: '*', start: day(-1), end: day(120), ticket: 'ALL-1' }),
        ]),
      }),
    },
    {
      name: "an employee's approval of their own account: employment approves it",
      context: context({
        accounts: [account({ id: 'dana-w' })],
        grants: [grant({ account: 'dana-w', resource: 'northwind/shop' })],
        register: register({
          people: [{ ...dana, accounts: { github: 'dana-w' }, grants: [approval({ end: day(3) })] }],
        }),
      }),
    },
    {
      name: 'a shorter policy window',
      context: context({ register: ritaWith([giftCards]), policy: { expiringSoonDays: 7 } }),
    },
  ],
});

describe('expiring-soon: the same approval is the same finding', () => {
  it('whatever the order its scopes are written in', () => {
    const ids = (scope: string[]) =>
      runRule(expiringSoon, context({ register: ritaWith([{ ...giftCards, scope }]) })).map((f) => [
        f.fingerprint,
        f.resource,
      ]);
    const one = ids(['northwind/storefront', 'northwind/shop']);
    expect(one).toEqual(ids(['northwind/shop', 'northwind/storefront']));
    expect(one[0]?.[1]).toBe('northwind/shop, northwind/storefront');
  });
});
