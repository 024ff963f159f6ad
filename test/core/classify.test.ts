// classifyGrant: the lanes and level from the connector, and the grant in the model's key order
// (inventory.json writes a record in that order as it is: reports/inventory.ts).
import { describe, expect, it } from 'vitest';
import { GrantSchema, type UnclassifiedGrant } from '../../src/core/model.js';
import { classifyGrant } from '../../src/pipeline/classify.js';
import { fakeConnector } from '../support/fake-connector.js';

const connector = fakeConnector({
  id: 'fake',
  title: 'Fake',
  collect: async () => {},
  classify: () => ({ lanes: ['production', 'code', 'production'], level: 'write' }),
  operations: [],
});

/** The keys that hold a value, in order: what JSON writes. */
const definedKeys = (record: object) =>
  Object.entries(record)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);

describe('classifyGrant', () => {
  it('gives the connector’s lanes (sorted, once each) and level, every field in the model’s order', () => {
    // Built as a connector might: evidence first, the identifying fields after.
    const grant: UnclassifiedGrant = {
      evidence: ['member of team a'],
      attributes: { team: 'a' },
      via: 'team',
      viaName: 'a',
      permission: 'push',
      resource: 'acme/shop',
      account: 'sam',
      target: 'acme',
      system: 'fake',
    };
    const classified = classifyGrant(connector, {}, grant);
    expect(classified).toEqual({ ...grant, lanes: ['code', 'production'], level: 'write' });
    const model = Object.keys(GrantSchema.shape);
    // Every field the model has, in its order: a field added to GrantSchema and not to
    // classifyGrant's literal would otherwise be dropped from every grant without a word.
    expect(Object.keys(classified)).toEqual(model);
    expect(definedKeys(classified)).toEqual(model.filter((k) => k !== 'expiresAt'));
    expect(JSON.parse(JSON.stringify(classified))).toEqual({ ...grant, lanes: ['code', 'production'], level: 'write' });
  });

  it('has nothing for what the grant does not have, and keeps keys outside the model after its own', () => {
    const grant = JSON.parse(
      '{"zeta": 1, "__proto__": {"x": true}, "system": "fake", "target": "t", "account": "a", "resource": "r", "permission": "read", "via": "direct"}',
    ) as UnclassifiedGrant;
    const classified = classifyGrant(connector, {}, grant);
    expect(definedKeys(classified)).toEqual([
      'system',
      'target',
      'account',
      'resource',
      'permission',
      'via',
      'lanes',
      'level',
      'zeta',
      '__proto__',
    ]);
    expect(Object.getPrototypeOf(classified)).toBe(Object.prototype);
  });
});
