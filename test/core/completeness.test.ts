import { describe, expect, it } from 'vitest';
import { completeness } from '../../src/core/completeness.js';
import { status } from '../history/fixtures.js';

describe('completeness', () => {
  const now = new Date('2026-11-29T09:00:00Z');
  it('names the --only scope a scan was narrowed to, and leaves a full scan without one', () => {
    const snapshot = { systems: [status('github', 'northwind'), status('aws', '111111111111')] };
    expect(completeness(snapshot, [], now).narrowedTo).toBeUndefined();
    const scope = new Map<string, readonly string[] | undefined>([
      ['github', undefined],
      ['aws', ['222222222222', '111111111111']],
    ]);
    const narrowed = completeness(snapshot, [], now, scope);
    // Complete for what it read: the gate may pass; the history knows it read only part.
    expect(narrowed.complete).toBe(true);
    expect(narrowed.narrowedTo).toEqual(['aws:111111111111,222222222222', 'github']);
  });
});
