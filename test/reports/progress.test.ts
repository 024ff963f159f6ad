// The terminal side: progress on stderr (redrawn in place on a TTY, plain lines in CI) and the
// end-of-scan summary. A tiny terminal model replays what was written, so "redrawn in place"
// is checked on the screen a person would see, not on escape codes.
import { describe, expect, it } from 'vitest';
import { groupActions } from '../../reports/actions.js';
import {
  createProgress,
  formatScanSummary,
  type ProgressEvent,
  type ProgressOptions,
  type ProgressStream,
} from '../../src/app/progress.js';
import type { Evaluation } from '../../src/core/evaluation.js';
import type { SystemStatus } from '../../src/core/model.js';
import { demoEvaluation } from './fixture.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape codes are what is being checked
const ANY_ESCAPE = /\u001b/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape codes are what is being checked
const COLOR = /\u001b\[[0-9;]*m/;

/** What a terminal shows after `out`: cursor up (A), clear below (J), colours dropped. */
function screen(out: string): string[] {
  const lines = [''];
  let row = 0;
  for (let i = 0; i < out.length; ) {
    const rest = out.slice(i);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: parsing escape codes
    const move = /^\u001b\[(\d*)([AJ])/.exec(rest);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: parsing escape codes
    const colour = /^\u001b\[[0-9;]*m/.exec(rest);
    if (move) {
      if (move[2] === 'A') row = Math.max(0, row - Number(move[1] || 1));
      else {
        lines.length = row + 1;
        lines[row] = '';
      }
      i += move[0].length;
    } else if (colour) i += colour[0].length;
    else {
      const ch = out[i]!;
      if (ch === '\n') {
        row++;
        if (lines.length <= row) lines.push('');
      } else if (ch !== '\r') lines[row] += ch;
      i++;
    }
  }
  return lines.filter((l, n) => l !== '' || n < lines.length - 1);
}

function fakeStream(isTTY: boolean, columns = 100): ProgressStream & { out: string; writes: number } {
  const s = {
    isTTY,
    columns,
    out: '',
    writes: 0,
    write(text: string) {
      s.out += text;
      s.writes++;
      return true;
    },
  };
  return s;
}

function setup(isTTY: boolean, over: Partial<ProgressOptions> = {}, columns = 100) {
  const stream = fakeStream(isTTY, columns);
  let now = 0;
  const progress = createProgress({ stream, level: 'normal', env: {}, clock: () => now, ...over });
  return { stream, progress, tick: (ms: number) => (now += ms) };
}

const ev = (over: Partial<ProgressEvent> & Pick<ProgressEvent, 'system' | 'target'>): ProgressEvent => ({
  accounts: 0,
  grants: 0,
  calls: 0,
  done: false,
  ...over,
});

describe('progress on a terminal', () => {
  it('keeps one line per system, redrawn in place', () => {
    const { stream, progress, tick } = setup(true, {}, 140);
    progress.update(ev({ system: 'github', target: 'northwind' }));
    tick(500);
    progress.update(ev({ system: 'aws', target: '111111111111', calls: 1 }));
    tick(500);
    progress.update(ev({ system: 'github', target: 'northwind', accounts: 12, grants: 40, calls: 8 }));
    tick(700);
    progress.update(
      ev({ system: 'github', target: 'northwind', accounts: 12, grants: 41, calls: 9, done: true, ok: true }),
    );
    tick(300);
    progress.update(
      ev({ system: 'aws', target: '111111111111', calls: 3, done: true, ok: false, error: 'AccessDenied (HTTP 403)' }),
    );
    progress.finish();
    expect(screen(stream.out)).toEqual([
      '✓ github 1 target · 12 accounts · 41 grants · 9 calls · 1.7 s',
      '✕ aws    1 target · 0 accounts · 0 grants · 3 calls · 1.5 s · FAILED 111111111111: AccessDenied (HTTP 403)',
    ]);
    // Drawn more than once, yet two lines on screen: the redraws moved the cursor back up.
    expect(stream.out).toContain('\u001b[2A');
  });

  it('shows targets still running with their count, and redraws at most every redrawMs', () => {
    const { stream, progress, tick } = setup(true, { redrawMs: 100 });
    progress.update(ev({ system: 'gcp', target: 'projects/a' }));
    progress.update(ev({ system: 'gcp', target: 'projects/b' }));
    const writes = stream.writes;
    for (let i = 1; i <= 10; i++) {
      tick(5);
      progress.update(ev({ system: 'gcp', target: 'projects/a', accounts: i, calls: i }));
    }
    expect(stream.writes - writes).toBe(0);
    tick(150);
    progress.update(ev({ system: 'gcp', target: 'projects/a', accounts: 11, calls: 11 }));
    expect(stream.writes - writes).toBe(1);
    expect(screen(stream.out)).toEqual(['… gcp    0/2 targets · 11 accounts · 0 grants · 11 calls · 0.2 s']);
    // A finished target is always drawn at once.
    progress.update(ev({ system: 'gcp', target: 'projects/b', done: true, ok: true }));
    expect(screen(stream.out)[0]).toMatch(/^… gcp {4}1\/2 targets/);
  });

  it('writes log lines above the progress lines, never over them', () => {
    const { stream, progress } = setup(true);
    progress.update(ev({ system: 'slack', target: 'T0NORTH', calls: 1 }));
    progress.log('warning: slack T0NORTH: rate limited, retrying');
    progress.update(ev({ system: 'slack', target: 'T0NORTH', calls: 2, accounts: 5, done: true, ok: true }));
    progress.finish();
    progress.log('done');
    expect(screen(stream.out)).toEqual([
      'warning: slack T0NORTH: rate limited, retrying',
      '✓ slack  1 target · 5 accounts · 0 grants · 2 calls · 0.0 s',
      'done',
    ]);
  });

  it('colours marks unless NO_COLOR is set, and TERM=dumb gets plain lines', () => {
    const coloured = setup(true);
    coloured.progress.update(ev({ system: 'github', target: 'northwind', done: true, ok: true }));
    expect(coloured.stream.out).toMatch(COLOR);

    const noColor = setup(true, { env: { NO_COLOR: '1' } });
    noColor.progress.update(ev({ system: 'github', target: 'northwind', done: true, ok: true }));
    noColor.progress.update(ev({ system: 'aws', target: '1', done: true, ok: true }));
    expect(noColor.stream.out).not.toMatch(COLOR);
    expect(noColor.stream.out).toContain('\u001b[1A'); // still redrawn in place

    const dumb = setup(true, { env: { TERM: 'dumb' } });
    dumb.progress.update(ev({ system: 'github', target: 'northwind', done: true, ok: true }));
    expect(dumb.stream.out).not.toMatch(ANY_ESCAPE);
  });

  it('cuts lines to the terminal width so wrapping cannot break the redraw', () => {
    const { stream, progress } = setup(true, {}, 40);
    progress.update(ev({ system: 'aws', target: '1', done: true, ok: false, error: 'x'.repeat(200) }));
    const [line] = screen(stream.out);
    expect(line!.length).toBeLessThanOrEqual(39);
    expect(line!.endsWith('…')).toBe(true);
  });

  it('strips escape sequences and control characters coming from targets and errors', () => {
    const { stream, progress } = setup(true, { env: { NO_COLOR: '1' } });
    progress.update(
      ev({
        system: 'github',
        target: 'evil\u001b[2J\u001b]8;;http://x\u0007',
        done: true,
        ok: false,
        error: 'a\nb\u202e',
      }),
    );
    expect(stream.out).not.toContain('\u001b[2J');
    expect(stream.out).not.toContain('\u001b]8');
    expect(stream.out).not.toContain('\u202e');
    expect(screen(stream.out)).toHaveLength(1);
  });

  it('says nothing when quiet', () => {
    const { stream, progress } = setup(true, { level: 'quiet' });
    progress.update(ev({ system: 'github', target: 'northwind', done: true, ok: true }));
    progress.finish();
    expect(stream.out).toBe('');
  });
});

describe('progress in CI (stderr is not a terminal)', () => {
  const run = (level: ProgressOptions['level']) => {
    const { stream, progress } = setup(false, { level });
    progress.update(ev({ system: 'github', target: 'northwind', calls: 1 }));
    progress.update(ev({ system: 'github', target: 'northwind', calls: 4, accounts: 3 }));
    progress.update(
      ev({ system: 'github', target: 'northwind', calls: 5, accounts: 3, grants: 9, done: true, ok: true }),
    );
    progress.update(ev({ system: 'slack', target: 'T0NORTH', calls: 1, done: true, ok: false, error: 'invalid_auth' }));
    progress.log('warning: something');
    progress.finish();
    return stream.out;
  };

  it('writes one plain line per finished target, no escape codes', () => {
    expect(run('normal')).toBe(
      [
        'github northwind: read 3 accounts, 9 grants, 5 calls',
        'slack T0NORTH: FAILED after 1 call: invalid_auth',
        'warning: something',
        '',
      ].join('\n'),
    );
  });

  it('adds a line when each target starts when verbose, and only log lines when quiet', () => {
    expect(run('verbose').split('\n')[0]).toBe('github northwind: reading');
    expect(run('quiet')).toBe('warning: something\n');
  });
});

const systems: SystemStatus[] = [
  {
    system: 'slack',
    target: 'T0NORTH',
    ok: false,
    error: 'auth.test: invalid_auth',
    warnings: [],
    gaps: [],
    calls: 1,
    durationMs: 0,
    collectedAt: '',
  },
  {
    system: 'github',
    target: 'northwind',
    ok: true,
    warnings: ['PAT grants need a GitHub App token'],
    gaps: [],
    calls: 12,
    durationMs: 0,
    collectedAt: '',
  },
  {
    system: 'aws',
    target: '111111111111',
    ok: true,
    warnings: [],
    gaps: [],
    calls: 40,
    durationMs: 0,
    collectedAt: '',
  },
];

describe('the end-of-scan summary', () => {
  const evaluation: Evaluation = demoEvaluation();
  const actionsOf = (isNew: ReadonlySet<string> = new Set()) =>
    groupActions(
      evaluation.findings.map((f) => ({
        ...f,
        anchor: f.fingerprint,
        personId: f.person ?? '',
        lanes: [],
        where: `${f.system} ${f.account}`,
        steps: f.remediation.steps,
        commands: f.remediation.commands,
        isNew: isNew.has(f.fingerprint),
      })),
    );
  const base = {
    organization: 'Northwind Supply',
    evaluation,
    systems,
    files: ['/work/out/report.html', '/work/out/findings.json'],
    cwd: '/work',
  };

  it('tabulates counts with what is new, the systems with their status, and the report paths', () => {
    const newFingerprints = new Set(['fp-shared-admin-account-northwind-admin-', 'fp-unknown-account-quickfix-dev-']);
    const text = formatScanSummary({
      ...base,
      history: 'compared',
      newFingerprints,
      actions: actionsOf(newFingerprints),
      accepted: 1,
      lapsed: 1,
    });
    expect(text).not.toMatch(ANY_ESCAPE);
    expect(text).toContain('Northwind Supply access review: INCOMPLETE scan');
    expect(text).toContain(
      [
        '  Severity  Open  New',
        '  critical     2    1',
        '  high         1    0',
        '  medium       1    1',
        '  low          0    0',
        '  info         1    0',
        '  total        5    2',
      ].join('\n'),
    );
    expect(text).toContain('1 finding accepted as a risk, not counted.');
    expect(text).toContain('1 acceptance lapsed: those findings count again.');
    expect(text).toContain(
      [
        '  System  Target        Status  Calls',
        '  aws     111111111111  ok         40',
        '  github  northwind     ok         12  1 warning',
        '  slack   T0NORTH       FAILED      1  auth.test: invalid_auth',
      ].join('\n'),
    );
    expect(text).toContain('    github warning: PAT grants need a GitHub App token');
    // One line per action, what is new first.
    expect(text).toContain(
      'Start here:\n  critical new Shared admin account, github northwind-admin: give each admin a named account, then retire it · 1 finding, new\n' +
        '  medium   new Account nobody registered, github quickfix-dev: find out whose, then register or remove · 1 finding, new\n' +
        '  critical Offboard sam · 2 findings: lanekeeper offboard sam\n',
    );
    expect(text).toContain('Reports:\n  out/report.html\n  out/findings.json\n');
  });

  it('offboards only someone who should hold nothing now; names the fix of one kind of finding', () => {
    const finding = (rule: string, person: string, engaged: boolean) => ({
      fingerprint: `${rule}-${person}`,
      anchor: `${rule}-${person}`,
      rule,
      severity: 'critical' as const,
      title: rule,
      personId: person,
      person,
      lanes: [],
      where: `github ${person}`,
      steps: [`fix ${rule}`],
      commands: [],
      isNew: false,
      engaged,
    });
    const titles = groupActions([
      finding('expired-access-active', 'jade', true),
      finding('expired-access-active', 'felix', false),
      finding('stale-credential', 'gina', true),
      finding('mfa-missing', 'omar', true),
    ]).map((a) => a.title);
    // A change raised for reaching admin is its own action, apart from the routine ones.
    const drift = (account: string, severity: 'high' | 'low') => ({
      ...finding('drift', '', false),
      fingerprint: `drift-${account}`,
      anchor: `drift-${account}`,
      severity,
      where: `aws ${account}`,
      isNew: true,
    });
    expect(
      groupActions([drift('ops-admin', 'high'), drift('intern', 'low'), drift('ci', 'low')]).map((a) => [
        a.severity,
        a.count,
      ]),
    ).toEqual([
      ['high', 1],
      ['low', 2],
    ]);
    expect(titles.sort()).toEqual([
      'Bring the access of jade back to what the register approves',
      'Offboard felix',
      'Rotate or delete the credential of gina',
      'Turn on MFA for omar',
    ]);
  });

  it("lists a system's quiet targets on one line when there are many, and each that needs reading", () => {
    const gcp = (target: string, over: Partial<SystemStatus> = {}): SystemStatus => ({
      system: 'gcp',
      target,
      ok: true,
      warnings: [],
      gaps: [],
      calls: 10,
      durationMs: 0,
      collectedAt: '',
      ...over,
    });
    const many = [
      ...['projects/a', 'projects/b', 'projects/c', 'projects/d'].map((t) => gcp(t, { unchanged: 2 })),
      gcp('projects/e', { warnings: ['a deny policy could not be read'] }),
      gcp('projects/f', { ok: false, error: 'PERMISSION_DENIED', calls: 1 }),
    ];
    const text = formatScanSummary({ ...base, systems: [...systems, ...many], history: 'off' });
    expect(text).toContain(
      [
        '  System  Target        Status  Calls',
        '  aws     111111111111  ok         40',
        '  gcp     projects/e    ok         10  1 warning',
        '  gcp     projects/f    FAILED      1  PERMISSION_DENIED',
        '  gcp     4 targets     ok         40  8 not modified, not charged',
        '  github  northwind     ok         12  1 warning',
      ].join('\n'),
    );
    // Three quiet targets are still listed one by one.
    const few = formatScanSummary({ ...base, systems: many.slice(1), history: 'off' });
    expect(few).toContain('  gcp     projects/b  ok');
    expect(few).not.toContain('targets');
  });

  it('says when there is nothing to compare with, and leaves out the New column', () => {
    const first = formatScanSummary({ ...base, history: 'first' });
    expect(first).toContain('  Severity  Open\n');
    expect(first).toContain('First scan in the history: nothing to compare with yet.');
    expect(formatScanSummary({ ...base, history: 'off' })).toContain('History is off: nothing to compare with.');
  });

  it('colours only when asked, and lists at most maxListed findings', () => {
    const actions = actionsOf();
    const text = formatScanSummary({ ...base, history: 'off', color: true, maxListed: 1, actions });
    expect(text).toMatch(COLOR);
    expect(text).toContain(`… and ${actions.length - 1} more in report.html`);
  });

  it('keeps outside strings from driving the terminal', () => {
    const text = formatScanSummary({
      ...base,
      organization: 'Evil\u001b[2J\u001b]8;;http://x\u0007Corp',
      systems: [{ ...systems[0]!, error: 'bad\u001b[31m\nline' }],
      history: 'off',
    });
    expect(text).not.toMatch(ANY_ESCAPE);
  });
});
