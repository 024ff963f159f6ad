// The pipeline of DESIGN.md: config + register → collect → classify → evaluate → report →
// history → deliver. Everything after collect is a pure function of its inputs, the
// previous snapshot and the clock.
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { connectors } from '../../connectors/index.js';
import { type EmailInput, renderEmail } from '../../reports/email.js';
import { REPORT_FILES, type ReportInput, renderReport } from '../../reports/index.js';
import { printPdf } from '../../reports/pdf.js';
import { renderSarif } from '../../reports/sarif.js';
import type { FailOn } from '../core/config.js';
import { ExitCode, formatProblem } from '../core/errors.js';
import type { Evaluation } from '../core/evaluation.js';
import type { Finding } from '../core/finding.js';
import type { Logger } from '../core/log.js';
import type { Snapshot } from '../core/model.js';
import { redact } from '../core/redact.js';
import { applyAcceptedRisks } from '../pipeline/accept.js';
import { classifySnapshot } from '../pipeline/classify.js';
import { collect } from '../pipeline/collect.js';
import { loadConfig } from '../pipeline/config/index.js';
import { DeliveryError, sendEmail, shouldSend } from '../pipeline/deliver.js';
import { computeDrift } from '../pipeline/drift.js';
import { summarize } from '../pipeline/evaluate/findings.js';
import { evaluate } from '../pipeline/evaluate/index.js';
import { gateExitCode } from '../pipeline/gate.js';
import { HistoryStore } from '../pipeline/history/store.js';
import { type LoadedRegister, loadRegister, scopeWarnings } from '../pipeline/register/index.js';
import { addRemediation } from '../pipeline/remediation.js';
import { loadShards } from '../pipeline/shards.js';
import { allRules } from '../rules/index.js';
import type { ProgressEvent } from './progress.js';

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
  /** The history database; the config's (or .lanekeeper/history.db) when absent; false keeps no history. */
  historyPath?: string | false;
  /** Send the report as the config's `email` block says. */
  email?: boolean;
  /** Test seam: extra nodemailer transport options. */
  emailTransport?: Record<string, unknown>;
  /** The working directory, for relative paths in SARIF. */
  cwd?: string;
  /** Told as each target is read: the terminal's progress lines. */
  onProgress?: (event: ProgressEvent) => void;
  /** Also print report.html to report.pdf through Chromium. */
  pdf?: boolean;
  /** Judge these saved snapshots (shards from `lanekeeper collect`) instead of collecting: no API is called. */
  inventoryPaths?: readonly string[];
  /** Accept shards collected on different days. */
  allowMixedDays?: boolean;
}

export interface ScanResult {
  exitCode: number;
  complete: boolean;
  snapshot: Snapshot;
  /** Accepted risks removed from findings and counts. */
  evaluation: Evaluation;
  organization: string;
  outDir: string;
  /** Paths written, in a stable order. */
  files: string[];
  /** The findings.json document, for --json. */
  findingsJson: string;
  /** Fingerprints first seen in this scan (empty on a first scan or without history). */
  newFingerprints: ReadonlySet<string>;
  /** off: no history kept; first: nothing to compare with; compared: drift against a previous scan. */
  history: 'off' | 'first' | 'compared';
  /** Findings accepted as risks (out of the counts), and acceptances that lapsed. */
  accepted: number;
  lapsed: number;
  /** Why the email could not be sent, when it could not. */
  deliveryError?: string;
  emailSent: boolean;
}

