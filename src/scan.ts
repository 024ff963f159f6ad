// The pipeline of DESIGN.md: config + register → collect → classify → evaluate → report.
// Everything after collect is a pure function of its inputs and the clock.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { connectors } from '../connectors/index.js';
import { REPORT_FILES, type ReportFormat, renderReport } from '../reports/index.js';
import { collect } from './collect.js';
import { loadConfig } from './config/index.js';
import type { FailOn } from './config/schema.js';
import { evaluate } from './evaluate/index.js';
import type { Evaluation } from './evaluate/types.js';
import { gateExitCode } from './gate.js';
import { classifySnapshot } from './inventory.js';
import type { Logger } from './log.js';
import type { Snapshot } from './model.js';
import { redact } from './redact.js';
import { loadRegister, scopeWarnings } from './register/index.js';
import { formatProblem } from './errors.js';
import { allRules } from './rules/index.js';

export interface ScanOptions {
  configPath: string;
  /** Overrides the config's register path. */
  registerPath?: string;
  /** Overrides the config's report.outDir. */
  outDir?: string;
  /** Overrides the config's policy.failOn. */
  failOn?: FailOn;
  /** Only these connector ids. */
  only?: readonly string[];
  allowPartial: boolean;
  now: Date;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** Resolve `$today-…` tokens in the register (the demo's register is written that way). */
  relativeDates?: boolean;
  /** Overrides every system's concurrency (1 = sequential baseline). */
  concurrency?: number;
}

export interface ScanResult {
  exitCode: number;
  complete: boolean;
  snapshot: Snapshot;
  evaluation: Evaluation;
  organization: string;
  outDir: string;
  /** Paths written, in a stable order. */
  files: string[];
  /** The findings.json document, for --json. */
  findingsJson: string;
}

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const loaded = await loadConfig(options.configPath, { env: options.env, connectors });
  const knownSystems = connectors.map((c) => c.id);
  const registerPath = options.registerPath ?? loaded.config.registerPath;
  if (!registerPath) throw new Error('no register: pass --register FILE or set "register" in the config');
  const register = await loadRegister(registerPath, {
    knownSystems,
    ...(options.relativeDates ? { relativeDates: options.now } : {}),
  });

  const systems = loaded.systems.filter((s) => !options.only || options.only.includes(s.connector.id));
  for (const s of systems) options.log.info(`reading ${s.connector.title}…`);
  const collected = await collect(
    systems.map((s) => ({ connector: s.connector, config: s.config })),
    { now: options.now, log: options.log, ...(options.concurrency ? { concurrency: options.concurrency } : {}) },
  );
  const snapshot = classifySnapshot(collected, systems);
  const policy = { ...loaded.config.policy, ...(options.failOn ? { failOn: options.failOn } : {}) };
  const evaluation = evaluate({ snapshot, register: register.register, policy, now: options.now });
  const complete = snapshot.systems.every((s) => s.ok);
  const organization = loaded.config.organization ?? register.register.organization;

  const outDir = resolve(options.outDir ?? loaded.config.report.outDir);
  const input = {
    organization,
    now: options.now,
    snapshot,
    evaluation,
    rules: allRules,
    register: { path: registerPath, problems: [...register.warnings, ...scopeWarnings(register, snapshot)].map(formatProblem) },
  };
  const formats = new Set<ReportFormat>(loaded.config.report.formats as ReportFormat[]);
  formats.add('json');
  const files = await writeReports(outDir, [...formats], (format) => renderReport(format, input));
  const findingsJson = renderReport('json', input);

  return {
    exitCode: gateExitCode({
      findings: evaluation.findings,
      complete,
      failOn: policy.failOn,
      allowPartial: options.allowPartial,
    }),
    complete,
    snapshot,
    evaluation,
    organization,
    outDir,
    files,
    findingsJson,
  };
}

/** Each file is written beside its final name and renamed, so a reader never sees half a report. */
async function writeReports(
  outDir: string,
  formats: ReportFormat[],
  render: (f: ReportFormat) => string,
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const format of [...formats].sort()) {
    const path = join(outDir, REPORT_FILES[format]);
    const tmp = `${path}.tmp-${process.pid}`;
    // The redactor is the last line of defence: no token reaches a file even if a record carried one.
    await writeFile(tmp, redact(render(format)));
    await rename(tmp, path);
    written.push(path);
  }
  return written;
}
