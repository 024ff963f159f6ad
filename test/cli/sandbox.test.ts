// `lanekeeper sandbox` serves a scenario and writes a config for another shell: what it prints
// to run there must work, the made-up tokens kept out of the config as real ones would be.
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/app/cli.js';
import { DEMO_DIR } from '../../src/app/demo.js';
import { type CliRun, runCli, tempDir } from './harness.js';

const NOW = '2026-11-29T09:00:00Z';
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** The environment a POSIX shell gets from sourcing the file: `export NAME='value'` lines. */
function sourced(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1').replace(/'\\''/g, "'");
  }
  return env;
}

describe('lanekeeper sandbox', () => {
  it('writes a config the printed scan command accepts, with the tokens in an environment file only', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const configPath = join(dir, 'lanekeeper.json');
    let stdout = '';
    let scan: CliRun | undefined;
    const code = await main(
      [
        'node',
        'lanekeeper',
        'sandbox',
        '--scenario',
        join(DEMO_DIR, 'scenario.json'),
        '--write-config',
        configPath,
        '--now',
        NOW,
      ],
      {
        env: {},
        cwd: process.cwd(),
        stdout: (t) => {
          stdout += t;
        },
        stderr: () => {},
        // While the sandbox runs, "another shell" sources the file and scans.
        untilStopped: async () => {
          const env = sourced(await readFile(join(dir, 'sandbox.env'), 'utf8'));
          scan = await runCli(
            ['scan', '--config', configPath, '--out', join(dir, 'out'), '--no-history', '--now', NOW, '--quiet'],
            env,
          );
        },
      },
    );
    expect(code).toBe(0);
    expect(stdout).toContain(`. ${join(dir, 'sandbox.env')} && lanekeeper scan --config ${configPath}`);
    // Findings, not bad input: the demo company has critical ones.
    expect(scan?.stderr).not.toMatch(/LK_CONFIG_(SECRET_IN_FILE|ENV_MISSING)/);
    expect(scan?.code).toBe(1);
    const config = await readFile(configPath, 'utf8');
    expect(config).not.toMatch(/:-/);
    const env = sourced(await readFile(join(dir, 'sandbox.env'), 'utf8'));
    expect(Object.keys(env).length).toBeGreaterThan(0);
    for (const value of Object.values(env)) if (value.length > 8) expect(config).not.toContain(value);
    expect((await stat(join(dir, 'sandbox.env'))).mode & 0o077).toBe(0);
  });
});
