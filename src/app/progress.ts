// What a person running a scan by hand sees on stderr: one line per system, redrawn in place
// while it is read (only on a terminal), plain log lines in CI, and the end-of-scan summary.
// Every string that came from outside passes through terminalSafe: a display name or an error
// message cannot move the cursor or recolour the screen.
import { relative } from 'node:path';
import type { Action } from '../../reports/actions.js';
import type { Completeness } from '../core/completeness.js';
import type { Evaluation } from '../core/evaluation.js';
import { SEVERITIES, type Severity } from '../core/finding.js';
import { type LogLevel, printable } from '../core/log.js';
import type { SystemStatus } from '../core/model.js';
import { byText } from '../core/order.js';
import { terminalSafe } from '../core/text.js';
import type { ProgressEvent } from '../pipeline/collect.js';

export type { ProgressEvent } from '../pipeline/collect.js';

/** stderr, or anything shaped like it (a fake TTY in tests). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  level: LogLevel;
  /** NO_COLOR and TERM are read from here; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds, for elapsed times; injectable so tests are deterministic. */
  clock?: () => number;
  /** Fewest milliseconds between two redraws on a terminal (a finished target always redraws). */
  redrawMs?: number;
}

export interface ProgressReporter {
  update(event: ProgressEvent): void;
  /** A log line that must not be drawn over: route the Logger's output through here while scanning. */
  log(text: string): void;
  /** Draws the final state and stops redrawing; later log lines are written as they come. */
  finish(): void;
}

interface TargetState {
  accounts: number;
  grants: number;
  calls: number;
  done: boolean;
  ok: boolean;
  error?: string;
}

interface SystemState {
  started: number;
  finished?: number;
  targets: Map<string, TargetState>;
}

