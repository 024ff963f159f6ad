// A command as users run it: `node ARGS` from the repository's root in a child process, timed and
// measured by the kernel through /usr/bin/time (wall seconds and peak RSS). The startup table and
// the bench's whole-scan run both measure the package's bundle this way.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Sample {
  ms: number;
  rssMb: number;
}

/** Builds dist/ as `npm pack` does: what users install is what is measured. */
export function buildPackage(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}

/** One run of `node ARGS`; throws with the command's own stderr unless it exits 0. */
export function timedNode(args: string[], env: NodeJS.ProcessEnv = process.env): Sample {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const line = r.stderr.trim().split('\n').at(-1) ?? '';
  const [seconds, kb] = line.split(' ').map(Number);
  if (r.status !== 0 || seconds === undefined || kb === undefined || Number.isNaN(seconds + kb))
    throw new Error(`failed: node ${args.join(' ')}\n${r.stderr}`);
  return { ms: seconds * 1000, rssMb: kb / 1024 };
}
