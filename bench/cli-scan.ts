// The whole scan as users run it: the package's CLI (bin/lanekeeper.js on the bundle in dist/), in
// its own process, against the bench's emulators, with a fresh history. The bench's other numbers
// come from the pipeline's functions run inside the bench's process, which also holds tsx, the
// sources of every SDK and the generated organisation; this process holds only the scan, so its
// peak RSS (from the kernel, through /usr/bin/time as in the startup table) is the scanning
// process's whole: collection, evaluate, every report and the history.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { REPORT_FORMATS } from '../src/core/config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface CliScan {
  wallMs: number;
  peakRssMb: number;
  /** What the scan recorded in its history: collection, evaluate and report, in ms. */
  timings: Record<string, number>;
}

/**
 * `lanekeeper scan` with every report format and a history, on `config` (connector blocks with
 * `${VAR}` references, resolved from `env` as a user's shell would). Exit 0 or 1 (findings at the
 * gate) is a scan that ran; anything else throws with the scan's own message.
 */
export async function scanAsUsersRun(options: {
  config: Record<string, unknown>;
  env: Record<string, string>;
  register: unknown;
  now: Date;
}): Promise<CliScan> {
  await run('npm', ['run', 'build', '--silent'], process.env);
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
    const started = performance.now();
    const { code, stderr } = await run(
      '/usr/bin/time',
      [
        '-f',
        'peak-kb %M',
        process.execPath,
        join(ROOT, 'bin/lanekeeper.js'),
        'scan',
        '--config',
        configPath,
        '--history',
        history,
        '--now',
        options.now.toISOString(),
        '--quiet',
      ],
      { ...process.env, ...options.env },
    );
    const wallMs = performance.now() - started;
    const kb = Number(/peak-kb (\d+)\s*$/.exec(stderr)?.[1]);
    if ((code !== 0 && code !== 1) || !Number.isFinite(kb))
      throw new Error(`lanekeeper scan exited ${code}:\n${stderr}`);
    const db = new Database(history, { readonly: true });
    try {
      const row = db.prepare('SELECT timings_json FROM scans').get() as { timings_json: string };
      return { wallMs, peakRssMb: Math.round(kb / 1024), timings: JSON.parse(row.timings_json) };
    } finally {
      db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