const ESC = '\u001b[';
// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are measured out on purpose
const COLOR_CODE = /\u001b\[[0-9;]*m/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are measured out on purpose
const COLOR_SPLIT = /(\u001b\[[0-9;]*m)/;
const visibleLength = (s: string) => s.replace(COLOR_CODE, '').length;

/** Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org). */
export function useColor(stream: ProgressStream, env: Readonly<Record<string, string | undefined>>): boolean {
  return isInteractive(stream, env) && !env.NO_COLOR;
}

/** A terminal that understands cursor movement; TERM=dumb (Emacs shells, some CI) does not. */
export function isInteractive(stream: ProgressStream, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb';
}

function paint(color: boolean) {
  const wrap = (code: string) => (s: string) => (color ? `${ESC}${code}m${s}${ESC}0m` : s);
  return { green: wrap('32'), red: wrap('31'), dim: wrap('2'), bold: wrap('1') };
}

const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function createProgress(options: ProgressOptions): ProgressReporter {
  const env = options.env ?? process.env;
  const clock = options.clock ?? (() => performance.now());
  const redrawMs = options.redrawMs ?? 100;
  const stream = options.stream;
  const interactive = isInteractive(stream, env);
  const color = paint(useColor(stream, env));
  const systems = new Map<string, SystemState>();
  let drawn = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let finished = false;

  const quiet = options.level === 'quiet';
  const safe = printable;

  function systemLine(name: string, s: SystemState): string {
    const targets = [...s.targets.values()];
    const total = (k: 'accounts' | 'grants' | 'calls') => targets.reduce((n, t) => n + t[k], 0);
    const done = targets.filter((t) => t.done).length;
    const failed = [...s.targets.entries()].filter(([, t]) => t.done && !t.ok);
    const running = done < targets.length;
    const mark = running ? color.dim('…') : failed.length > 0 ? color.red('✕') : color.green('✓');
    const progress = running ? `${done}/${plural(targets.length, 'target')}` : plural(targets.length, 'target');
    const elapsed = seconds((s.finished ?? clock()) - s.started);
    const counts = `${plural(total('accounts'), 'account')} · ${plural(total('grants'), 'grant')} · ${plural(total('calls'), 'call')} · ${elapsed}`;
    const failure =
      failed.length > 0
        ? ` · ${color.red('FAILED')} ${failed.map(([target, t]) => `${safe(target)}: ${safe(t.error ?? 'unknown error')}`).join('; ')}`
        : '';
    return `${mark} ${safe(name).padEnd(6)} ${progress} · ${counts}${failure}`;
  }

  /** Lines longer than the terminal wrap, and wrapped lines break the cursor arithmetic: cut them. */
  function fitToWidth(line: string): string {
    const width = Math.max(10, (stream.columns ?? 80) - 1);
    // Colour codes take no room on screen, so only visible characters are counted.
    const parts = line.split(COLOR_SPLIT);
    let visible = 0;
    let out = '';
    for (const part of parts) {
      if (part.startsWith('\u001b[')) {
        out += part;
        continue;
      }
      const room = width - 1 - visible;
      if (part.length > room) return `${out}${part.slice(0, Math.max(0, room))}…${ESC}0m`;
      out += part;
      visible += part.length;
    }
    return out;
  }

  function erase(): string {
    return drawn > 0 ? `${ESC}${drawn}A\r${ESC}J` : '';
  }

  function draw(prefix = ''): void {
    const lines = [...systems.entries()].map(([name, s]) => fitToWidth(systemLine(name, s)));
    stream.write(`${erase()}${prefix}${lines.map((l) => `${l}\n`).join('')}`);
    drawn = lines.length;
    lastDraw = clock();
  }

  return {
    update(event) {
      if (finished) return;
      let system = systems.get(event.system);
      if (!system) {
        system = { started: clock(), targets: new Map() };
        systems.set(event.system, system);
      }
      const before = system.targets.get(event.target);
      const target: TargetState = {
        accounts: event.accounts,
        grants: event.grants,
        calls: event.calls,
        done: event.done,
        ok: event.ok ?? !event.error,
        ...(event.error ? { error: event.error } : {}),
      };
      system.targets.set(event.target, target);
      if ([...system.targets.values()].every((t) => t.done)) system.finished = clock();
      else delete system.finished;

      if (quiet) return;
      if (interactive) {
        if (event.done || clock() - lastDraw >= redrawMs) draw();
        return;
      }
      // Plain lines for CI logs: one when a target starts (verbose only) and one when it ends.
      const where = `${safe(event.system)} ${safe(event.target)}`;
      if (!before && !event.done && options.level === 'verbose') stream.write(`${where}: reading\n`);
      if (event.done && !before?.done) {
        const counts = `${plural(event.accounts, 'account')}, ${plural(event.grants, 'grant')}, ${plural(event.calls, 'call')}`;
        stream.write(
          target.ok
            ? `${where}: read ${counts}\n`
            : `${where}: FAILED after ${plural(event.calls, 'call')}: ${safe(event.error ?? 'unknown error')}\n`,
        );
      }
    },
    log(text) {
      const line = text.endsWith('\n') ? text : `${text}\n`;
      if (interactive && !finished && drawn > 0) draw(line);
      else stream.write(line);
    },
    finish() {
      if (finished) return;
      if (interactive && !quiet && systems.size > 0) draw();
      finished = true;
      drawn = 0;
    },
  };
}

export interface ScanSummaryInput {
  organization: string;
  /** Open findings (accepted risks already taken out). */
  evaluation: Evaluation;
  systems: readonly SystemStatus[];
  /** Failed targets and gaps; the systems' own statuses when absent (no gap acknowledged). */
  completeness?: Completeness;
  /** Report files written. */
  files: readonly string[];
  cwd: string;
  /** off: no history kept; first: nothing to compare with; compared: `newFingerprints` says what is new. */
  history: 'off' | 'first' | 'compared';
  /** Fingerprints first seen in this scan. */
  newFingerprints?: ReadonlySet<string>;
  /** Findings accepted as risks (not counted). */
  accepted?: number;
  /** Acceptances that lapsed (their findings count again). */
  lapsed?: number;
  /** Colour the severities and statuses (use useColor(stream, env)). */
  color?: boolean;
  /** What to do first, as the reports show it (one line each, before "… and N more"). */
  actions?: readonly Action[];
  /** Actions listed before "… and N more". */
  maxListed?: number;
}

/** Pads to a width by visible characters (colour codes take no room). */
function pad(text: string, width: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return right ? fill + text : text + fill;
}

function table(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => visibleLength(r[c] ?? ''))));
  return rows.map((r) =>
    `  ${r.map((cell, c) => (c === r.length - 1 && !rightAligned.has(c) ? cell : pad(cell, widths[c]!, rightAligned.has(c)))).join('  ')}`.trimEnd(),
  );
}

/** A system's targets read in full with nothing to say are one line past this many. */
const PLAIN_TARGETS_LISTED = 3;

type ListedTarget = SystemStatus | (SystemStatus & { targets: number });

/**
 * Each target that failed, has a gap or a warning on its own line; a system's others too when
 * there are few, else one line for them all. A large organisation has hundreds of AWS accounts
 * and GCP projects, and a line for each buried the few that need reading.
 */
function listedTargets(systems: readonly SystemStatus[]): ListedTarget[] {
  const plain = (s: SystemStatus) => s.ok && s.gaps.length === 0 && s.warnings.length === 0;
  const rows: ListedTarget[] = [];
  for (const system of [...new Set(systems.map((s) => s.system))]) {
    const own = systems.filter((s) => s.system === system);
    const quiet = own.filter(plain);
    if (quiet.length <= PLAIN_TARGETS_LISTED) {
      rows.push(...own);
      continue;
    }
    rows.push(...own.filter((s) => !plain(s)));
    const sum = (n: (s: SystemStatus) => number) => quiet.reduce((total, s) => total + n(s), 0);
    rows.push({
      ...quiet[0]!,
      targets: quiet.length,
      calls: sum((s) => s.calls),
      unchanged: sum((s) => s.unchanged ?? 0),
    });
  }
  return rows;
}

