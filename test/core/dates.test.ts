import { describe, expect, it } from 'vitest';
import { dayCount, daysBetween, endOfDay, parseNow, resolveRelativeDates, withinDays } from '../../src/core/dates.js';

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

describe('parseNow: ISO-8601 only', () => {
  it.each([
    ['2026-12-10', '2026-12-10T00:00:00.000Z'],
    ['2026-12-10T09:30Z', '2026-12-10T09:30:00.000Z'],
    ['2026-12-10T09:30:15.250Z', '2026-12-10T09:30:15.250Z'],
    ['2026-12-10T09:30:00+02:00', '2026-12-10T07:30:00.000Z'],
  ])('accepts %s', (value, instant) => {
    expect(parseNow(value)?.toISOString()).toBe(instant);
  });

  it.each([
    'Dec 10',
    '12/10/2026',
    '2026-12-10 09:30',
    '2026-12-10T09:30', // no zone: would depend on the machine's time zone
    '2026-02-30',
    '2026-12-10T24:00Z',
    '1765324800000',
    '',
  ])('refuses %j', (value) => {
    expect(parseNow(value)).toBeUndefined();
  });
});

describe('dayCount', () => {
  it('says one day, and any other count in days', () => {
    expect([0, 1, 2, 181].map(dayCount)).toEqual(['0 days', '1 day', '2 days', '181 days']);
  });
});

describe('withinDays', () => {
  it('runs from the start of the first day to the end of the last, either side open when missing', () => {
    const at = (iso: string) => new Date(iso);
    expect(withinDays('2026-11-01', '2026-11-30', at('2026-11-30T23:59:59Z'))).toBe(true);
    expect(withinDays('2026-11-01', '2026-11-30', at('2026-12-01T00:00:00Z'))).toBe(false);
    expect(withinDays('2026-11-01', undefined, at('2026-10-31T23:59:59Z'))).toBe(false);
    expect(withinDays(undefined, undefined, at('2026-10-31T23:59:59Z'))).toBe(true);
  });
});
