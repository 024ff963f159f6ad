import { describe, expect, it } from 'vitest';
import { resourceAliases, resourceNames } from '../../src/core/model.js';

describe('resourceNames', () => {
  it('gives the resource, then its aliases, given as a list or as one string', () => {
    expect(resourceNames({ resource: '111111111111' })).toEqual(['111111111111']);
    expect(resourceNames({ resource: '1', attributes: { aliases: ['prod', 'main'] } })).toEqual(['1', 'prod', 'main']);
    expect(resourceNames({ resource: '1', attributes: { aliases: 'prod' } })).toEqual(['1', 'prod']);
  });

  it('takes only strings as aliases, whatever else a connector put there', () => {
    expect(resourceNames({ resource: '1', attributes: { aliases: ['prod', 7, null, ['x']] as never } })).toEqual([
      '1',
      'prod',
    ]);
    expect(resourceNames({ resource: '1', attributes: { aliases: 7 as never } })).toEqual(['1']);
  });
});

describe('resourceAliases', () => {
  it('gives what resourceNames gives after the resource, and nothing for a grant without aliases', () => {
    for (const attributes of [
      undefined,
      {},
      { aliases: ['prod', 'main'] },
      { aliases: 'prod' },
      { aliases: [7, 'x'] },
    ]) {
      const grant = { resource: '1', ...(attributes ? { attributes: attributes as never } : {}) };
      expect(resourceAliases(grant)).toEqual(resourceNames(grant).slice(1));
    }
    expect(resourceAliases({ attributes: { aliases: ['prod'] } })).toEqual(['prod']);
  });
});