/** The end-of-scan summary: counts by severity with what is new, systems and their status, the report paths. */
export function formatScanSummary(input: ScanSummaryInput): string {
  const color = paint(input.color ?? false);
  const sevColor: Record<Severity, (s: string) => string> = {
    critical: (s) => color.bold(color.red(s)),
    high: color.red,
    medium: (s) => s,
    low: (s) => s,
    info: color.dim,
  };
  const systems = [...input.systems].sort((a, b) => byText(a.system, b.system) || byText(a.target, b.target));
  const verdict = input.completeness ?? {
    complete: systems.every((s) => s.ok && s.gaps.length === 0),
    failed: [],
    gaps: [],
  };
  const complete = verdict.complete;
  const narrowed = input.completeness?.narrowedTo ?? [];
  const lines: string[] = [];
  lines.push(
    `${color.bold(`${terminalSafe(input.organization)} access review`)}: ${complete ? `complete scan${narrowed.length > 0 ? ` of ${terminalSafe(narrowed.join(', '))} only (--only)` : ''}` : color.red('INCOMPLETE scan')}`,
    '',
  );

  const isNew = (fp: string) => input.history === 'compared' && (input.newFingerprints?.has(fp) ?? false);
  const newOf = (s: Severity) =>
    input.evaluation.findings.filter((f) => f.severity === s && isNew(f.fingerprint)).length;
  const compared = input.history === 'compared';
  const header = compared ? ['Severity', 'Open', 'New'] : ['Severity', 'Open'];
  const rows = SEVERITIES.map((s) => {
    const row = [sevColor[s](s), String(input.evaluation.summary[s])];
    if (compared) row.push(String(newOf(s)));
    return row;
  });
  const total = SEVERITIES.reduce((n, s) => n + input.evaluation.summary[s], 0);
  const totalRow = ['total', String(total)];
  if (compared) totalRow.push(String(SEVERITIES.reduce((n, s) => n + newOf(s), 0)));
  lines.push(...table([header, ...rows, totalRow], new Set([1, 2])));
  if (input.history === 'first') lines.push('  First scan in the history: nothing to compare with yet.');
  if (input.history === 'off') lines.push('  History is off: nothing to compare with.');
  if (input.accepted)
    lines.push(
      `  ${plural(input.accepted, 'finding')} accepted as ${input.accepted === 1 ? 'a risk' : 'risks'}, not counted.`,
    );
  if (input.lapsed)
    lines.push(`  ${color.red(`${plural(input.lapsed, 'acceptance')} lapsed`)}: those findings count again.`);

  lines.push('');
  const systemRows = listedTargets(systems).map((s) => [
    terminalSafe(s.system),
    'targets' in s ? `${s.targets} targets` : terminalSafe(s.target),
    s.ok ? color.green('ok') : color.red('FAILED'),
    String(s.calls),
    s.ok
      ? [
          // Conditional requests the system answered "not modified": free against its rate limit.
          s.unchanged ? `${s.unchanged} not modified, not charged` : '',
          s.gaps.length > 0 ? plural(s.gaps.length, 'gap') : '',
          s.warnings.length > 0 ? plural(s.warnings.length, 'warning') : '',
        ]
          .filter(Boolean)
          .join(', ')
      : terminalSafe(s.error ?? 'unknown error'),
  ]);
  if (systemRows.length > 0)
    lines.push(...table([['System', 'Target', 'Status', 'Calls', ''], ...systemRows], new Set([3])));
  // A gap is named where the person running the scan looks: it is why the scan is incomplete.
  for (const g of verdict.gaps) {
    const what = `${terminalSafe(g.system)} ${terminalSafe(g.target)}: ${terminalSafe(g.kind)}: ${terminalSafe(g.detail)}`;
    lines.push(
      g.accepted
        ? `    known gap (accepted until ${terminalSafe(g.accepted.until)}): ${what}`
        : `    ${color.red('GAP')} ${what}`,
    );
  }
  for (const s of systems)
    for (const w of s.warnings) lines.push(`    ${terminalSafe(s.system)} warning: ${terminalSafe(w)}`);

  const actions = input.actions ?? [];
  if (actions.length > 0) {
    const max = input.maxListed ?? 8;
    lines.push('', 'Start here:');
    for (const a of actions.slice(0, max)) {
      const mark = a.newCount > 0 ? `${color.bold('new')} ` : '';
      const command = a.command ? `: ${terminalSafe(a.command)}` : '';
      lines.push(
        `  ${sevColor[a.severity](a.severity.padEnd(8))} ${mark}${terminalSafe(a.title)} · ${a.countText}${command}`,
      );
    }
    if (actions.length > max) lines.push(`  … and ${actions.length - max} more in report.html`);
  }
  if (input.files.length > 0) {
    lines.push('', 'Reports:');
    for (const f of input.files) lines.push(`  ${terminalSafe(relative(input.cwd, f) || f)}`);
  }
  return `${lines.join('\n')}\n`;
}
