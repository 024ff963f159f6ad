// `lanekeeper demo`: the sandbox of the demo company, a scan against it with the same
// code a customer runs, and the reports. No account, no network beyond loopback.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectors } from '../../connectors/index.js';
import { resolveRelativeDates } from '../core/dates.js';
import { applyPatch, type PatchOperation } from '../core/json-patch.js';
import type { Logger } from '../core/log.js';
import { PACKAGE_ROOT } from '../core/version.js';
import { loadScenario, type Sandbox, sandboxConfig, startSandbox } from './sandbox.js';
import { type ScanOptions, type ScanResult, scan } from './scan.js';

/** The demo company: shipped in the package beside dist/, found from the package root either way. */
export const DEMO_DIR = join(PACKAGE_ROOT, 'examples', 'demo');

export interface DemoOptions {
  outDir: string;
  now: Date;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  /** Keep history between demo runs in this file (none when absent). */
  historyPath?: string;
  /** Play the following week of the story: the clock a week on, and next-week.json's changes. */
  nextWeek?: boolean;
  onProgress?: ScanOptions['onProgress'];
  pdf?: boolean;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Writes dir/config.json: the demo's config (lanes, policy) pointing at a running sandbox, with
 * the given register (the demo's own, whose `$today` dates the scan resolves, by default).
 */
export async function writeDemoConfig(
  sandbox: Pick<Sandbox, 'connectors' | 'env'>,
  dir: string,
  register = join(DEMO_DIR, 'register.yaml'),
  now = new Date(),
): Promise<string> {
  const template = await readConfigTemplate(join(DEMO_DIR, 'config.json'), now);
  const config: Record<string, unknown> = { ...sandboxConfig(template, sandbox, false), register };
  // The template's "$schema" points at the repository's config.schema.json, relative to examples/demo.
  delete config.$schema;
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return configPath;
}

/**
 * A config template (the demo's, or one beside a scenario), its `$today+90d` dates resolved
 * against the clock: an empty template when there is none.
 */
export async function readConfigTemplate(path: string, now: Date): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(resolveRelativeDates(await readFile(path, 'utf8'), now)) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}

export async function runDemo(options: DemoOptions): Promise<ScanResult> {
  const now = options.nextWeek ? new Date(options.now.getTime() + WEEK_MS) : options.now;
  let scenario = await loadScenario(join(DEMO_DIR, 'scenario.json'), now);
  if (options.nextWeek) scenario = await nextWeekOf(scenario, now);
  const sandbox = await startSandbox(scenario, connectors, { now });
  const work = await mkdtemp(join(tmpdir(), 'lanekeeper-demo-'));
  try {
    const configPath = await writeDemoConfig(sandbox, work, undefined, now);
    return await scan({
      configPath,
      outDir: options.outDir,
      failOn: 'none',
      allowPartial: false,
      now,
      historyPath: options.historyPath ?? false,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.pdf ? { pdf: true } : {}),
      env: { ...options.env, ...sandbox.env },
      log: options.log,
      relativeDates: true,
    });
  } finally {
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** Applies examples/demo/next-week.json (JSON Patch per system) to the scenario. */
async function nextWeekOf(scenario: Record<string, unknown>, now: Date): Promise<Record<string, unknown>> {
  const text = resolveRelativeDates(await readFile(join(DEMO_DIR, 'next-week.json'), 'utf8'), now);
  const patches = JSON.parse(text) as Record<string, unknown>;
  const out = { ...scenario };
  for (const [system, operations] of Object.entries(patches)) {
    if (!Array.isArray(operations) || !(system in out)) continue;
    out[system] = applyPatch(out[system], operations as PatchOperation[]);
  }
  return out;
}
