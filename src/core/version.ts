// lanekeeper's own version, from its package.json: the one a user installed, whether it runs
// from the sources or from the built dist/ (which sits one folder deeper).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'lanekeeper') return candidate;
    }
    if (dirname(dir) === dir) throw new Error('lanekeeper: its own package.json was not found');
  }
}

/** The folder lanekeeper is installed in (where its package.json is). */
export const PACKAGE_ROOT = dirname(findPackageJson(dirname(fileURLToPath(import.meta.url))));

export const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
