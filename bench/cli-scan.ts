// The whole scan as users run it: the package's CLI (bin/lanekeeper.js on the bundle in dist/), in
// its own process, against the bench's emulators, with a fresh history. The bench's other numbers
// come from the pipeline's functions run inside the bench's process, which also holds tsx, the
// sources of every SDK and the generated organisation; this process holds only the scan, so its
// peak RSS (from the kernel, as in the startup table: bench/timed.ts) is the scanning process's
// whole: collection, evaluate, every report and the history.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { REPORT_FORMATS } from '../src/core/config.js';
import { buildPackage, ROOT, type Sample, timedNode } from './timed.js';

export interface CliScan extends Sample {
  /** What the scan recorded in its history: collection, evaluate and report, in ms. */
  timings: Record<string, number>;
}

/**
 * `lanekeeper scan` with every report format and a history, on `config` (connector blocks with
 * `${VAR}` references, resolved from `env` as a user's shell would). With `--fail-on none` a scan
 * that ran exits 0; anything else throws with the scan's own message.
 */
export async function scanAsUsersRun(options: {
  config: Record<string, unknown>;
  env: Record<string, string>;
  register: unknown;
  now: Date;
}): Promise<CliScan> {
  buildPackage();
  const dir = await mkdtemp(join(tmpdir(), 'lanekeeper-bench-cli-'));
  try {
    const configPath = join(dir, 'lanekeeper.json');
    const history = join(dir, 'history.db');
    await writeFile(join(dir, 'register.yaml'), stringify(options.register));
    await writeFile(
      configPath,
      JSON.stringify({
        ...options.config,
        register: 'register.yaml',
        report: { outDir: join(dir, 'out'), formats: REPORT_FORMATS },
      }),
    );
    const sample = timedNode(
      [
        join(ROOT, 'bin/lanekeeper.js'),
        'scan',
        '--config',
        configPath,
        '--history',
        history,
        '--now',
        options.now.toISOString(),
        '--fail-on',
        'none',
        '--quiet',
      ],
      { ...process.env, ...options.env },
    );
    const db = new Database(history, { readonly: true });
    try {
      const row = db.prepare('SELECT timings_json FROM scans').get() as { timings_json: string };
      return { ...sample, timings: JSON.parse(row.timings_json) };
    } finally {
      db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
