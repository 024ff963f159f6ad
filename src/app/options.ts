// Option parsers and option groups shared by the commands, so each flag means one thing everywhere.
import { type Command, InvalidArgumentError } from 'commander';
import { parseNow } from '../core/dates.js';
import type { LogLevel } from '../core/log.js';

export function parseNowOption(value: string): Date {
  const now = parseNow(value);
  if (!now) throw new InvalidArgumentError('expected an ISO-8601 date or instant, e.g. 2026-11-29T09:00:00Z');
  return now;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

export function logLevel(opts: { verbose?: boolean; quiet?: boolean }): LogLevel {
  return opts.quiet ? 'quiet' : opts.verbose ? 'verbose' : 'normal';
}

/** `--only` takes the same values on every command (see pipeline/only.ts). */
export function onlyOption(command: Command): Command {
  return command.option(
    '--only <systems...>',
    'only these systems, or some targets of one: github, github,slack, aws:111111111111,222222222222, gcp:projects/x-*',
  );
}

/** What every scanning command prints and how: the summary or --json, progress, a PDF. */
export function outputOptions(command: Command): Command {
  return command
    .option('--pdf', 'also print report.html to report.pdf (needs Chromium and playwright-core)')
    .option('--json', 'print the findings document to stdout instead of the summary', false)
    .option('--verbose', 'more progress detail on stderr', false)
    .option('--quiet', 'no progress on stderr', false);
}
