import { describe, expect, it } from 'vitest';
import { AccountMap } from '../../src/core/account-map.js';

describe('AccountMap', () => {
  it('keeps accounts apart whatever their parts hold', () => {
    const map = new AccountMap<number>()
      .set('github', 'acme', 'sam', 1)
      .set('github', 'acme/x', 'sam', 2)
      .set('github', 'acme', 'x/sam', 3)
      .set('github","acme', '', 'sam', 4);
    expect(map.get('github', 'acme', 'sam')).toBe(1);
    expect(map.get('github', 'acme/x', 'sam')).toBe(2);
    expect(map.get('github', 'acme', 'x/sam')).toBe(3);
    expect(map.get('github","acme', '', 'sam')).toBe(4);
    expect(map.get('github', 'acme', 'SAM')).toBeUndefined();
    expect(map.has('aws', 'acme', 'sam')).toBe(false);
    expect(map.has('github', 'acme', 'sam')).toBe(true);
  });

  it('makes a value once per account with upsert', () => {
    const map = new AccountMap<string[]>();
    map.upsert('slack', 'T1', 'U1', () => []).push('a');
    map.upsert('slack', 'T1', 'U1', () => ['never made']).push('b');
    expect(map.get('slack', 'T1', 'U1')).toEqual(['a', 'b']);
  });

  it('lets the later of two records for one account win, as a Map built from entries does', () => {
    const map = AccountMap.of(
      [
        { system: 'aws', target: '1', id: 'role', n: 1 },
        { system: 'aws', target: '1', id: 'role', n: 2 },
      ],
      (r) => [r.system, r.target, r.id, r.n],
    );
    expect(map.get('aws', '1', 'role')).toBe(2);
  });
});
