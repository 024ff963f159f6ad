// `npm run bench -- --startup`: what a command costs before it does anything, measured as users run
// it (the built CLI, bin/lanekeeper.js, in a child process) against bare `node -e 0` in the same run,
// so the ratio holds on any machine. Peak RSS is the child's, from the kernel (/usr/bin/time).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 7;

interface Sample {
  ms: number;
  rssMb: number;
}

/** One run, timed by /usr/bin/time: wall seconds and peak RSS in KB. */
function sample(args: string[]): Sample {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8' });
  const line = r.stderr.trim().split('\n').at(-1) ?? '';
  const [seconds, kb] = line.split(' ').map(Number);
  if (r.status !== 0 || seconds === undefined || kb === undefined)
    throw new Error(`failed: node ${args.join(' ')}\n${r.stderr}`);
  return { ms: seconds * 1000, rssMb: kb / 1024 };
}

/** The median of RUNS runs (after one warm-up that fills the OS file cache). */
function measure(args: string[]): Sample {
  sample(args);
  const runs = Array.from({ length: RUNS }, () => sample(args)).sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(RUNS / 2)] as Sample;
}

export function startupTable(): string {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const out = mkdtempSync(join(tmpdir(), 'lanekeeper-bench-'));
  try {
    const node = measure(['-e', '0']);
    const rows: [string, Sample][] = [
      ['--help', measure(['bin/lanekeeper.js', '--help'])],
      ['--version', measure(['bin/lanekeeper.js', '--version'])],
      ['demo', measure(['bin/lanekeeper.js', 'demo', '--quiet', '--out', out, '--now', '2026-11-29T09:00:00Z'])],
    ];
    const lines = [
      `| command | wall time (median of ${RUNS}) | ÷ bare node | peak RSS |`,
      '|---|---:|---:|---:|',
      `| node -e 0 | ${node.ms.toFixed(0)} ms | 1.0× | ${node.rssMb.toFixed(0)} MB |`,
      ...rows.map(
        ([name, s]) =>
          `| lanekeeper ${name} | ${s.ms.toFixed(0)} ms | ${(s.ms / node.ms).toFixed(1)}× | ${s.rssMb.toFixed(0)} MB |`,
      ),
    ];
    return lines.join('\n');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
