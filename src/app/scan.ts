// `lanekeeper scan` (and the demo, which runs it against its sandbox): the stages of DESIGN.md
// composed in order. Each stage lives in src/pipeline/; this file only says in what order they
// run and what each hands the next. Everything after collect is a pure function of its inputs,
// the previous snapshot and the clock.
import { appendFile, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { connectors } from '../../connectors/index.js';
import type { Action } from '../../reports/actions.js';
import { REPORT_FILES, renderReport, reportChunks } from '../../reports/index.js';
import { JOB_SUMMARY_BYTES, jobSummary } from '../../reports/job-summary.js';
import { checkPdfPrinter, printPdf } from '../../reports/pdf.js';
import { AccountMap } from '../core/account-map.js';
import { type Completeness, completeness } from '../core/completeness.js';
import type { FailOn } from '../core/config.js';
import { sha256 } from '../core/digest.js';
import type { Drift } from '../core/drift.js';
import { ExitCode, formatProblem, noRegisterError, UsageError } from '../core/errors.js';
import type { Evaluation } from '../core/evaluation.js';
import type { Finding } from '../core/finding.js';
import type { Logger } from '../core/log.js';
import type { Snapshot } from '../core/model.js';
import { redact, redactEach } from '../core/redact.js';
import { applyAcceptedRisks, unmatchedRiskIssues } from '../pipeline/accept.js';
import { AnswerStore } from '../pipeline/answers.js';
import { classifySnapshot } from '../pipeline/classify.js';
import { collect, type ProgressEvent } from '../pipeline/collect.js';
import { loadConfig, unmatchedLaneGlobs } from '../pipeline/config/index.js';
import { DeliveryError, fitAttachments, sendEmail, shouldSend } from '../pipeline/deliver.js';
import { comparability, computeDrift } from '../pipeline/drift.js';
import { summarize } from '../pipeline/evaluate/findings.js';
import { evaluate } from '../pipeline/evaluate/index.js';
import { gateExitCode } from '../pipeline/gate.js';
import { HistoryStore, type SeenDates } from '../pipeline/history/store.js';
import { limitTargets, missingTargets, parseOnly, type RunScope } from '../pipeline/only.js';
import { loadRegister, scopeWarnings } from '../pipeline/register/index.js';
import { addRemediation } from '../pipeline/remediation.js';
import { emailInput, reportActions, reportInput, writeReportFiles } from '../pipeline/report.js';
import { loadShards } from '../pipeline/shards.js';
import { allRules } from '../rules/index.js';

export interface ScanOptions {
  configPath: string;
  /** Overrides the config's register path. */
  registerPath?: string;
  /**
   * What the reports' `lanekeeper offboard` commands read, after the person; by default the
   * config this scan read (and the register it was given), as named from the working directory.
   */
  offboardArgs?: readonly string[];
  /** Overrides the config's report.outDir. */
  outDir?: string;
  /** Overrides the config's policy.failOn. */
  failOn?: FailOn;
  /** `--only` values: whole systems or some targets of one (see pipeline/only.ts). */
  only?: readonly string[];
  allowPartial: boolean;
  now: Date;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /**
   * Resolve `$today-…` tokens in the register (the demo's register is written that way): true
   * against the scan's clock, or a date the register was written on.
   */
  relativeDates?: boolean | Date;
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
  /** Failed targets and gaps, open and acknowledged. */
  completeness: Completeness;
  snapshot: Snapshot;
  /** Accepted risks removed from findings and counts. */
  evaluation: Evaluation;
  organization: string;
  outDir: string;
  /** Paths written, in a stable order. */
  files: string[];
  /** The findings.json this scan wrote (always), for --json. */
  findingsPath: string;
  /** Fingerprints first seen in this scan (empty on a first scan or without history). */
  newFingerprints: ReadonlySet<string>;
  /** What to do first, as the reports show it. */
  actions: readonly Action[];
  /** off: no history kept; first: nothing to compare with; compared: drift against a previous scan. */
  history: 'off' | 'first' | 'compared';
  /** Findings accepted as risks (out of the counts), and acceptances that lapsed. */
  accepted: number;
  lapsed: number;
  /** Why the email could not be sent, when it could not. */
  deliveryError?: string;
  /** Why report.pdf could not be printed, when it could not (its other reports are written). */
  pdfError?: string;
  emailSent: boolean;
}

/** Scans before this one shown in the trend. */
const TREND_SCANS = 12;

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const cwd = options.cwd ?? process.cwd();
  const offline = (options.inventoryPaths?.length ?? 0) > 0;
  const scope = parseOnly(options.only ?? []);

  // 1. Inputs: the config, the register, the history. Bad input stops here, before any call.
  const loaded = await loadConfig(options.configPath, {
    env: options.env,
    connectors,
    offline,
    overrides: {
      ...(options.registerPath ? { register: options.registerPath } : {}),
      ...(options.outDir ? { outDir: options.outDir } : {}),
      ...(options.failOn ? { failOn: options.failOn } : {}),
      ...(scope.size > 0 ? { only: [...scope.keys()] } : {}),
    },
  });
  for (const warning of loaded.warnings) options.log.warn(warning);
  // Known before anything is read: a full scan is not spent on a report with nowhere to go.
  if (options.email && !loaded.config.email)
    throw new UsageError(
      `--email: ${relative(cwd, options.configPath) || options.configPath} has no "email" block, so there is nowhere to send the report: add one (the README's Email section shows how) or leave out --email`,
    );
  if (options.pdf) await checkPdfPrinter(options.env);
  const registerPath = loaded.config.registerPath;
  if (!registerPath) throw noRegisterError(options.configPath);
  const registerDisplayPath = relative(cwd, registerPath) || registerPath;
  const register = await loadRegister(registerPath, {
    knownSystems: connectors.map((c) => c.id),
    displayPath: registerDisplayPath,
    ...(options.relativeDates
      ? { relativeDates: options.relativeDates === true ? options.now : options.relativeDates }
      : {}),
  });
  /**
   * What the reports' `lanekeeper offboard` commands read: a live scan's config (offboard reads
   * the systems afresh with it), or, for a scan of saved shards (the merging job may hold no
   * token), the inventory.json this scan writes with the register it judged.
   */
  const offboardSource = (): string[] => {
    const inventory = join(loaded.config.report.outDir, REPORT_FILES.inventory);
    if (offline && loaded.config.report.formats.includes('inventory'))
      return ['--inventory', relative(cwd, inventory) || inventory, '--register', registerDisplayPath];
    return [
      '--config',
      relative(cwd, options.configPath) || options.configPath,
      ...(options.registerPath ? ['--register', registerDisplayPath] : []),
    ];
  };
  const policy = loaded.config.policy;
  const historyPath =
    options.historyPath === false ? undefined : resolve(cwd, options.historyPath ?? loaded.config.history.path);
  // Opened before anything is read, so a database that cannot be used fails the scan early.
  const store = historyPath ? HistoryStore.open(historyPath) : undefined;
  try {
    // 2. Collect (the only stage that calls out) or merge saved shards; classify.
    const timings: Record<string, number> = {};
    let started = performance.now();
    const snapshot = offline
      ? withinScope(
          classifySnapshot(
            await loadShards(options.inventoryPaths ?? [], {
              allowMixedDays: options.allowMixedDays === true,
              // The shards must hold every system this config enables, for this company and register.
              expect: {
                systems: loaded.systems.map((s) => s.connector.id),
                organization: loaded.config.organization ?? register.register.organization,
                registerDigest: sha256(register.source.text),
              },
            }),
            loaded.systems,
          ),
          scope,
          options.now,
        )
      : await collectInScope(loaded.systems, scope, options, store);
    timings.collectMs = Math.round(performance.now() - started);
    // Lanes globs naming nothing a fully read system holds: a typo there silently reclassifies.
    // Named as the register is, relative to the working directory, so reports stay byte for byte.
    const narrowed = new Set([...scope].filter(([, targets]) => targets !== undefined).map(([system]) => system));
    const laneWarnings = unmatchedLaneGlobs(loaded, snapshot, narrowed).map((w) =>
      w.file ? { ...w, file: relative(cwd, w.file) || w.file } : w,
    );
    for (const warning of laneWarnings) options.log.warn(formatProblem(warning));
    started = performance.now();

    // 3. Judge: drift against the last complete scan, the rules, their fixes, accepted risks.
    // Complete only when every target in scope was read and every gap is acknowledged by the config.
    // A scan narrowed by --only says so: the history never compares a later scan with it.
    const verdict = completeness(snapshot, loaded.config.coverage.accept, options.now, scope);
    const complete = verdict.complete;
    const compared = store ? driftSinceLastComplete(store, snapshot, options.now) : undefined;
    const drift = compared?.drift;
    const judged = evaluate(
      { snapshot, register: register.register, policy, now: options.now, ...(drift ? { drift } : {}) },
      { enrich: addRemediation },
    );
    // An acceptance may name an account by its login as the reports show it, or by its id.
    const logins =
      register.register.accepted_risks.length > 0
        ? AccountMap.of(snapshot.accounts, (a) => [a.system, a.target, a.id, a.login])
        : undefined;
    const acceptance = applyAcceptedRisks(judged.findings, register.register, options.now, (f) =>
      logins?.get(f.system, f.target, f.account),
    );
    const evaluation: Evaluation = { ...judged, findings: acceptance.open, summary: summarize(acceptance.open) };
    timings.evaluateMs = Math.round(performance.now() - started);
    started = performance.now();

    // 4. Report.
    const seen = store?.seen(evaluation.findings.map((f) => f.fingerprint));
    const runStarts = seen ? currentRuns(evaluation.findings, snapshot, seen, compared, options.now) : undefined;
    // New since the last scan: absent from the scan compared with, so its run starts now.
    const now = options.now.toISOString();
    const newFingerprints = new Set(
      drift ? evaluation.findings.filter((f) => runStarts?.get(f.fingerprint) === now).map((f) => f.fingerprint) : [],
    );
    const organization = loaded.config.organization ?? register.register.organization;
    const input = reportInput({
      organization,
      now: options.now,
      snapshot,
      completeness: verdict,
      evaluation,
      rules: allRules,
      register,
      registerDisplayPath,
      offboardArgs: options.offboardArgs ?? offboardSource(),
      registerProblems: [
        ...register.warnings,
        ...scopeWarnings(register, snapshot, options.now),
        // Only a complete scan of everything would have found what an acceptance names.
        ...(complete && !verdict.narrowedTo
          ? unmatchedRiskIssues(register.register, acceptance.unmatched).map(register.toProblem)
          : []),
        ...laneWarnings,
      ].map(formatProblem),
      acceptance,
      ...(store
        ? {
            history: {
              ...(drift ? { drift } : {}),
              // The trend compares like with like: full scans, or scans narrowed to this same scope.
              earlier: store
                .list()
                .filter((s) => s.scannedAt < options.now.toISOString() && sameScope(s.scope, verdict.narrowedTo))
                .slice(-(TREND_SCANS - 1))
                .map((s) => ({ scannedAt: s.scannedAt, counts: s.counts })),
              // "Open for N days" counts from the start of the current run, not the first sighting ever.
              firstSeen: runStarts ?? new Map(),
            },
          }
        : {}),
    });
    const outDir = loaded.config.report.outDir;
    // The PDF is printed from report.html: written with the others when the config leaves it out.
    const configured = loaded.config.report.formats;
    const formats = options.pdf && !configured.includes('html') ? [...configured, 'html' as const] : configured;
    // No report is held through the scan (at scale each is tens of MB): a later step that needs one
    // (attachments for the email) reads it back from disk; the job summary renders report.md's
    // first pieces again, as many as GitHub shows.
    const { paths: files } = await writeReportFiles(outDir, input, formats, { register, registerPath, cwd });
    // The reports folder as the reader knows it, for the job summary and the email to point at.
    const reportsFolder = relative(cwd, outDir) || '.';
    // A report the config asks for is on disk; one it does not is rendered when a step needs it.
    const written = (format: EmailReport['format']): string | undefined => {
      const path = join(outDir, REPORT_FILES[format]);
      return files.includes(path) ? path : undefined;
    };
    const reportText = async (format: EmailReport['format']): Promise<string> => {
      const path = written(format);
      return path ? readFile(path, 'utf8') : renderReport(format, input);
    };
    /** Its size in bytes, counted piece by piece when it is not on disk: never one string to measure. */
    const reportBytes = async (format: EmailReport['format']): Promise<number> => {
      const path = written(format);
      if (path) return (await stat(path)).size;
      let bytes = 0;
      for (const piece of redactEach(reportChunks(format, input))) bytes += Buffer.byteLength(piece);
      return bytes;
    };
    // What printing needs was checked before the scan: a print that fails now is a delivery that
    // failed (exit 4, as an email would), and the history, job summary and verdict still follow.
    let pdfError: string | undefined;
    if (options.pdf) {
      const pdf = join(outDir, 'report.pdf');
      try {
        await printPdf(join(outDir, REPORT_FILES.html), pdf, { env: options.env });
        files.push(pdf);
      } catch (e) {
        pdfError = redact(e instanceof Error ? e.message : String(e));
      }
    }
    timings.reportMs = Math.round(performance.now() - started);

    // 5. History: this scan becomes the next one's "previous".
    if (store) {
      store.record({
        scannedAt: options.now.toISOString(),
        complete,
        ...(verdict.narrowedTo ? { scope: verdict.narrowedTo } : {}),
        registerText: register.source.text,
        snapshot,
        findings: evaluation.findings,
        timings,
        ...(runStarts ? { runStarts } : {}),
      });
      store.prune(options.now, loaded.config.history.retentionDays);
    }
    const summaryPath = options.env.GITHUB_STEP_SUMMARY;
    if (summaryPath) {
      // What an earlier command of the same step wrote counts against the same 1 MiB.
      const before = await stat(summaryPath).then(
        (s) => s.size,
        () => 0,
      );
      const pieces = redactEach(reportChunks('md', input));
      await appendFile(summaryPath, jobSummary(pieces, JOB_SUMMARY_BYTES - before, reportsFolder));
    }

    // 6. Deliver, then the gate's verdict.
    let deliveryError: string | undefined;
    let emailSent = false;
    const email = loaded.config.email;
    if (options.email && email && shouldSend(email.when, evaluation.summary)) {
      // The email renderer (and its CSS inliner) loads only when a report is sent.
      const { renderEmail } = await import('../../reports/email.js');
      // The reports go with the message while they fit together (maxAttachmentsMB): a mail server
      // refuses a whole message past its limit. One that does not fit is named in the message.
      const candidates = await Promise.all(
        EMAIL_REPORTS.map(async (r) => ({
          ...r,
          filename: REPORT_FILES[r.format],
          bytes: await reportBytes(r.format),
        })),
      );
      const fit = fitAttachments(candidates, email.maxAttachmentsMB * 1_000_000);
      const content = renderEmail(
        emailInput(input, register, newFingerprints, {
          attached: fit.attached.map((a) => a.filename),
          tooLarge: fit.tooLarge.map((a) => ({ name: a.filename, bytes: a.bytes })),
          folder: reportsFolder,
        }),
      );
      try {
        await sendEmail(
          email,
          content,
          await Promise.all(
            fit.attached.map(async (a) => ({
              filename: a.filename,
              content: await reportText(a.format),
              contentType: a.contentType,
            })),
          ),
          options.emailTransport ? { transportOverrides: options.emailTransport } : {},
        );
        emailSent = true;
      } catch (e) {
        deliveryError = e instanceof DeliveryError ? e.message : redact(String(e));
      }
    }

    const gate = gateExitCode({
      findings: evaluation.findings,
      complete,
      failOn: policy.failOn,
      allowPartial: options.allowPartial,
    });
    // An unreadable system outranks a failed delivery: the report itself cannot be trusted then.
    const exitCode = gate !== ExitCode.INCOMPLETE && (deliveryError || pdfError) ? ExitCode.DELIVERY_FAILED : gate;
    return {
      exitCode,
      complete,
      completeness: verdict,
      snapshot,
      evaluation,
      organization,
      outDir,
      files,
      findingsPath: join(outDir, REPORT_FILES.json),
      newFingerprints,
      actions: reportActions(input),
      history: !store ? 'off' : drift ? 'compared' : 'first',
      accepted: acceptance.accepted.length,
      lapsed: acceptance.lapsed.length,
      emailSent,
      ...(deliveryError ? { deliveryError } : {}),
      ...(pdfError ? { pdfError } : {}),
    };
  } finally {
    store?.close();
  }
}

