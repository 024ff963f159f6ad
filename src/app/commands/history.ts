// `lanekeeper history`: the past scans in the history database, with their finding counts; with
// --findings, what one of them found, as the history kept it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../core/errors.js';
import type { HistoryStore } from '../../pipeline/history/store.js';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';

export function historyCommand(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('history')
    .description('list past scans with their finding counts, or print what one scan found')
    .option('--history <file>', 'history database', '.lanekeeper/history.db')
    .option(
      '--findings <scanned-at>',
      'print the findings of the scan at this time as JSON (its time as listed, or the start of it, such as a day); kept as long as its snapshot (history.retentionDays)',
    )
    .action(async (opts: { history: string; findings?: string }) => {
      done(
        await withExitCode('history', io, async () => {
          const path = resolve(io.cwd, opts.history);
          if (!existsSync(path))
            throw new UsageError(`no history at ${opts.history}: run a scan first (or pass --history FILE)`);
          const { HistoryStore } = await import('../../pipeline/history/store.js');
          const store = HistoryStore.open(path);
          try {
            if (opts.findings !== undefined) io.stdout(await findingsOfScan(store, opts.findings));
            else {
              const { formatHistory } = await import('../../pipeline/history/format.js');
              io.stdout(formatHistory(store.list()));
            }
          } finally {
            store.close();
          }
          return ExitCode.OK;
        }),
      );
    });
}

/**
 * What the one scan `at` names found, as a JSON document; refused when it names none, several, or
 * one whose findings retention pruned. (Error lines are made terminal-safe where they are printed.)
 */
async function findingsOfScan(store: HistoryStore, at: string): Promise<string> {
  const { jsonForTerminal } = await import('../../core/text.js');
  const { redact } = await import('../../core/redact.js');
  const { jsonEndingInList } = await import('../../../reports/json-list.js');
  const scans = store.list().filter((s) => at !== '' && s.scannedAt.startsWith(at));
  const [scan, ...others] = scans;
  if (!scan) throw new UsageError(`no scan at ${at} in the history: \`lanekeeper history\` lists them`);
  if (others.length > 0)
    throw new UsageError(
      `${at} names ${scans.length} scans (${scans.map((s) => s.scannedAt).join(', ')}): give the whole time of one`,
    );
  const findings = store.findingsOf(scan.id);
  const counted = Object.values(scan.counts).reduce((a, b) => a + b, 0);
  if (findings.length === 0 && counted > 0)
    throw new UsageError(
      `the findings of the scan at ${scan.scannedAt} are no longer kept: retention (history.retentionDays) pruned them with its snapshot; its counts remain in \`lanekeeper history\``,
    );
  const document = { scannedAt: scan.scannedAt, complete: scan.complete, findings: [] };
  // Redacted again: a secret registered since the scan was recorded is hidden too.
  return redact(jsonForTerminal([...jsonEndingInList(document, findings, (f) => f)].join('')));
}