const TREND_SCANS = 12;

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const cwd = options.cwd ?? process.cwd();
  const offline = (options.inventoryPaths?.length ?? 0) > 0;
  const loaded = await loadConfig(options.configPath, {
    env: options.env,
    connectors,
    offline,
    overrides: {
      ...(options.registerPath ? { register: options.registerPath } : {}),
      ...(options.outDir ? { outDir: options.outDir } : {}),
      ...(options.failOn ? { failOn: options.failOn } : {}),
      ...(options.only ? { only: options.only } : {}),
    },
  });
  const registerPath = loaded.config.registerPath;
  if (!registerPath) throw new Error('no register: pass --register FILE or set "register" in the config');
  const register = await loadRegister(registerPath, {
    knownSystems: connectors.map((c) => c.id),
    displayPath: relative(cwd, registerPath) || registerPath,
    ...(options.relativeDates ? { relativeDates: options.now } : {}),
  });
  const policy = loaded.config.policy;

  // Opened before anything is read, so a database that cannot be used fails the scan early.
  const historyPath =
    options.historyPath === false ? undefined : resolve(cwd, options.historyPath ?? loaded.config.history.path);
  const store = historyPath ? HistoryStore.open(historyPath) : undefined;
  try {
    const timings: Record<string, number> = {};
    let started = performance.now();
    const collected =
      offline && options.inventoryPaths
        ? await loadShards(options.inventoryPaths, { allowMixedDays: options.allowMixedDays === true })
        : await collect(
            loaded.systems.map((s) => ({ connector: s.connector, config: s.config })),
            {
              now: options.now,
              log: options.log,
              ...(options.concurrency ? { concurrency: options.concurrency } : {}),
              ...(options.onProgress ? { onProgress: options.onProgress } : {}),
            },
          );
    timings.collectMs = Math.round(performance.now() - started);
    started = performance.now();

    // Collect classifies as it goes; saved shards are classified under this config's lanes.
    const snapshot = offline ? classifySnapshot(collected, loaded.systems) : collected;
    const complete = snapshot.systems.every((s) => s.ok);
    const previous = store?.previousComplete(options.now.toISOString());
    const drift = previous ? computeDrift(previous.snapshot, snapshot, previous.scannedAt) : undefined;
    const judged = evaluate(
      {
        snapshot,
        register: register.register,
        policy,
        now: options.now,
        ...(drift ? { drift } : {}),
      },
      { enrich: addRemediation },
    );
    const acceptance = applyAcceptedRisks(judged.findings, register.register, options.now);
    const evaluation: Evaluation = { ...judged, findings: acceptance.open, summary: summarize(acceptance.open) };
    timings.evaluateMs = Math.round(performance.now() - started);
    started = performance.now();

    const seen = store?.seen(evaluation.findings.map((f) => f.fingerprint));
    const newFingerprints = new Set(
      previous ? evaluation.findings.filter((f) => !seen?.has(f.fingerprint)).map((f) => f.fingerprint) : [],
    );
    const organization = loaded.config.organization ?? register.register.organization;
    const input: ReportInput = {
      organization,
      now: options.now,
      snapshot,
      evaluation,
      rules: allRules,
      register: {
        path: relative(cwd, registerPath) || registerPath,
        problems: [...register.warnings, ...scopeWarnings(register, snapshot, options.now)].map(formatProblem),
      },
      registerPeople: register.register.people,
      accepted: acceptance.accepted,
      lapsedAcceptances: acceptance.lapsed.map((l) => ({
        finding: l.finding,
        reason: l.risk.reason,
        acceptedBy: l.risk.accepted_by,
        end: l.risk.end,
      })),
      ...(store
        ? {
            history: {
              ...(drift ? { drift } : {}),
              trend: [
                ...store
                  .list()
                  .filter((s) => s.scannedAt < options.now.toISOString())
                  .slice(-(TREND_SCANS - 1))
                  .map((s) => ({ scannedAt: s.scannedAt, counts: s.counts })),
                { scannedAt: options.now.toISOString(), counts: evaluation.summary },
              ],
              firstSeen: Object.fromEntries(
                evaluation.findings.map((f) => [
                  f.fingerprint,
                  seen?.get(f.fingerprint)?.firstSeen ?? options.now.toISOString(),
                ]),
              ),
            },
          }
        : {}),
    };

    const outDir = loaded.config.report.outDir;
    const rendered = new Map<string, string>();
    for (const format of new Set([...loaded.config.report.formats, 'json' as const])) {
      if (format === 'sarif') rendered.set('report.sarif', sarifOf(evaluation.findings, register, registerPath, cwd));
      else rendered.set(REPORT_FILES[format], renderReport(format, input));
    }
    const files = await writeReports(outDir, rendered);
    if (options.pdf) {
      const html = join(outDir, REPORT_FILES.html);
      if (!rendered.has(REPORT_FILES.html))
        await writeReports(outDir, new Map([[REPORT_FILES.html, renderReport('html', input)]]));
      const pdf = join(outDir, 'report.pdf');
      // ChromiumMissingError carries the install line; the other reports are already on disk.
      await printPdf(html, pdf, { env: options.env });
      files.push(pdf);
    }
    timings.reportMs = Math.round(performance.now() - started);

    if (store && historyPath) {
      store.record({
        scannedAt: options.now.toISOString(),
        complete,
        registerText: register.source.text,
        snapshot,
        findings: evaluation.findings,
        timings,
      });
      store.prune(options.now, loaded.config.history.retentionDays);
    }

    const summaryPath = options.env.GITHUB_STEP_SUMMARY;
    if (summaryPath) await appendFile(summaryPath, redact(rendered.get(REPORT_FILES.md) ?? renderReport('md', input)));

    let deliveryError: string | undefined;
    let emailSent = false;
    const email = loaded.config.email;
    if (options.email && email && shouldSend(email.when, evaluation.summary)) {
      const content = renderEmail(emailInput(input, complete, register, newFingerprints, store !== undefined));
      const attach = (name: string, type: string) => ({
        filename: name,
        content:
          rendered.get(name) ??
          renderReport(name === 'report.html' ? 'html' : name === 'access.csv' ? 'csv' : 'json', input),
        contentType: type,
      });
      try {
        await sendEmail(
          email,
          content,
          [
            attach('report.html', 'text/html'),
            attach('findings.json', 'application/json'),
            attach('access.csv', 'text/csv'),
          ],
          options.emailTransport ? { transportOverrides: options.emailTransport } : {},
        );
        emailSent = true;
      } catch (e) {
        deliveryError = e instanceof DeliveryError ? e.message : redact(String(e));
      }
    } else if (options.email && !email) {
      deliveryError = 'no "email" block in the config: nothing to send the report to';
    }

    const gate = gateExitCode({
      findings: evaluation.findings,
      complete,
      failOn: policy.failOn,
      allowPartial: options.allowPartial,
    });
    // An unreadable system outranks a failed delivery: the report itself cannot be trusted then.
    const exitCode = gate !== ExitCode.INCOMPLETE && deliveryError ? ExitCode.DELIVERY_FAILED : gate;
    return {
      exitCode,
      complete,
      snapshot,
      evaluation,
      organization,
      outDir,
      files,
      findingsJson: rendered.get(REPORT_FILES.json) ?? '',
      newFingerprints,
      history: !store ? 'off' : previous ? 'compared' : 'first',
      accepted: acceptance.accepted.length,
      lapsed: acceptance.lapsed.length,
      emailSent,
      ...(deliveryError ? { deliveryError } : {}),
    };
  } finally {
    store?.close();
  }
}

