// The sandbox: every system of a scenario served by its emulator on loopback, and a
// config that points at them. The demo, the tests and `lanekeeper sandbox` all use it,
// so the demo runs exactly the code a customer runs, only against local servers.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AnyConnector, EmulatorOptions, RunningEmulator } from '../core/connector.js';
import { resolveRelativeDates } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import { shellQuote } from '../core/shell.js';
import { jsonSyntaxAt } from '../core/source.js';

export interface SandboxOptions extends EmulatorOptions {
  /** Only these systems; all the scenario names when absent. */
  only?: readonly string[];
}

export interface Sandbox {
  emulators: Map<string, RunningEmulator>;
  /** Connector blocks pointing at the emulators, keyed by connector id. */
  connectors: Record<string, Record<string, unknown>>;
  /** Fake secrets the blocks reference through ${ENV}. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A scenario file maps connector ids to that system's scenario, inline or as a path
 * relative to the file. `$today-180d` style dates are resolved against options.now.
 */
export async function loadScenario(path: string, now: Date): Promise<Record<string, unknown>> {
  const top = await readDatedJson(path, now, 'scenario');
  if (typeof top !== 'object' || top === null || Array.isArray(top))
    throw new UsageError(`${path}: a scenario is an object naming a system's scenario under each connector id`);
  const out: Record<string, unknown> = {};
  for (const [system, value] of Object.entries(top)) {
    out[system] =
      typeof value === 'string' ? await readDatedJson(resolve(dirname(path), value), now, 'scenario') : value;
  }
  return out;
}

/**
 * A JSON file a person wrote for the sandbox (a scenario, a config template), its `$today` dates
 * resolved. One that cannot be read or parsed is bad input naming the file, and the line and
 * column where its JSON breaks, checked as written (before dates change its length). An
 * `optional` one that is not there is undefined.
 */
export async function readDatedJson(
  file: string,
  now: Date,
  what: string,
  options: { optional?: boolean } = {},
): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.optional) return undefined;
    throw new UsageError(`${file}: the ${what} cannot be read (${code ?? String(e)})`);
  }
  try {
    JSON.parse(text);
  } catch (e) {
    const at = jsonSyntaxAt(text, e);
    throw new UsageError(
      `${file}${at.line === undefined ? '' : `:${at.line}:${at.column}`}: the ${what} is not valid JSON (${at.message})`,
    );
  }
  return JSON.parse(resolveRelativeDates(text, now)) as unknown;
}

export async function startSandbox(
  scenario: Record<string, unknown>,
  registry: readonly AnyConnector[],
  options: SandboxOptions,
): Promise<Sandbox> {
  const emulators = new Map<string, RunningEmulator>();
  const close = async () => {
    await Promise.all([...emulators.values()].map((e) => e.close()));
  };
  try {
    for (const [system, raw] of Object.entries(scenario)) {
      if (options.only && !options.only.includes(system)) continue;
      const connector = registry.find((c) => c.id === system);
      if (!connector)
        throw new UsageError(
          `the scenario names "${system}", which is not a connector (${registry
            .map((c) => c.id)
            .sort()
            .join(', ')})`,
        );
      const parsed = connector.emulator.scenarioSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UsageError(`scenario for ${system}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
      }
      emulators.set(system, await connector.emulator.start(parsed.data, options));
    }
  } catch (e) {
    await close();
    throw e;
  }
  const connectors: Record<string, Record<string, unknown>> = {};
  const env: Record<string, string> = {};
  for (const [system, emulator] of emulators) {
    connectors[system] = emulator.config;
    Object.assign(env, emulator.env);
  }
  return { emulators, connectors, env, close };
}

/**
 * Merge the sandbox's blocks over a template config (which carries lanes mappings and policy).
 * Secrets stay `${VAR}` references: the sandbox's own values go in an environment file
 * (sandboxEnvFile), never into the config, which refuses a secret written into it.
 */
export function sandboxConfig(
  template: Record<string, unknown>,
  sandbox: Pick<Sandbox, 'connectors'>,
): Record<string, unknown> {
  const templateConnectors = (template.connectors ?? {}) as Record<string, Record<string, unknown>>;
  const connectors: Record<string, unknown> = {};
  for (const [system, block] of Object.entries(sandbox.connectors))
    connectors[system] = { ...(templateConnectors[system] ?? {}), ...block };
  return { ...template, connectors };
}

/** The sandbox's environment as a file a POSIX shell sources: `export NAME='value'`, sorted. */
export function sandboxEnvFile(env: Readonly<Record<string, string>>): string {
  const lines = Object.keys(env)
    .sort()
    .map((name) => `export ${name}=${shellQuote(env[name]!)}`);
  return `# The sandbox's emulator endpoints and made-up tokens: . this file, then run lanekeeper scan.\n${lines.join('\n')}\n`;
}