/** The reports the email carries, most wanted first: the report, the access-review sheet, the findings. */
const EMAIL_REPORTS = [
  { format: 'html', contentType: 'text/html' },
  { format: 'csv', contentType: 'text/csv' },
  { format: 'json', contentType: 'application/json' },
] as const;
type EmailReport = (typeof EMAIL_REPORTS)[number];

/**
 * Collect every configured system, only the targets `--only` names where it names some. With a
 * history, the previous scan's answers make an unchanged re-read nearly free (conditional
 * requests), and this scan's are kept for the next one as soon as collection ends (see
 * HistoryStore.keepAnswers): they live only as long as this function.
 */
async function collectInScope(
  systems: Awaited<ReturnType<typeof loadConfig>>['systems'],
  scope: ReturnType<typeof parseOnly>,
  options: ScanOptions,
  store: HistoryStore | undefined,
): Promise<Snapshot> {
  const answers = store ? new AnswerStore(store.answers()) : undefined;
  const snapshot = await collect(
    systems.map((s) => ({ connector: limitTargets(s.connector, scope.get(s.connector.id)), config: s.config })),
    {
      now: options.now,
      log: options.log,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(answers ? { answers } : {}),
    },
  );
  snapshot.systems.push(...missingTargets(snapshot.systems, scope, options.now));
  if (store && answers) store.keepAnswers(snapshot.systems, answers.kept());
  return snapshot;
}

