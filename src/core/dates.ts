// Clock and date helpers. Every stage after collection takes `now` as an argument;
// nothing reads the wall clock except the CLI when --now is absent.

const DAY_MS = 86_400_000;

/** A date, or an instant with its zone: 2026-11-29, 2026-11-29T09:00Z, 2026-11-29T09:00:00.000+01:00. */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * The clock given on the command line, ISO-8601 only: a date (its midnight UTC) or an instant
 * with a zone. Anything else (no zone, "Dec 10", a day that does not exist) is undefined, so the
 * same flag means the same instant on every machine, whatever its time zone.
 */
export function parseNow(value: string): Date | undefined {
  const m = ISO_8601.exec(value.trim());
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second] = m;
  const hasTime = hour !== undefined;
  if (hasTime && !/(Z|[+-]\d{2}:\d{2})$/.test(value.trim())) return undefined;
  // Date would roll 2026-02-30 over to March: the calendar day must survive the round trip.
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return undefined;
  if (hasTime && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) return undefined;
  const d = new Date(hasTime ? value.trim() : `${value.trim()}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** YYYY-MM-DD of an instant, in UTC. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The first instant after an inclusive end date: "2026-05-08" → 2026-05-09T00:00:00Z. */
export function endOfDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS);
}

export function startOfDay(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

/** YYYY-MM-DD, and a day the calendar has (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * A date and time Date.parse reads, whose day the calendar has: V8 reads "2026-02-30T00:00:00Z"
 * as 2 March, so a day that does not exist would otherwise move silently.
 */
export function isTimestamp(value: string): boolean {
  if (Number.isNaN(Date.parse(value))) return false;
  const day = /^\d{4}-\d{2}-\d{2}/.exec(value);
  return day === null || isCalendarDate(day[0]);
}

/**
 * start ≤ now < the day after end, in whole UTC days (an end date is the last day); a missing start
 * or end leaves that side open. What "in its window" means for approvals and engagements alike.
 */
export function withinDays(start: string | undefined, end: string | undefined, now: Date): boolean {
  if (start !== undefined && now.getTime() < startOfDay(start).getTime()) return false;
  return end === undefined || now.getTime() < endOfDay(end).getTime();
}

/** "1 day", "3 days": a count of days as a sentence says it. */
export function dayCount(n: number): string {
  return n === 1 || n === -1 ? `${n} day` : `${n} days`;
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

/**
 * Demo and test scenarios are written relative to the day they run, so their story stays
 * true: `$today-180d` becomes a date, `$now-3h` and `$now+10d` an ISO instant. Applied to the
 * raw text before parsing, so line numbers of errors are unchanged.
 */
export function resolveRelativeDates(text: string, now: Date): string {
  return text.replace(
    /\$(today|now)(?:([+-])(\d+)([dhm]))?\b/g,
    (_m, base: string, sign?: string, n?: string, unit?: string) => {
      const units: Record<string, number> = { d: DAY_MS, h: 3_600_000, m: 60_000 };
      const offset = sign && n && unit ? (sign === '-' ? -1 : 1) * Number(n) * (units[unit] ?? 0) : 0;
      const at = new Date(now.getTime() + offset);
      return base === 'today' ? isoDate(at) : at.toISOString();
    },
  );
}
