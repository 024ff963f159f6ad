// `lanekeeper demo`: the sandbox of the demo company, a scan against it with the same
// code a customer runs, and the reports. No account, no network beyond loopback.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { connectors } from '../../connectors/index.js';
import { checkPdfPrinter } from '../../reports/pdf.js';
import { resolveRelativeDates } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import { applyPatch, type PatchOperation } from '../core/json-patch.js';
import { createLogger, type Logger } from '../core/log.js';
import { writeFileSafely } from '../core/safe-write.js';
import { PACKAGE_ROOT } from '../core/version.js';
import { loadScenario, readDatedJson, type Sandbox, sandboxConfig, startSandbox } from './sandbox.js';
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
  /** Where the user runs it: the reports name their files from here. */
  cwd?: string;
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
  const config: Record<string, unknown> = { ...sandboxConfig(template, sandbox), register };
  // The template's "$schema" points at the repository's config.schema.json, relative to examples/demo.
  delete config.$schema;
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return configPath;
}

/**
 * A config template (the demo's, or one beside a scenario), its `$today+90d` dates resolved
 * against the clock. An optional one (beside a scenario) may be absent: an empty template then;
 * one the user named must be there. One that cannot be read or parsed is bad input, named.
 */
export async function readConfigTemplate(
  path: string,
  now: Date,
  options: { optional?: boolean } = {},
): Promise<Record<string, unknown>> {
  const template = await readDatedJson(path, now, 'config template', options);
  if (template === undefined) return {};
  if (typeof template !== 'object' || template === null || Array.isArray(template))
    throw new UsageError(`${path}: a config template is a JSON object, as a config is`);
  return template as Record<string, unknown>;
}

export async function runDemo(options: DemoOptions): Promise<ScanResult> {
  // Before the first week too: a PDF that cannot be printed is known before anything is served.
  if (options.pdf) await checkPdfPrinter(options.env);
  if (!options.nextWeek || options.historyPath) return demoWeek(options, options.historyPath);
  // The second week shows what changed since the first: without a history of the caller's,
  // the first week is scanned into a temporary one (its reports are not kept).
  const work = await mkdtemp(join(tmpdir(), 'lanekeeper-demo-history-'));
  try {
    const historyPath = join(work, 'history.db');
    const quiet = { ...options, nextWeek: false, outDir: join(work, 'week1'), log: createLogger('quiet', () => {}) };
    delete quiet.onProgress;
    delete quiet.pdf;
    await demoWeek(quiet, historyPath);
    return await demoWeek(options, historyPath);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function demoWeek(options: DemoOptions, historyPath: string | undefined): Promise<ScanResult> {
  // The story's dates ($today in the scenario, register and config) are the first week's: a week
  // on, the same register and systems are a week older, and only next-week.json's changes are new.
  const written = options.now;
  const now = options.nextWeek ? new Date(written.getTime() + WEEK_MS) : written;
  let scenario = await loadScenario(join(DEMO_DIR, 'scenario.json'), written);
  if (options.nextWeek) scenario = await nextWeekOf(scenario, now);
  const sandbox = await startSandbox(scenario, connectors, { now });
  const work = await mkdtemp(join(tmpdir(), 'lanekeeper-demo-'));
  try {
    const configPath = await writeDemoConfig(sandbox, work, undefined, written);
    const result = await scan({
      configPath,
      outDir: options.outDir,
      failOn: 'none',
      allowPartial: false,
      now,
      historyPath: historyPath ?? false,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.pdf ? { pdf: true } : {}),
      env: { ...options.env, ...sandbox.env },
      log: options.log,
      relativeDates: written,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      // The emulators are gone once the demo ends: offboard reads the inventory and register it wrote.
      offboardArgs: [
        '--inventory',
        relative(options.cwd ?? process.cwd(), join(options.outDir, 'inventory.json')),
        '--register',
        relative(options.cwd ?? process.cwd(), join(options.outDir, 'register.yaml')),
      ],
    });
    return { ...result, files: [...result.files, ...(await writeDemoInputs(options.outDir, sandbox, written))] };
  } finally {
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The register and config the demo scanned with, beside its reports, so the commands a user
 * runs next (offboard, register check, request, register diff) work on them as on their own:
 * the register's `$today` dates are resolved to the story's first week; the config names the register
 * and the secrets as a company's config would (no emulator endpoints: the emulators are gone).
 */
async function writeDemoInputs(
  outDir: string,
  sandbox: Pick<Sandbox, 'connectors' | 'env'>,
  now: Date,
): Promise<string[]> {
  const registerPath = join(outDir, 'register.yaml');
  const template = await readFile(join(DEMO_DIR, 'register.yaml'), 'utf8');
  await writeFileSafely(
    registerPath,
    resolveRelativeDates(template.replace(DEMO_DATES_NOTE, RESOLVED_DATES_NOTE(now)), now),
  );
  const { $schema: _schema, ...config } = sandboxConfig(
    await readConfigTemplate(join(DEMO_DIR, 'config.json'), now),
    sandbox,
  );
  const blocks = config.connectors as Record<string, Record<string, unknown>>;
  for (const connector of connectors) {
    const block = blocks[connector.id];
    for (const endpoint of connector.endpoints ?? []) delete block?.[endpoint.field];
  }
  const text = JSON.stringify({ ...config, register: 'register.yaml' }, null, 2).replaceAll(
    '${LANEKEEPER_SANDBOX_',
    '${',
  );
  const configPath = join(outDir, 'lanekeeper.json');
  await writeFileSafely(configPath, `${text}\n`);
  return [registerPath, configPath];
}

const DEMO_DATES_NOTE = /^# and which employee owns the approval\. Dates like \$today[^\n]*\n(?:#[^\n]*\n)*/m;
const RESOLVED_DATES_NOTE = (now: Date) =>
  `# and which employee owns the approval. Written by \`lanekeeper demo\` with the demo's dates\n# resolved to the days around ${now.toISOString().slice(0, 10)}.\n`;

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
