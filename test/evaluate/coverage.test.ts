// Coverage: does the register approve what a person holds, lane by lane.
import { describe, expect, it } from 'vitest';
import type { Grant } from '../../src/core/model.js';
import { PersonSchema, RegisterGrantSchema } from '../../src/core/register.js';
import { coverageOf, coverLanes, scopeMatches } from '../../src/pipeline/evaluate/coverage.js';
import { account, approval, contractor, day, grant, NOW } from '../support/builders.js';

const person = (grants: Record<string, unknown>[], fields: Record<string, unknown> = {}) =>
  PersonSchema.parse(contractor('sam', { grants, ...fields }));
const sam = account({ id: 'sam' });
const shopWrite = grant({ account: 'sam', resource: 'northwind/shop' });
const stateOf = (g: Grant, p = person([approval()]), now = NOW) =>
  Object.fromEntries(coverLanes(g, sam, p, now).map((c) => [c.lane, c.state]));

describe('coverLanes', () => {
  it('approves access inside the window at or below the approved level', () => {
    expect(stateOf(shopWrite)).toEqual({ code: 'approved' });
    expect(stateOf({ ...shopWrite, level: 'read' })).toEqual({ code: 'approved' });
    const [c] = coverLanes(shopWrite, sam, person([approval()]), NOW);
    expect(c?.approval?.ticket).toBe('SHOP-1');
  });

  it('counts the end date as the last day of access', () => {
    const p = person([approval({ end: day(0) })]);
    expect(stateOf(shopWrite, p, new Date(`${day(0)}T23:59:59Z`))).toEqual({ code: 'approved' });
    expect(stateOf(shopWrite, p, new Date(`${day(1)}T00:00:00Z`))).toEqual({ code: 'expired' });
  });

  it('marks access covered only by ended approvals expired, with the last end date', () => {
    const p = person([approval({ start: day(-90), end: day(-60) }), approval({ start: day(-50), end: day(-40) })]);
    const [c] = coverLanes(shopWrite, sam, p, NOW);
    expect(c).toMatchObject({ state: 'expired', endedOn: day(-40) });
    expect(c?.matches).toHaveLength(2);
  });

  it('says above when the held level is higher than every live approval', () => {
    const p = person([approval({ access: 'read' })]);
    expect(stateOf({ ...shopWrite, level: 'admin' }, p)).toEqual({ code: 'above' });
  });

  it('says expired, not above, when the approval of the level held ended and only a lower one is live', () => {
    const p = person([approval({ end: day(-3) }), approval({ access: 'read', start: day(-3), ticket: 'SHOP-2' })]);
    const [c] = coverLanes(shopWrite, sam, p, NOW);
    expect(c).toMatchObject({ state: 'expired', endedOn: day(-3), approval: { ticket: 'SHOP-2' } });
    expect(stateOf({ ...shopWrite, level: 'read' }, p)).toEqual({ code: 'approved' });
    // An ended approval below the level held changes nothing: above.
    const lower = person([approval({ access: 'read', end: day(-3) }), approval({ access: 'read' })]);
    expect(stateOf(shopWrite, lower)).toEqual({ code: 'above' });
  });

  it('approves nothing before the engagement starts, whatever the approvals say', () => {
    const p = person([approval({ start: day(-5) })], { start: day(3) });
    expect(coverLanes(shopWrite, sam, p, NOW)).toMatchObject([
      { lane: 'code', state: 'unapproved', engagementStarts: day(3) },
    ]);
    expect(stateOf(shopWrite, person([approval({ start: day(-5) })], { start: day(0) }))).toEqual({ code: 'approved' });
  });

  it('says expired, before a re-hired contractor’s new engagement starts, for access an earlier engagement’s approval covered', () => {
    // Approved for the first engagement (ended 60 days ago), re-hired from three days on: the
    // access left on between the two outlived its approval.
    const p = person(
      [approval({ start: day(-200), end: day(-60) }), approval({ start: day(3), end: day(90), ticket: 'SHOP-2' })],
      { start: day(3) },
    );
    expect(coverLanes(shopWrite, sam, p, NOW)).toMatchObject([
      { lane: 'code', state: 'expired', endedOn: day(-60), engagementStarts: day(3) },
    ]);
    // Nothing of the earlier engagement covers the production lane: unapproved, as before.
    expect(stateOf({ ...shopWrite, lanes: ['production'] }, p)).toEqual({ production: 'unapproved' });
  });

  it('takes the highest live approval when several match', () => {
    const p = person([
      approval({ access: 'read' }),
      approval({ access: 'admin', task: 'Administer the shop repository' }),
    ]);
    expect(stateOf({ ...shopWrite, level: 'admin' }, p)).toEqual({ code: 'approved' });
  });

  it('does not let an approval in one lane cover another', () => {
    expect(stateOf({ ...shopWrite, lanes: ['code', 'production'] })).toEqual({
      code: 'approved',
      production: 'unapproved',
    });
  });

  it('does not let an approval of another system or another resource cover access', () => {
    expect(stateOf(shopWrite, person([approval({ system: 'aws' })]))).toEqual({ code: 'unapproved' });
    expect(stateOf({ ...shopWrite, resource: 'northwind/infra' })).toEqual({ code: 'unapproved' });
  });

  it('treats an approval that has not started as no approval', () => {
    expect(stateOf(shopWrite, person([approval({ start: day(3) })]))).toEqual({ code: 'unapproved' });
  });

  it('approves without an end date (register-incomplete reports the missing date)', () => {
    expect(stateOf(shopWrite, person([approval({ end: undefined })]))).toEqual({ code: 'approved' });
  });

  it('makes everything expired once the engagement ended, and keeps never-approved lanes unapproved', () => {
    const p = person([approval()], { end: day(-2) });
    const cells = coverLanes({ ...shopWrite, lanes: ['code', 'production'] }, sam, p, NOW);
    expect(cells).toEqual([
      expect.objectContaining({ lane: 'code', state: 'expired', endedOn: day(-2), engagementEnded: day(-2) }),
      expect.objectContaining({ lane: 'production', state: 'unapproved', engagementEnded: day(-2) }),
    ]);
    expect(cells[0]?.approval).toBeUndefined();
  });

  it('approves employees by employment, until their engagement ends, and never for external principals', () => {
    const employee = PersonSchema.parse({ id: 'dana', name: 'Dana', kind: 'employee' });
    expect(coverLanes(shopWrite, sam, employee, NOW)[0]?.state).toBe('employee');
    expect(coverLanes(shopWrite, sam, { ...employee, end: day(-1) }, NOW)[0]).toMatchObject({
      state: 'unapproved',
      engagementEnded: day(-1),
    });
    expect(coverLanes(shopWrite, account({ id: 'sam', kind: 'external' }), employee, NOW)[0]?.state).toBe('unapproved');
  });
});

