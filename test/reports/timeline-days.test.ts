// The report counts days as the expiring-soon rule does: calendar days in UTC between today and
// the date, whatever the hour of the scan. A grant ending today "ends today" (not "0 days left"),
// one day is "1 day", and a scan at midnight says the same as one at 23:30.
import { describe, expect, it } from 'vitest';
import { buildView } from '../../reports/view.js';
import { richInput } from './fixture.js';

const grant = (task: string, start: string, end: string) => ({
  task,
  system: 'github',
  scope: `northwind/${task}`,
  lane: 'code' as const,
  access: 'read' as const,
  start,
  end,
});

function states(now: string): Record<string, string> {
  const input = richInput({ now: new Date(now) });
  const people = input.registerPeople!.map((p) => ({ ...p, end: undefined }));
  const priya = people[0]!;
  people[0] = {
    ...priya,
    grants: [
      grant('today', '2026-11-01', '2026-11-29'),
      grant('tomorrow', '2026-11-01', '2026-11-30'),
      grant('in-three', '2026-11-01', '2026-12-02'),
      grant('starts-tomorrow', '2026-11-30', '2026-12-31'),
      grant('starts-later', '2026-12-10', '2026-12-31'),
    ],
  };
  const view = buildView({ ...input, registerPeople: people });
  const rows = view.timelines.flatMap((t) => t.rows);
  return Object.fromEntries(rows.filter((r) => r.scope.startsWith('northwind/')).map((r) => [r.task, r.stateText]));
}

describe('day counts on the timelines', () => {
  for (const now of ['2026-11-29T00:00:00.000Z', '2026-11-29T09:00:00.000Z', '2026-11-29T23:30:00.000Z']) {
    it(`counts calendar days as expiring-soon does, at ${now.slice(11, 16)}`, () => {
      const s = states(now);
      expect(s.today).toBe('active, ends today');
      expect(s.tomorrow).toBe('active, 1 day left');
      expect(s['in-three']).toBe('active, 3 days left');
      expect(s['starts-tomorrow']).toBe('starts in 1 day');
      expect(s['starts-later']).toBe('starts in 11 days');
    });
  }

  it('says "ends today" for an acceptance ending today, and counts the days since one ended', () => {
    const input = richInput({ now: new Date('2026-11-29T23:30:00.000Z') });
    const view = buildView({
      ...input,
      accepted: input.accepted!.map((a) => ({ ...a, end: '2026-11-29' })),
      lapsedAcceptances: input.lapsedAcceptances!.map((a) => ({ ...a, end: '2026-11-28' })),
    });
    const words = JSON.stringify(view);
    expect(words).toContain('until 2026-11-29 (ends today)');
    expect(words).toContain('ended 2026-11-28 (1 day ago)');
  });
});
