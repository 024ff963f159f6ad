// `lanekeeper demo`: Northwind Supply, the demo company, served by local emulators and scanned
// with the same code a customer runs. No account, no network beyond loopback.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';
import { outputOptions, parseNowOption } from '../options.js';
import { withProgress } from '../output.js';

export function demoCommand(program: Command, io: Io, done: (code: number) => void): void {
  outputOptions(program.command('demo'))
    .description('scan Northwind Supply, the demo company, served by local emulators: no account needed')
    .option('--out <dir>', 'where reports are written', 'lanekeeper-report')
    .option('--now <iso>', 'the clock the story is told at (default: now)', parseNowOption)
    .option('--history <file>', 'keep history between demo runs in this file')
    .option('--next-week', 'play the following week of the story (after a first demo with the same --history)', false)
    .action(async (opts) => {
      done(
        await withExitCode('demo', io, () =>
          withProgress(opts, io, async (watch) =>
            (await import('../demo.js')).runDemo({
              ...watch,
              outDir: resolve(io.cwd, opts.out),
              cwd: io.cwd,
              now: opts.now ?? new Date(),
              env: io.env,
              nextWeek: opts.nextWeek,
              ...(opts.history ? { historyPath: resolve(io.cwd, opts.history) } : {}),
            }),
          ),
        ),
      );
    });
}