describe('coverageOf', () => {
  const employee = PersonSchema.parse({ id: 'dana', name: 'Dana', kind: 'employee' });
  const infraAdmin = grant({ account: 'sam', resource: 'northwind/infra', level: 'admin' });

  it('gives what coverLanes gives, for every kind of holder and account', () => {
    const cover = coverageOf(NOW);
    const ended = { ...employee, end: day(-1) };
    const external = account({ id: 'sam', kind: 'external' });
    for (const p of [employee, ended, person([approval()]), person([])])
      for (const a of [sam, external])
        for (const g of [shopWrite, infraAdmin, { ...shopWrite, lanes: ['production', 'code'] } as Grant])
          expect(cover(g, a, p)).toEqual(coverLanes(g, a, p, NOW));
  });

  it("shares one result between a person's grants none of their approvals could match", () => {
    const cover = coverageOf(NOW);
    // No register grant of the system and lane: judged alike whatever the resource or level.
    expect(cover(infraAdmin, sam, employee)).toBe(cover(shopWrite, sam, employee));
    // Not between people, lanes, or the company's own and an external account.
    expect(cover(shopWrite, sam, employee)).not.toBe(cover(shopWrite, sam, person([])));
    expect(cover({ ...shopWrite, lanes: ['production'] }, sam, employee)).not.toBe(cover(shopWrite, sam, employee));
    expect(cover(shopWrite, account({ id: 'sam', kind: 'external' }), employee)).not.toBe(
      cover(shopWrite, sam, employee),
    );
    // An approval of that system and lane may match one resource and not another: judged each time.
    const approved = person([approval()]);
    expect(cover(shopWrite, sam, approved)).not.toBe(cover(shopWrite, sam, approved));
    expect(cover(infraAdmin, sam, approved)[0]?.state).toBe('unapproved');
    expect(cover(shopWrite, sam, approved)[0]?.state).toBe('approved');
  });
});

describe('scopeMatches', () => {
  const rg = (scope: string | string[]) => RegisterGrantSchema.parse(approval({ scope }));

  it('matches globs, lists of globs, and aliases', () => {
    expect(scopeMatches(rg('northwind/*'), shopWrite)).toBe(true);
    expect(scopeMatches(rg(['northwind/infra', 'northwind/sh*']), shopWrite)).toBe(true);
    expect(scopeMatches(rg('northwind/infra'), shopWrite)).toBe(false);
    const awsGrant = grant({
      system: 'aws',
      account: 'x',
      resource: '111111111111',
      attributes: { aliases: ['northwind-production'] },
    });
    expect(scopeMatches(rg('northwind-prod*'), awsGrant)).toBe(true);
    expect(scopeMatches(rg('111111111111'), awsGrant)).toBe(true);
    expect(scopeMatches(rg('northwind-staging'), awsGrant)).toBe(false);
  });

  it('lets a lone "*" mean every resource, slashes included, but keeps org-wide grants apart from repo globs', () => {
    const project = grant({ system: 'gcp', account: 'x', resource: 'projects/shop-prod' });
    expect(scopeMatches(rg('*'), project)).toBe(true);
    expect(scopeMatches(rg('projects/*'), project)).toBe(true);
    expect(scopeMatches(rg('northwind/*'), grant({ account: 'x', resource: 'northwind' }))).toBe(false);
  });

  it('matches Slack channel names and is case-insensitive', () => {
    expect(scopeMatches(rg('#store*'), grant({ system: 'slack', account: 'U1', resource: '#storefront' }))).toBe(true);
    expect(scopeMatches(rg('northwind/shop'), grant({ account: 'x', resource: 'Northwind/Shop' }))).toBe(true);
  });
});
