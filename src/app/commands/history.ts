// `lanekeeper history`: the past scans in the history database, with their finding counts.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../core/errors.js';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';

export function historyCommand(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('history')
    .description('list past scans with their finding counts')
    .option('--history <file>', 'history database', '.lanekeeper/history.db')
    .action(async (opts) => {
      done(
        await withExitCode('history', io, async () => {
          const path = resolve(io.cwd, opts.history);
          if (!existsSync(path))
            throw new UsageError(`no history at ${opts.history}: run a scan first (or pass --history FILE)`);
          const { HistoryStore } = await import('../../pipeline/history/store.js');
          const { formatHistory } = await import('../../pipeline/history/format.js');
          const store = HistoryStore.open(path);
          try {
            io.stdout(formatHistory(store.list()));
          } finally {
            store.close();
          }
          return ExitCode.OK;
        }),
      );
    });
}
