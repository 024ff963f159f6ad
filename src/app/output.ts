// How a scanning command talks to the person running it: progress on stderr while it reads (one
// line per system on a terminal, plain lines in CI, nothing with --quiet), then the summary (or
// --json) on stdout.
import { readFile } from 'node:fs/promises';
import { createLogger, type Logger, printable } from '../core/log.js';
import { redact } from '../core/redact.js';
import { jsonForTerminal } from '../core/text.js';
import type { ProgressEvent } from '../pipeline/collect.js';
import type { Io } from './io.js';
import { logLevel } from './options.js';
import { createProgress, formatScanSummary, type ProgressStream, useColor } from './progress.js';
import type { ScanResult } from './scan.js';

export interface Watch {
  log: Logger;
  onProgress: (event: ProgressEvent) => void;
  pdf: boolean;
}

export function stderrStream(io: Io): ProgressStream {
  return { write: io.stderr, isTTY: io.stderrIsTTY === true, ...(io.columns ? { columns: io.columns } : {}) };
}

/** Runs a scan (or the demo) under progress, prints the outcome, gives the exit code. */
export async function withProgress(
  opts: { verbose?: boolean; quiet?: boolean; json?: boolean; pdf?: boolean },
  io: Io,
  run: (watch: Watch) => Promise<ScanResult>,
): Promise<number> {
  const progress = createProgress({ stream: stderrStream(io), level: logLevel(opts), env: io.env });
  let result: ScanResult;
  try {
    result = await run({
      log: createLogger(logLevel(opts), (line) => progress.log(line)),
      onProgress: (event) => progress.update(event),
      pdf: opts.pdf === true,
    });
  } finally {
    progress.finish();
  }
  await printResult(result, opts.json === true, io);
  return result.exitCode;
}

async function printResult(result: ScanResult, json: boolean, io: Io): Promise<void> {
  if (json) {
    io.stdout(redact(jsonForTerminal(await readFile(result.findingsPath, 'utf8'))));
    return;
  }
  io.stdout(
    formatScanSummary({
      organization: result.organization,
      evaluation: result.evaluation,
      systems: result.snapshot.systems,
      completeness: result.completeness,
      files: result.files,
      cwd: io.cwd,
      history: result.history,
      newFingerprints: result.newFingerprints,
      actions: result.actions,
      accepted: result.accepted,
      lapsed: result.lapsed,
      color: useColor(stderrStream(io), io.env),
    }),
  );
  if (!result.complete) {
    const { failed, gaps } = result.completeness;
    const open = gaps.filter((g) => !g.accepted);
    const parts = [
      ...failed.map((f) => `${f.system} ${f.target} could not be read`),
      ...open.map((g) => `${g.system} ${g.target}: ${g.kind}`),
    ];
    io.stderr(`scan incomplete: ${printable(parts.join('; '))}\n`);
  }
  if (result.pdfError) io.stderr(`report.pdf not printed: ${printable(result.pdfError)}\n`);
  if (result.deliveryError) io.stderr(`email not sent: ${printable(result.deliveryError)}\n`);
  else if (result.emailSent) io.stderr('report emailed\n');
}
