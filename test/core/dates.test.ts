import { describe, expect, it } from 'vitest';
import { daysBetween, endOfDay, resolveRelativeDates } from '../../src/core/dates.js';

describe('resolveRelativeDates', () => {
  const now = new Date('2026-11-29T09:00:00Z');
  it('resolves $today and $now with offsets', () => {
    expect(resolveRelativeDates('end: $today-182d', now)).toBe('end: 2026-05-31');
    expect(resolveRelativeDates('end: $today+10d', now)).toBe('end: 2026-12-09');
    expect(resolveRelativeDates('"at": "$now-3h"', now)).toBe('"at": "2026-11-29T06:00:00.000Z"');
    expect(resolveRelativeDates('$today', now)).toBe('2026-11-29');
  });
  it('leaves ordinary words alone', () => {
    expect(resolveRelativeDates('task: fix it today, now', now)).toBe('task: fix it today, now');
  });
});

describe('endOfDay and daysBetween', () => {
  it('treats an end date as inclusive', () => {
    expect(endOfDay('2026-05-08').toISOString()).toBe('2026-05-09T00:00:00.000Z');
    expect(daysBetween(new Date('2026-05-09T00:00:00Z'), new Date('2026-06-08T12:00:00Z'))).toBe(30);
  });
});
