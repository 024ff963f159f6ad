// better-sqlite3 installed without its compiled part (install scripts off, built for another Node):
// the history cannot be kept, and the scan says how to fix that before it reads anything.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import Module from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_NOW, type DemoSandbox, runCli, startDemoSandbox } from './harness.js';

interface Loader {
  _load: (request: string, ...rest: unknown[]) => unknown;
}
type WithBuiltins = { getBuiltinModule?: (id: string) => unknown };

let demo: DemoSandbox | undefined;
const loader = Module as unknown as Loader;
const load = loader._load;
const builtin = (process as WithBuiltins).getBuiltinModule;

beforeEach(() => {
  // No node:sqlite (Node 20), and a better-sqlite3 whose first open cannot find its build, as it fails then.
  if (builtin)
    (process as WithBuiltins).getBuiltinModule = (id) => (id === 'node:sqlite' ? undefined : builtin.call(process, id));
  loader._load = function (this: unknown, request, ...rest) {
    if (request !== 'better-sqlite3') return load.call(this, request, ...rest);
    return function Database() {
      throw new Error(
        'Could not locate the bindings file. Tried:\n → /srv/node_modules/better-sqlite3/build/better_sqlite3.node',
      );
    };
  };
});
afterEach(async () => {
  loader._load = load;
  if (builtin) (process as WithBuiltins).getBuiltinModule = builtin;
  await demo?.sandbox.close();
  if (demo) await rm(demo.dir, { recursive: true, force: true });
  demo = undefined;
});

describe('scan with better-sqlite3 installed but not built', () => {
  it('exits 2 before reading anything, saying how to fix it or scan with --no-history', async () => {
    demo = await startDemoSandbox();
    const out = join(demo.dir, 'out');
    const run = await runCli(
      ['scan', '--config', demo.configPath, '--out', out, '--now', DEMO_NOW, '--history', join(demo.dir, 'h.db')],
      demo.env,
      demo.dir,
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('better-sqlite3 is installed without a build for this Node');
    expect(run.stderr).toContain('npm rebuild better-sqlite3');
    expect(run.stderr).toContain('--no-history');
    expect(run.stderr).not.toContain('\n →');
    // Nothing was read or reported.
    expect(existsSync(out)).toBe(false);
  });
});
