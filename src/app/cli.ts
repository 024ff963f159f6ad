// The command line: one file per command under commands/, one error → exit-code mapping in
// exit.ts (DESIGN.md): 0 clean, 1 findings at or above --fail-on, 2 bad usage/config/register,
// 3 a system could not be read, 4 the report could not be delivered.
import { Command } from 'commander';
import { ExitCode } from '../core/errors.js';
import { registerSecretsFromEnv } from '../core/redact.js';
import { VERSION } from '../core/version.js';
import { collectCommand } from './commands/collect.js';
import { demoCommand } from './commands/demo.js';
import { historyCommand } from './commands/history.js';
import { offboardCommand } from './commands/offboard.js';
import { registerCommand } from './commands/register.js';
import { requestCommand } from './commands/request.js';
import { sandboxCommand } from './commands/sandbox.js';
import { scanCommand } from './commands/scan.js';
import { exitCodeOf } from './exit.js';
import { type Io, processIo } from './io.js';

export { boundHeapGrowth } from './heap.js';
export type { Io } from './io.js';

/** The commands, in the order `--help` lists them. */
const COMMANDS = [
  scanCommand,
  demoCommand,
  sandboxCommand,
  historyCommand,
  offboardCommand,
  requestCommand,
  collectCommand,
  registerCommand,
];

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  // Every token in the environment is masked wherever it could be printed or written.
  registerSecretsFromEnv(io.env);
  let exitCode: number = ExitCode.OK;
  const done = (code: number) => {
    exitCode = code;
  };
  const program = new Command('lanekeeper')
    .description('Keeps outside help in its lane: who holds which access, approved by whom, until when.')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run lanekeeper --help for usage)');
  for (const command of COMMANDS) command(program, io, done);
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return exitCode;
  } catch (e) {
    return exitCodeOf(e, io.stderr);
  }
}
