import { describe, expect, it } from 'vitest';
import { inBatches } from '../../src/core/batches.js';

describe('inBatches', () => {
  it('joins whole pieces into batches of at least the size asked, the last one shorter', () => {
    const pieces = ['aaa', 'bb', 'c', 'dddd', 'e'];
    const batches = [...inBatches(pieces, 4)];
    expect(batches).toEqual(['aaabb', 'cdddd', 'e']);
    expect(batches.join('')).toBe(pieces.join(''));
  });

  it('passes a piece as large as a batch through as it is, and gives nothing for nothing', () => {
    const big = 'x'.repeat(10);
    expect([...inBatches([big, 'y'], 4)]).toEqual([big, 'y']);
    expect([...inBatches([], 4)]).toEqual([]);
  });
});
