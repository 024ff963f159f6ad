// The one place an error becomes an exit code (DESIGN.md): an expected error (LanekeeperError)
// prints its lines and exits with its code; commander's own usage errors exit 2; anything
// unexpected fails closed with exit 3, because a scan that hit it cannot be trusted.
import { CommanderError } from 'commander';
import { ExitCode, LanekeeperError, UsageError } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { terminalSafe } from '../core/text.js';

/** Prints what the person running `command` must know about `error`, and gives the exit code. */
export function exitCodeOf(error: unknown, stderr: (text: string) => void, command?: string): number {
  // A line may hold its own line breaks (a problem and its fix): each is made safe on its own.
  const say = (text: string) => {
    for (const line of redact(text).split('\n')) stderr(`${terminalSafe(line)}\n`);
  };
  if (error instanceof CommanderError) {
    // --help and --version end through here with code 0; commander has printed the rest.
    return error.exitCode === 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
  }
  if (error instanceof UsageError) {
    say(`lanekeeper${command ? ` ${command}` : ''}: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof LanekeeperError) {
    for (const line of error.lines()) say(line);
    return error.exitCode;
  }
  say(`lanekeeper: ${error instanceof Error ? error.message : String(error)}`);
  return ExitCode.INCOMPLETE;
}

/** Runs one command's work and maps whatever it throws through exitCodeOf. */
export async function withExitCode(
  command: string,
  io: { stderr: (text: string) => void },
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (e) {
    return exitCodeOf(e, io.stderr, command);
  }
}
