import { describe, expect, it } from 'vitest';
import { FaultInjector, matchPath, pageOf } from '../../src/core/emulator-kit.js';

describe('FaultInjector', () => {
  const plan = { seed: 42, rate: 0.5, kinds: ['rate-limit', 'server-error'] as const };

  it('gives the same sequence for the same seed', () => {
    const a = new FaultInjector({ ...plan, kinds: [...plan.kinds] });
    const b = new FaultInjector({ ...plan, kinds: [...plan.kinds] });
    const ops = Array.from({ length: 200 }, (_, i) => `op${i % 3}`);
    expect(ops.map((o) => a.next(o))).toEqual(ops.map((o) => b.next(o)));
  });

  it('never faults the same operation twice in a row, so a retry gets through', () => {
    const f = new FaultInjector({ seed: 7, rate: 1, kinds: ['server-error'] });
    const seq = Array.from({ length: 10 }, () => f.next('op'));
    for (let i = 1; i < seq.length; i++) expect(seq[i] && seq[i - 1]).toBeFalsy();
    expect(seq.filter(Boolean).length).toBe(5);
  });

  it('faults only the operations it is given', () => {
    const f = new FaultInjector({ seed: 1, rate: 1, kinds: ['reset'], operations: ['a'] });
    expect(f.next('b')).toBeUndefined();
    expect(f.next('a')).toBe('reset');
  });
});

describe('pageOf', () => {
  it('returns every item exactly once at any page size', () => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    for (const size of [1, 2, 3, 7, 100]) {
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const { page, next } = pageOf(items, cursor, size);
        seen.push(...page);
        cursor = next;
      } while (cursor);
      expect(seen).toEqual(items);
    }
  });
});

describe('matchPath', () => {
  it('extracts named parameters and rejects other shapes', () => {
    expect(matchPath('/orgs/{org}/members', '/orgs/northwind/members')).toEqual({ org: 'northwind' });
    expect(matchPath('/orgs/{org}/members', '/orgs/northwind/teams')).toBeUndefined();
    expect(matchPath('/repos/{owner}/{repo}', '/repos/a/b%2Fc')).toEqual({ owner: 'a', repo: 'b/c' });
  });
});
