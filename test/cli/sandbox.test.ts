// `lanekeeper sandbox` serves a scenario and writes a config for another shell: what it prints
// to run there must work, the made-up tokens kept out of the config as real ones would be.
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/app/cli.js';
import { DEMO_DIR } from '../../src/app/demo.js';
import { type CliRun, runCli, tempDir, writeIn } from './harness.js';

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

  it.each([
    [
      'a scenario that is not JSON',
      { 'bad.json': '{\n  "github": {"org": "x",}\n}\n' },
      'bad.json',
      /bad\.json:2:25: the scenario is not valid JSON \(Expected double-quoted property name\)/,
    ],
    [
      'a system file beside it that is not JSON',
      { 'top.json': '{"slack": "slack.json"}', 'slack.json': '{\n  "users": [\n  ]]\n}' },
      'top.json',
      /slack\.json:3:4: the scenario is not valid JSON/,
    ],
    ['a missing scenario', {}, 'missing.json', /missing\.json: the scenario cannot be read \(ENOENT\)/],
    [
      'a system no connector serves',
      { 'okta.json': '{"okta": {}}' },
      'okta.json',
      /names "okta", which is not a connector \(aws, gcp, github, slack\)/,
    ],
    [
      'a scenario of the wrong shape',
      { 'shape.json': '{"slack": {"users": 5}}' },
      'shape.json',
      /scenario for slack: team: /,
    ],
  ])('refuses %s as bad input (exit 2), naming the file and line', async (_name, files, scenario, message) => {
    const dir = await tempDir();
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const run = await runCli(['sandbox', '--scenario', join(dir, scenario), '--write-config', join(dir, 'c.json')]);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  it('never replaces a register.yaml it did not write beside the config, and rewrites its own', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const sandbox = () =>
      runCli([
        'sandbox',
        '--scenario',
        join(DEMO_DIR, 'scenario.json'),
        '--write-config',
        join(dir, 'lk.json'),
        '--now',
        NOW,
      ]);
    // The sandbox's own, from an earlier run in the same folder: written again.
    expect((await sandbox()).code).toBe(0);
    const first = await readFile(join(dir, 'register.yaml'), 'utf8');
    expect(first).toMatch(/^# Written by `lanekeeper sandbox` from .*register\.yaml, its dates resolved/);
    const again = await sandbox();
    expect(again.code, again.stderr).toBe(0);
    expect(await readFile(join(dir, 'register.yaml'), 'utf8')).toBe(first);
    // A company's own register: refused, kept as it was, nothing written beside it.
    const own = 'organization: My Real Company\npeople: []\n';
    await writeFile(join(dir, 'register.yaml'), own);
    await rm(join(dir, 'lk.json'));
    const run = await sandbox();
    expect(run.stderr).toBe(
      `lanekeeper sandbox: ${join(dir, 'register.yaml')} is already there and the sandbox did not write it: the sandbox writes its register.yaml beside the config and never replaces one of yours; give --write-config a file in another folder\n`,
    );
    expect(run.code).toBe(2);
    expect(await readFile(join(dir, 'register.yaml'), 'utf8')).toBe(own);
    await expect(stat(join(dir, 'lk.json'))).rejects.toThrow();
  });

  it('refuses a scenario whose config.json names a register that is not there (exit 2), naming both', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    await writeFile(join(dir, 'scenario.json'), JSON.stringify({ slack: join(DEMO_DIR, 'slack.scenario.json') }));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ register: 'register.yaml' }));
    const run = await runCli([
      'sandbox',
      '--scenario',
      join(dir, 'scenario.json'),
      '--write-config',
      join(dir, 'out', 'c.json'),
    ]);
    expect(run.stderr).toBe(
      `lanekeeper sandbox: ${join(dir, 'config.json')}: its "register" names ${join(dir, 'register.yaml')}, which cannot be read (ENOENT); put the register there or name another\n`,
    );
    expect(run.code).toBe(2);
  });

  it('refuses a --config-template that is not there (exit 2), where the one beside a scenario is optional', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const run = await runCli(
      [
        'sandbox',
        '--scenario',
        join(DEMO_DIR, 'scenario.json'),
        '--write-config',
        join(dir, 'c.json'),
        '--config-template',
        'nope.json',
      ],
      {},
      dir,
    );
    expect(run.stderr).toBe(
      `lanekeeper sandbox: ${join(dir, 'nope.json')}: the config template cannot be read (ENOENT)\n`,
    );
    expect(run.code).toBe(2);
    const broken = await writeIn(dir, 'broken.json', '{\n  "register": "register.yaml",\n}\n');
    const bad = await runCli([
      'sandbox',
      '--scenario',
      join(DEMO_DIR, 'scenario.json'),
      '--write-config',
      join(dir, 'c.json'),
      '--config-template',
      broken,
    ]);
    expect(bad.stderr).toMatch(/broken\.json:3:1: the config template is not valid JSON/);
    expect(bad.code).toBe(2);
    // No config.json beside this scenario: an empty template, and the sandbox runs.
    await writeFile(join(dir, 'scenario.json'), JSON.stringify({ slack: join(DEMO_DIR, 'slack.scenario.json') }));
    const bare = await runCli([
      'sandbox',
      '--scenario',
      join(dir, 'scenario.json'),
      '--write-config',
      join(dir, 'c.json'),
    ]);
    expect(bare.code, bare.stderr).toBe(0);
  });
});