/**
 * A saved inventory cut to `--only`, as collecting would have read it: systems and targets out of
 * scope are left out, and a target named that the inventory does not hold is a failed target.
 */
function withinScope(snapshot: Snapshot, scope: RunScope, now: Date): Snapshot {
  if (scope.size === 0) return snapshot;
  const matchers = new Map(
    [...scope].map(([system, targets]) => [
      system,
      targets === undefined ? () => true : picomatch(targets as string[], { dot: true }),
    ]),
  );
  // A whole system that failed (target "*") stays: it is in scope whatever its targets.
  const keep = (r: { system: string; target: string }) =>
    r.target === '*' ? matchers.has(r.system) : (matchers.get(r.system)?.(r.target) ?? false);
  // A record whose target is wider than the statuses (a GCP grant on organizations/1 for a project
  // read as its own target) is in scope when its resource lies in a target that is. A system out of
  // scope has none: its records (most of a large inventory) are not split into prefixes.
  const within = (r: { system: string; target: string; resource?: string | undefined }) =>
    keep(r) ||
    (r.resource !== undefined &&
      matchers.has(r.system) &&
      prefixes(r.resource).some((p) => keep({ system: r.system, target: p })));
  const systems = snapshot.systems.filter(keep);
  const grants = snapshot.grants.filter(within);
  const credentials = snapshot.credentials.filter(within);
  // Accounts of a wider target: those holding what stayed in scope.
  const holding = new Set([...grants, ...credentials].map((r) => JSON.stringify([r.system, r.target, r.account])));
  return {
    ...snapshot,
    ...(snapshot.skipped ? { skipped: snapshot.skipped.filter(keep) } : {}),
    systems: [...systems, ...missingTargets(systems, scope, now)],
    accounts: snapshot.accounts.filter((a) => keep(a) || holding.has(JSON.stringify([a.system, a.target, a.id]))),
    grants,
    credentials,
    secrets: snapshot.secrets.filter(within),
  };
}

