import { describe, expect, it } from 'vitest';
import { classifySlackGrant } from '../../../connectors/slack/classify.js';
import type { Grant } from '../../../src/core/model.js';

const lanes = { data: ['#support', '#customers*', 'billing'], production: ['#incidents', '#deploy-*'] };

function draft(resource: string, permission: string, attributes?: Grant['attributes']): Grant {
  return {
    system: 'slack',
    target: 'T0ACME',
    account: 'U0X',
    resource,
    permission,
    via: 'membership',
    lanes: [],
    level: 'read',
    ...(attributes ? { attributes } : {}),
  };
}

describe('slack classify', () => {
  it.each([
    ['primary-owner', 'admin'],
    ['owner', 'admin'],
    ['admin', 'admin'],
    ['member', 'write'],
    ['channel-member', 'write'],
    ['slack-connect', 'write'],
    ['something-new', 'write'],
  ])('rates %s as %s', (permission, level) => {
    expect(classifySlackGrant(draft('#general', permission), { lanes }).level).toBe(level);
  });

  it.each([
    ['#support', ['data']],
    ['#customers', ['data']],
    ['#customers-eu', ['data']],
    ['#billing', ['data']], // a glob written without "#"
    ['#SUPPORT', ['data']],
    ['#support-escalations', ['code']],
    ['#incidents', ['production']],
    ['#deploy-shop', ['production']],
    ['#general', ['code']],
  ])('puts %s in %j', (channel, expected) => {
    expect(classifySlackGrant(draft(channel, 'channel-member'), { lanes }).lanes).toEqual(expected);
  });

  it('puts a channel matched by both mappings in both lanes', () => {
    const both = { data: ['#ops-*'], production: ['#ops-*'] };
    expect(classifySlackGrant(draft('#ops-db', 'channel-member'), { lanes: both }).lanes).toEqual([
      'data',
      'production',
    ]);
  });

  it('gives the workspace the lanes of the public channels a full member can read', () => {
    const onlyCode = draft('workspace', 'member', { publicChannels: ['#general', '#random'] });
    expect(classifySlackGrant(onlyCode, { lanes })).toEqual({ lanes: ['code'], level: 'write' });
    const withData = draft('workspace', 'admin', { publicChannels: ['#general', '#customers-us'] });
    expect(classifySlackGrant(withData, { lanes })).toEqual({ lanes: ['code', 'data'], level: 'admin' });
    const withAll = draft('workspace', 'owner', { publicChannels: ['#customers-us', '#incidents'] });
    expect(classifySlackGrant(withAll, { lanes }).lanes).toEqual(['code', 'data', 'production']);
    expect(classifySlackGrant(draft('workspace', 'member'), { lanes }).lanes).toEqual(['code']);
  });
});
