// Scans through the CLI against emulators the test starts itself, so each test chooses the
// scenario, the faults and the config, and sees everything the scan printed and wrote.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { connectors } from '../../connectors/index.js';
import { REPORT_FILES } from '../../reports/index.js';
import { DEMO_DIR, readConfigTemplate } from '../../src/app/demo.js';
import { loadScenario, type Sandbox, sandboxConfig, startSandbox } from '../../src/app/sandbox.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/core/connector.js';
import { resolveRelativeDates } from '../../src/core/dates.js';
import type { Snapshot } from '../../src/core/model.js';
import { type CliRun, DEMO_NOW, runCli, tempDir } from '../cli/harness.js';

export { type CliRun, DEMO_NOW, runCli, tempDir };
export const NOW = new Date(DEMO_NOW);

/** The demo company's scenario for every system, dates resolved against NOW. */
export async function demoScenario(): Promise<Record<string, unknown>> {
  return loadScenario(join(DEMO_DIR, 'scenario.json'), NOW);
}

/** Systems of the demo that have a connector in the registry: every one of them is tested. */
export async function demoSystems(): Promise<string[]> {
  const scenario = await demoScenario();
  return connectors.map((c) => c.id).filter((id) => id in scenario);
}

export interface ScanSetup {
  sandbox: Sandbox;
  dir: string;
  configPath: string;
  registerPath: string;
  outDir: string;
  historyPath: string;
  env: Record<string, string>;
  /** The emulator of one system. */
  emulator(system: string): RunningEmulator;
  /** Runs `lanekeeper scan` on this setup; extra arguments go last. */
  scan(...extra: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

export interface SetupOptions {
  /** The scenario per system; the demo's when absent. */
  scenario?: Record<string, unknown>;
  /** The register's text; the demo's (dates resolved) when absent. */
  register?: string;
  /** Only these systems are served and configured. */
  only?: readonly string[];
  emulator?: Partial<EmulatorOptions>;
  /** Fields merged over each system's config block (deadlineSeconds, retry...). */
  blocks?: Record<string, Record<string, unknown>>;
  /** Extra environment over the emulators' fake tokens. */
  env?: Record<string, string>;
  /** Top-level config fields over the demo's (organization, policy...). */
  config?: Record<string, unknown>;
}

/**
 * Emulators for the scenario, and in a fresh folder: a config pointing at them (every report
 * format, a history file inside the folder) and the register.
 */
export async function setupScan(options: SetupOptions = {}): Promise<ScanSetup> {
  const scenario = options.scenario ?? (await demoScenario());
  const sandbox = await startSandbox(scenario, connectors, {
    now: NOW,
    ...options.emulator,
    ...(options.only ? { only: options.only } : {}),
  });
  const dir = await tempDir();
  const outDir = join(dir, 'out');
  const historyPath = join(dir, 'history.db');
  const registerPath = join(dir, 'register.yaml');
  const register =
    options.register ?? resolveRelativeDates(await readFile(join(DEMO_DIR, 'register.yaml'), 'utf8'), NOW);
  await writeFile(registerPath, register);
  const template = await readConfigTemplate(join(DEMO_DIR, 'config.json'), NOW);
  const config = sandboxConfig(template, sandbox) as Record<string, unknown> & {
    connectors: Record<string, Record<string, unknown>>;
  };
  delete config.$schema;
  for (const [system, block] of Object.entries(options.blocks ?? {})) {
    if (config.connectors[system]) config.connectors[system] = { ...config.connectors[system], ...block };
  }
  Object.assign(config, options.config);
  config.register = 'register.yaml';
  // Every format the renderers know, so each written file is checked.
  config.report = { outDir: 'out', formats: [...Object.keys(REPORT_FILES), 'sarif'] };
  config.history = { path: historyPath };
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const env = { ...sandbox.env, ...options.env };
  return {
    sandbox,
    dir,
    configPath,
    registerPath,
    outDir,
    historyPath,
    env,
    emulator(system) {
      const e = sandbox.emulators.get(system);
      if (!e) throw new Error(`no ${system} emulator in this setup`);
      return e;
    },
    scan: (...extra) =>
      runCli(
        ['scan', '--config', configPath, '--out', outDir, '--now', DEMO_NOW, '--fail-on', 'none', ...extra],
        env,
        dir,
      ),
    close: () => sandbox.close(),
  };
}

/** Every file under a folder, recursively, as paths. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath ?? dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out.sort();
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** inventory.json without what legitimately changes between runs: durations and call counts. */
export async function writtenInventory(outDir: string): Promise<Snapshot> {
  const snapshot = await readJson<Snapshot>(join(outDir, REPORT_FILES.inventory));
  return { ...snapshot, systems: snapshot.systems.map((s) => ({ ...s, durationMs: 0, calls: 0 })) };
}

export interface FindingsSystems {
  complete: boolean;
  systems: { system: string; target: string; ok: boolean; error?: string }[];
}

export async function writtenFindings(outDir: string): Promise<FindingsSystems> {
  return readJson<FindingsSystems>(join(outDir, REPORT_FILES.json));
}

export async function ensureDir(path: string): Promise<string> {
  await mkdir(path, { recursive: true });
  return path;
}

export interface Mailbox {
  port: number;
  /** Every message received, raw. */
  mails: string[];
  /** Every password a client tried. */
  tried: string[];
  close(): Promise<void>;
}

/**
 * A local SMTP server in plain text (no certificate needed) that accepts one password. When it
 * refuses, it repeats the credentials in its answer, as a careless server might: the client must
 * not pass that on.
 */
export async function startMailbox(password: string): Promise<Mailbox> {
  const mails: string[] = [];
  const tried: string[] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      tried.push(auth.password ?? '');
      if (auth.password === password) cb(null, { user: auth.username });
      else cb(new Error(`Invalid username or password: ${auth.username}/${auth.password}`));
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks).toString('latin1'));
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    tried,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export const SMTP_PASSWORD_ENV = 'LANEKEEPER_TEST_SMTP_PASSWORD';

/** A config `email` block sending to a local mailbox, the password read from SMTP_PASSWORD_ENV. */
export function emailBlock(port: number): Record<string, unknown> {
  return {
    to: ['founders@northwind.example'],
    from: 'lanekeeper@northwind.example',
    smtp: { host: '127.0.0.1', port, requireTLS: false, user: 'reports', pass: `\${${SMTP_PASSWORD_ENV}}` },
  };
}