function emailInput(
  input: ReportInput,
  complete: boolean,
  register: LoadedRegister,
  newFingerprints: Set<string>,
  withHistory: boolean,
): EmailInput {
  const now = input.now.getTime();
  return {
    organization: input.organization,
    now: input.now,
    complete,
    failed: input.snapshot.systems.filter((s) => !s.ok).map((s) => `${s.system} ${s.target}: ${s.error ?? 'failed'}`),
    evaluation: input.evaluation,
    register: register.register,
    ...(input.history?.drift ? { drift: input.history.drift } : {}),
    newFingerprints,
    ...(withHistory && input.history
      ? {
          openDays: new Map(
            Object.entries(input.history.firstSeen).map(([fp, at]) => [
              fp,
              Math.floor((now - Date.parse(at)) / 86_400_000),
            ]),
          ),
          trend: input.history.trend.map((t) => ({
            date: t.scannedAt.slice(0, 10),
            total: Object.values(t.counts).reduce((a, b) => a + b, 0),
            counts: t.counts,
          })),
        }
      : {}),
  };
}

/** SARIF locates each finding at its person's entry in the register, or the register's first line. */
function sarifOf(findings: readonly Finding[], register: LoadedRegister, registerPath: string, cwd: string): string {
  const uri = (relative(cwd, registerPath) || registerPath).split(sep).join('/');
  const index = new Map(register.register.people.map((p, i) => [p.id, i]));
  return renderSarif({
    findings,
    rules: allRules,
    toolVersion: TOOL_VERSION,
    locate: (f) => {
      const i = f.person === undefined ? undefined : index.get(f.person);
      return { uri, line: (i === undefined ? undefined : register.lineOf(['people', i])) ?? 1 };
    },
  });
}

const TOOL_VERSION = (
  JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Each file is written beside its final name and renamed, so a reader never sees half a report. */
async function writeReports(outDir: string, files: Map<string, string>): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const name of [...files.keys()].sort()) {
    const path = join(outDir, name);
    const tmp = `${path}.tmp-${process.pid}`;
    // The redactor is the last line of defence: no token reaches a file even if a record carried one.
    await writeFile(tmp, redact(files.get(name) ?? ''));
    await rename(tmp, path);
    written.push(path);
  }
  return written;
}
