// Runs the CLI in-process with captured output and a chosen environment.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { main } from '../../src/app/cli.js';
import { DEMO_DIR, writeDemoConfig } from '../../src/app/demo.js';
import { loadScenario, type Sandbox, startSandbox } from '../../src/app/sandbox.js';
import { resolveRelativeDates } from '../../src/core/dates.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd = process.cwd(),
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'lanekeeper', ...args], {
    env,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    untilStopped: () => Promise.resolve(),
  });
  return { code, stdout, stderr };
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'lanekeeper-test-'));
}

/** Writes `text` to dir/name and gives the path. */
export async function writeIn(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** A fixed clock for the demo story, so runs compare byte for byte. */
export const DEMO_NOW = '2026-11-29T09:00:00.000Z';

/** `lanekeeper scan` of a demo config at the demo's clock, quiet and without history, plus extra flags. */
export function demoScan(configPath: string, out: string, ...extra: string[]): string[] {
  return ['scan', '--config', configPath, '--out', out, '--now', DEMO_NOW, '--quiet', '--no-history', ...extra];
}

export interface DemoSandbox {
  sandbox: Sandbox;
  configPath: string;
  registerPath: string;
  env: Record<string, string>;
  dir: string;
}

/** The demo scenario served by its emulators, with a config and a resolved register written to a temp dir. */
export async function startDemoSandbox(now = new Date(DEMO_NOW), only?: string[]): Promise<DemoSandbox> {
  const scenario = await loadScenario(join(DEMO_DIR, 'scenario.json'), now);
  const sandbox = await startSandbox(scenario, connectors, { now, ...(only ? { only } : {}) });
  const dir = await tempDir();
  const registerPath = join(dir, 'register.yaml');
  await writeFile(registerPath, resolveRelativeDates(await readFile(join(DEMO_DIR, 'register.yaml'), 'utf8'), now));
  const configPath = await writeDemoConfig(sandbox, dir, 'register.yaml', now);
  return { sandbox, configPath, registerPath, env: { ...sandbox.env }, dir };
}

export interface DemoInventory {
  demo: DemoSandbox;
  /** The full scan's inventory.json, in demo.dir/full beside its findings. */
  inventory: string;
  /** The full scan itself, for what a test asserts of its output. */
  full: CliRun;
}

/** A demo sandbox and a full scan of it, whose inventory offline scans (`--inventory`) judge again. */
export async function demoInventory(): Promise<DemoInventory> {
  const demo = await startDemoSandbox();
  const full = await runCli(demoScan(demo.configPath, join(demo.dir, 'full'), '--fail-on', 'none'), demo.env, demo.dir);
  return { demo, inventory: join(demo.dir, 'full', 'inventory.json'), full };
}

/** For a whole test file: the demo sandbox, handed to `use` before the first test, closed and its folder removed after the last. */
export function withDemoSandbox(use: (demo: DemoSandbox) => void): void {
  let demo: DemoSandbox | undefined;
  beforeAll(async () => {
    demo = await startDemoSandbox();
    use(demo);
  });
  afterAll(async () => {
    await demo?.sandbox.close();
    if (demo) await rm(demo.dir, { recursive: true, force: true });
  });
}

/**
 * For a whole test file: the demo sandbox and its full inventory, handed to `use` before the first
 * test (the full scan must pass), the sandbox closed and its folder removed after the last.
 */
export function withDemoInventory(use: (saved: DemoInventory) => void): void {
  let demo: DemoSandbox | undefined;
  beforeAll(async () => {
    const saved = await demoInventory();
    demo = saved.demo;
    expect(saved.full.code, saved.full.stderr).toBe(0);
    use(saved);
  }, 120_000);
  afterAll(async () => {
    await demo?.sandbox.close();
    if (demo) await rm(demo.dir, { recursive: true, force: true });
  });
}

/** `lanekeeper scan` of a saved inventory, judged as of `now` with `history`, into demo.dir/out. */
export function scanSavedInventory(
  demo: DemoSandbox,
  run: { inventory: string; out: string; now: string; history: string },
  ...extra: string[]
): Promise<CliRun> {
  return runCli(
    [
      'scan',
      '--config',
      demo.configPath,
      '--inventory',
      run.inventory,
      '--out',
      join(demo.dir, run.out),
      '--now',
      run.now,
      '--history',
      run.history,
      '--fail-on',
      'none',
      '--quiet',
      ...extra,
    ],
    {},
    demo.dir,
  );
}
