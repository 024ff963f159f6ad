// Progress and diagnostics go to stderr through one logger, which redacts every line and makes
// it terminal-safe: a message may quote an API (a display name, an SDK's debug dump of a body).

import { redact } from './redact.js';
import { terminalSafe } from './text.js';

export type LogLevel = 'quiet' | 'normal' | 'verbose';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

/**
 * --verbose ends up in CI logs that many people can read: a debug line says what happened
 * (a call, a count, an id), never a whole answer. Longer lines are cut, saying so.
 */
export const MAX_DEBUG_LINE = 300;

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const emit = (prefix: string, line: string) => write(`${prefix}${line}\n`);
  return {
    info: (m) => level !== 'quiet' && emit('', printable(m)),
    warn: (m) => emit('warning: ', printable(m)),
    debug: (m) => level === 'verbose' && emit('debug: ', cut(printable(m))),
  };
}

/**
 * A message as it may be printed: redacted, then terminal-safe, then redacted again, since
 * removing an escape or a line break can join the pieces of a secret; terminal-safe once more,
 * since a mask after "##" would read "##[REDACTED]", a workflow command.
 */
export function printable(message: string): string {
  const once = terminalSafe(redact(message));
  const again = redact(once);
  return again === once ? once : terminalSafe(again);
}

/**
 * A printable line cut at MAX_DEBUG_LINE characters. It cuts the line as printed, never the
 * message: a secret straddling the cut is already masked whole. What is kept is made printable
 * again, as a fragment can match a pattern the whole did not (a token shape ends at the cut).
 */
function cut(line: string): string {
  if (line.length <= MAX_DEBUG_LINE) return line;
  const chars = Array.from(line);
  if (chars.length <= MAX_DEBUG_LINE) return line;
  const kept = printable(chars.slice(0, MAX_DEBUG_LINE).join(''));
  return `${kept}… (${chars.length - MAX_DEBUG_LINE} more characters not logged)`;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };
