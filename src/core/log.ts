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
  const emit = (prefix: string, message: string) => write(`${prefix}${terminalSafe(redact(message))}\n`);
  return {
    info: (m) => level !== 'quiet' && emit('', m),
    warn: (m) => emit('warning: ', m),
    debug: (m) =>
      level === 'verbose' &&
      emit(
        'debug: ',
        m.length > MAX_DEBUG_LINE
          ? `${m.slice(0, MAX_DEBUG_LINE)}… (${m.length - MAX_DEBUG_LINE} more characters not logged)`
          : m,
      ),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };
