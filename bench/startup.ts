// `npm run bench -- --startup`: what a command costs before it does anything, measured as users run
// it (the built CLI, bin/lanekeeper.js, in a child process) against bare `node -e 0` in the same run,
// so the ratio holds on any machine. Peak RSS is the child's, from the kernel (/usr/bin/time).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackage, type Sample, timedNode } from './timed.js';

const RUNS = 7;

/** The median of RUNS runs (after one warm-up that fills the OS file cache). */
function measure(args: string[]): Sample {
  timedNode(args);
  const runs = Array.from({ length: RUNS }, () => timedNode(args)).sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(RUNS / 2)] as Sample;
}

export function startupTable(): string {
  buildPackage();
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
