import { describe, expect, it } from 'vitest';
import { evaluateCondition, isLive } from '../../../connectors/gcp/conditions.js';

const END = '2026-10-01T00:00:00Z';
const before = new Date('2026-09-30T23:59:59Z');
const at = new Date(END);
const after = new Date('2026-10-01T00:00:01Z');

describe('evaluateCondition', () => {
  it('keeps a time-bound binding live before its end, and not at or after it', () => {
    const expression = `request.time < timestamp("${END}")`;
    expect(evaluateCondition(expression, before)).toMatchObject({
      state: 'live',
      expiresAt: '2026-10-01T00:00:00.000Z',
    });
    expect(evaluateCondition(expression, at).state).toBe('inactive');
    expect(evaluateCondition(expression, after).state).toBe('inactive');
  });

  it('treats <= as including the end instant', () => {
    const expression = `request.time <= timestamp('${END}')`;
    expect(evaluateCondition(expression, at).state).toBe('live');
    expect(evaluateCondition(expression, after).state).toBe('inactive');
  });

  it('reads either quote style and the reversed comparison', () => {
    for (const expression of [
      `request.time < timestamp('${END}')`,
      `timestamp("${END}") > request.time`,
      `  request.time<timestamp("2026-10-01T02:00:00+02:00")  `,
    ]) {
      expect(evaluateCondition(expression, before), expression).toMatchObject({
        state: 'live',
        expiresAt: '2026-10-01T00:00:00.000Z',
      });
      expect(evaluateCondition(expression, after).state, expression).toBe('inactive');
    }
  });

  it('counts a schedule (working hours, weekdays) as live when the clock is outside it', () => {
    const night = new Date('2026-09-15T02:00:00Z');
    const sunday = new Date('2026-09-13T12:00:00Z');
    const hours = 'request.time.getHours("Europe/Berlin") >= 9 && request.time.getHours("Europe/Berlin") < 18';
    const weekdays =
      'request.time.getDayOfWeek("Europe/Berlin") >= 1 && request.time.getDayOfWeek("Europe/Berlin") <= 5';
    expect(evaluateCondition(hours, night)).toMatchObject({
      state: 'undecided',
      explanation: expect.stringContaining('schedule'),
    });
    expect(isLive(evaluateCondition(hours, night))).toBe(true);
    expect(isLive(evaluateCondition(weekdays, sunday))).toBe(true);
    // A schedule inside a fixed end still ends with it.
    const ended = `${hours} && request.time < timestamp("2026-09-01T00:00:00Z")`;
    expect(evaluateCondition(ended, night)).toMatchObject({ state: 'inactive', expiresAt: '2026-09-01T00:00:00.000Z' });
  });

  it('decides a window (start and end) at every clock', () => {
    const expression = `request.time >= timestamp("2026-09-01T00:00:00Z") && request.time < timestamp("${END}")`;
    expect(evaluateCondition(expression, new Date('2026-08-31T00:00:00Z')).state).toBe('inactive');
    expect(evaluateCondition(expression, before)).toMatchObject({
      state: 'live',
      expiresAt: '2026-10-01T00:00:00.000Z',
    });
    expect(evaluateCondition(expression, after).state).toBe('inactive');
  });

  it('takes the earliest end of a conjunction', () => {
    const expression = `request.time < timestamp("2026-12-01T00:00:00Z") && request.time < timestamp("${END}")`;
    expect(evaluateCondition(expression, before).expiresAt).toBe('2026-10-01T00:00:00.000Z');
  });

  it('a conjunction with a resource term: false once the time has passed, undecided (live) before', () => {
    const expression = `request.time < timestamp("${END}") && resource.name.startsWith("projects/_/buckets/exports")`;
    const early = evaluateCondition(expression, before);
    expect(early.state).toBe('undecided');
    expect(early.expiresAt).toBe('2026-10-01T00:00:00.000Z');
    expect(early.explanation).toMatch(/treated as live/);
    expect(isLive(early)).toBe(true);
    const late = evaluateCondition(expression, after);
    expect(late.state).toBe('inactive');
    expect(isLive(late)).toBe(false);
  });

  it('a disjunction stays live through its other branch, and ends only when every branch has an end', () => {
    const open = `request.time < timestamp("${END}") || resource.type == "storage.googleapis.com/Bucket"`;
    expect(evaluateCondition(open, before)).toMatchObject({ state: 'live' });
    expect(evaluateCondition(open, before).expiresAt).toBeUndefined();
    expect(evaluateCondition(open, after).state).toBe('undecided');
    const both = `request.time < timestamp("${END}") || request.time < timestamp("2026-11-01T00:00:00Z")`;
    expect(evaluateCondition(both, after)).toMatchObject({ state: 'live', expiresAt: '2026-11-01T00:00:00.000Z' });
  });

  it('evaluates time functions with time zones', () => {
    const office = `request.time.getHours("Europe/Berlin") >= 9 && request.time.getHours("Europe/Berlin") < 17`;
    // 07:30 UTC is 09:30 in Berlin (summer time): inside the hours only in the right zone.
    expect(evaluateCondition(office, new Date('2026-09-30T07:30:00Z')).state).toBe('live');
    // Outside them it is a schedule, not an end: live again tomorrow.
    expect(evaluateCondition(office, new Date('2026-09-30T20:00:00Z')).state).toBe('undecided');
  });

  it('fails closed on what it cannot read: unknown functions, bad timestamps, syntax errors', () => {
    for (const expression of [
      `api.getAttribute("iam.googleapis.com/modifiedGrantsByRole", []).hasOnly(["roles/viewer"])`,
      `request.time < timestamp("next tuesday")`,
      `request.time < (`,
      `"not a boolean"`,
    ]) {
      const verdict = evaluateCondition(expression, before);
      expect(verdict.state, expression).toBe('undecided');
      expect(isLive(verdict), expression).toBe(true);
      expect(verdict.explanation, expression).toMatch(/treated as live/);
    }
  });

  it('does not mistake a timestamp in a string or another attribute for an end date', () => {
    expect(evaluateCondition(`"request.time < timestamp('${END}')" != ""`, before).expiresAt).toBeUndefined();
    expect(
      evaluateCondition(`resource.name < "x" && timestamp("${END}") > timestamp("2026-01-01T00:00:00Z")`, before)
        .expiresAt,
    ).toBeUndefined();
  });
});
