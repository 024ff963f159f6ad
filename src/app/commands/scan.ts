// `lanekeeper scan`: read every configured system (or merge saved shards), judge the access
// against the register, write the reports, keep history, email, and exit with the gate's code.
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { SEVERITIES } from '../../core/finding.js';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';
import { onlyOption, outputOptions, parseNowOption, parsePositiveInt } from '../options.js';
import { withProgress } from '../output.js';

export function scanCommand(program: Command, io: Io, done: (code: number) => void): void {
  onlyOption(
    outputOptions(program.command('scan'))
      .description('read every configured system, judge the access against the register, write the reports')
      .requiredOption('--config <file>', 'config file (JSON)')
      .option('--register <file>', 'access register (YAML or JSON); default: the config\'s "register"')
      .option('--out <dir>', "where reports are written; default: the config's report.outDir")
      .addOption(
        new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices([
          ...SEVERITIES,
          'none',
        ]),
      ),
  )
    .option('--allow-partial', 'exit 0/1 on what could be read even if a system failed', false)
    .option('--now <iso>', 'the clock the findings are judged against (default: now)', parseNowOption)
    .option('--concurrency <n>', 'requests in flight per system (1 = sequential)', parsePositiveInt)
    .option(
      '--inventory <files...>',
      'judge saved snapshots (shards from `lanekeeper collect`) instead of reading: no API is called',
    )
    .option('--allow-mixed-days', 'accept shards collected on different days', false)
    .option('--history <file>', "history database (default: the config's history.path or .lanekeeper/history.db)")
    .option('--no-history', 'keep no history: no drift, no "open for N days"')
    .option('--email', 'send the report as the config\'s "email" block says')
    .option('--no-email', 'do not send the report (the default)')
    .action(async (opts) => {
      done(
        await withExitCode('scan', io, () =>
          withProgress(opts, io, async (watch) =>
            // Loaded when run: `--help` and the other commands never pay for the whole pipeline.
            (await import('../scan.js')).scan({
              ...watch,
              historyPath:
                opts.history === false
                  ? false
                  : typeof opts.history === 'string'
                    ? resolve(io.cwd, opts.history)
                    : undefined,
              email: opts.email === true,
              ...(opts.inventory ? { inventoryPaths: opts.inventory.map((f: string) => resolve(io.cwd, f)) } : {}),
              allowMixedDays: opts.allowMixedDays === true,
              cwd: io.cwd,
              configPath: resolve(io.cwd, opts.config),
              ...(opts.register ? { registerPath: resolve(io.cwd, opts.register) } : {}),
              ...(opts.out ? { outDir: resolve(io.cwd, opts.out) } : {}),
              ...(opts.failOn ? { failOn: opts.failOn } : {}),
              ...(opts.only ? { only: opts.only } : {}),
              ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
              allowPartial: opts.allowPartial,
              now: opts.now ?? new Date(),
              env: io.env,
            }),
          ),
        ),
      );
    });
}