/** "projects/x/buckets/b" → ["projects", "projects/x", "projects/x/buckets", "projects/x/buckets/b"]. */
function prefixes(resource: string): string[] {
  const parts = resource.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Whether two scans read the same scope: both full, or narrowed to the same `--only` values. */
function sameScope(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return (a ?? []).join('\n') === (b ?? []).join('\n');
}

/**
 * What changed since the last complete full scan. That scan's snapshot is as large as this one (over
 * 100 MB of live objects for 200,000 grants) and is needed for the drift alone: read here, it is
 * not held through evaluation and reporting beside this scan's.
 */
function driftSinceLastComplete(store: HistoryStore, snapshot: Snapshot, now: Date): Comparison | undefined {
  const previous = store.previousComplete(now.toISOString());
  if (!previous) return undefined;
  return {
    drift: computeDrift(previous.snapshot, snapshot, previous.scannedAt),
    since: previous.scannedAt,
    // Built from the two scans' target statuses alone: the previous snapshot is not held.
    comparable: comparability(previous.snapshot, snapshot).comparable,
  };
}

/** This scan against the last complete full scan. */
interface Comparison {
  drift: Drift;
  /** When the scan compared with ran. */
  since: string;
  /** Whether a record of this system/target/resource was read in full in both scans. */
  comparable: (system: string, target: string, resource?: string) => boolean;
}

/**
 * When each finding's current run of presence began: the date "open for N days" counts from. A
 * finding the scan compared with held keeps its run; one it did not hold, where both scans read
 * it, is new: its run starts now, even if it was seen before it closed. Where the two scans could
 * not be compared (a target failed in one), its absence proves nothing: it keeps the run it had,
 * or starts one when it was never seen. One lookup per finding, against dates the history keeps.
 */
function currentRuns(
  findings: readonly Finding[],
  snapshot: Pick<Snapshot, 'systems'>,
  seen: ReadonlyMap<string, SeenDates>,
  compared: Comparison | undefined,
  now: Date,
): Map<string, string> {
  const at = now.toISOString();
  // Findings of a system no target status names (the register itself) were read both times.
  const withStatus = new Set(snapshot.systems.map((s) => s.system));
  const out = new Map<string, string>();
  for (const f of findings) {
    const dates = seen.get(f.fingerprint);
    const run = dates ? (dates.runStart ?? dates.firstSeen) : undefined;
    if (!compared || !dates) {
      out.set(f.fingerprint, run ?? at);
      continue;
    }
    // Kept before the last scan compared with was marked: seen at or after it stands in.
    const inPrevious =
      dates.lastBaseline !== undefined ? dates.lastBaseline === compared.since : dates.lastSeen >= compared.since;
    if (inPrevious) out.set(f.fingerprint, run ?? at);
    else if (!withStatus.has(f.system) || compared.comparable(f.system, f.target, f.resource))
      out.set(f.fingerprint, at);
    else out.set(f.fingerprint, run ?? at);
  }
  return out;
}
