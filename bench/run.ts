// `npm run bench -- --scale medium|large --latency MS [--jitter MS] [--seed N] [--systems a,b] [--baseline a,b | --no-baseline] [--no-report] [--write]`
// Serves a generated organisation with the emulators (latency plus jitter per request), collects
// every system at the concurrency its limits allow and again sequentially (--concurrency 1), and
// prints per system and in total: calls made, the minimum, their ratio, wall time, the lower
// bound (minimum calls × mean latency ÷ allowed concurrency), the ratio to it; peak RSS; and the
// time evaluate and report take on the collected inventory; then the whole scan once more as users
// run it, the package's CLI in its own process (bench/cli-scan.ts), for its wall time and its
// peak RSS. --write appends the table to bench/RESULTS.md with the machine and the date.
import { fork } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { connectors } from '../connectors/index.js';
import { boundHeapGrowth } from '../src/app/heap.js';
import { sandboxConfig } from '../src/app/sandbox.js';
import { completeness } from '../src/core/completeness.js';
import { PolicySchema, REPORT_FORMATS } from '../src/core/config.js';
import { createLogger } from '../src/core/log.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../src/core/model.js';
import { applyAcceptedRisks } from '../src/pipeline/accept.js';
import { AnswerStore } from '../src/pipeline/answers.js';
import { collect, type SystemToCollect } from '../src/pipeline/collect.js';
import { summarize } from '../src/pipeline/evaluate/findings.js';
import { evaluate } from '../src/pipeline/evaluate/index.js';
import { HistoryStore } from '../src/pipeline/history/store.js';
import { loadRegister } from '../src/pipeline/register/index.js';
import { addRemediation } from '../src/pipeline/remediation.js';
import { reportInput, writeReportFiles } from '../src/pipeline/report.js';
import { allRules } from '../src/rules/index.js';
import { type CliScan, scanAsUsersRun } from './cli-scan.js';
import type { HostCounts, HostCpu, HostReady, HostRequest } from './emulator-host.js';
import { generateOrganisation, SCALES, type Scale } from './generate.js';
import { concurrencyOf, limitsOf, minimumOf, minimumPerCallerOf, SYSTEMS, total } from './limits.js';

/**
 * The time the limits alone impose on the minimum calls: budgets refill once per window. Windows
 * per caller (AWS's per account and service) bind on the busiest caller's calls, not on the sum.
 */
function rateFloorMs(system: string, minimum: Record<string, number>, perCaller: number[] | undefined): number {
  const plan = limitsOf(system);
  let floor = 0;
  const budgets: [number, { limit: number; windowMs: number }][] = [];
  const busiest = plan?.perCaller && perCaller ? Math.max(0, ...perCaller) : undefined;
  if (plan?.overall) budgets.push([busiest ?? total(minimum), plan.overall]);
  for (const [op, budget] of Object.entries(plan?.perOperation ?? {})) budgets.push([minimum[op] ?? 0, budget]);
  for (const [calls, budget] of budgets)
    floor = Math.max(floor, (Math.ceil(calls / budget.limit) - 1) * budget.windowMs);
  return floor;
}

interface Args {
  /** Systems to collect (all by default): `--systems github` profiles one on its own. */
  systems: string[];
  /** Skip evaluate and report (`--no-report`), for quick collection-only runs. */
  report: boolean;
  scale: Scale;
  latency: number;
  jitter: number;
  seed: number;
  /** Systems the sequential baseline runs; the others are estimated (calls × mean latency). */
  baseline: string[];
  write: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scale = (get('scale') ?? 'medium') as Scale;
  if (!(scale in SCALES)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
  const latency = Number(get('latency') ?? 50);
  return {
    scale,
    latency,
    jitter: Number(get('jitter') ?? Math.round(latency / 5)),
    seed: Number(get('seed') ?? 1),
    systems: get('systems')?.split(',') ?? [...SYSTEMS],
    report: !argv.includes('--no-report'),
    baseline: argv.includes('--no-baseline') ? [] : (get('baseline')?.split(',') ?? [...SYSTEMS]),
    write: argv.includes('--write'),
  };
}

interface SystemRun {
  system: string;
  calls: number;
  /** Answers that were the service's throttle (the emulator's enforced limits). */
  throttled: number;
  byOperation: Record<string, number>;
  wallMs: number;
  ok: boolean;
  failures: string[];
}

interface Run {
  /** The connector blocks as parsed, for the GitHub re-scan after the run. */
  configs: { connector: (typeof connectors)[number]; config: unknown }[];
  systems: SystemRun[];
  wallMs: number;
  /** CPU spent during the side-by-side collection by the scanning process and by the emulators'. */
  cpu: { scannerMs: number; emulatorsMs: number };
  snapshot: Snapshot;
  /** GitHub scanned again with the answers the first scan kept (the weekly re-scan, nothing changed). */
  rescan?: { charged: number; notModified: number; calls: number; wallMs: number; ok: boolean };
  /** The whole scan run once more by the package's CLI in its own process (with evaluate and report). */
  cli?: CliScan;
}

/** CPU this process has used so far, user and system. */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Requests GitHub charges to the hourly budget: every one but the 304s. */
const chargedOf = (c: { total: number; notModified: number }) => c.total - c.notModified;

const NOW = new Date('2026-11-29T09:00:00Z');
/** The generated company's policy: its employees' addresses are at acme.example. */
const POLICY = { employeeDomains: ['acme.example'] };

/**
 * A connector's config block as the bench runs it, in process and through the CLI alike: the
 * concurrency its limits allow, and a deadline no large collection reaches.
 */
function benchBlock(system: string, block: Record<string, unknown>): Record<string, unknown> {
  return { ...block, concurrency: concurrencyOf(system), deadlineSeconds: 3600 };
}

/** Fresh emulators in their own process (they keep state, such as generated credential reports). */
async function startHost(args: Args): Promise<{
  ready: HostReady;
  counts(): Promise<HostCounts['counts']>;
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}> {
  const child = fork(fileURLToPath(new URL('./emulator-host.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m as T);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`the emulator host exited (${code})`)));
    });
  const request: HostRequest = { ...args, now: NOW.toISOString() };
  const ready = next<HostReady>('ready');
  child.send({ type: 'start', request });
  return {
    ready: await ready,
    counts: async () => {
      const answer = next<HostCounts>('counts');
      child.send({ type: 'counts' });
      return (await answer).counts;
    },
    cpuMs: async () => {
      const answer = next<HostCpu>('cpu');
      child.send({ type: 'cpu' });
      return (await answer).cpuMs;
    },
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'close' });
      await exited;
    },
  };
}

async function collectAll(
  args: Args,
  sequential: boolean,
  only: readonly string[] = SYSTEMS,
  beforeRescan?: (run: Run, answers: AnswerStore) => Promise<void>,
): Promise<Run> {
  const org = generateOrganisation(args.scale, args.seed, NOW);
  const host = await startHost(args);
  try {
    const env: Record<string, string> = {};
    const blocks: Record<string, Record<string, unknown>> = {};
    for (const [system, e] of Object.entries(host.ready.emulators)) {
      Object.assign(env, e.env);
      blocks[system] = e.config;
    }
    const config = sandboxConfig({ connectors: org.connectors }, { connectors: blocks }) as {
      connectors: Record<string, Record<string, unknown>>;
    };
    const log = createLogger('quiet', () => {});
    const cpuBefore = { scannerMs: ownCpuMs(), emulatorsMs: await host.cpuMs() };
    const started = performance.now();
    const configs: Run['configs'] = [];
    // Kept as a scan with a history keeps them, for the re-scan below.
    const answers = new AnswerStore();
    const results = await Promise.all(
      SYSTEMS.filter((s) => only.includes(s)).map(async (system) => {
        const connector = connectors.find((c) => c.id === system);
        if (!connector) throw new Error(`no connector ${system}`);
        const block = JSON.parse(
          JSON.stringify(config.connectors[system]).replace(/\$\{([A-Z0-9_]+)\}/g, (_, n: string) => env[n] ?? ''),
        ) as Record<string, unknown>;
        const parsed = connector.configSchema.parse(benchBlock(system, block));
        configs.push({ connector, config: parsed });
        const t0 = performance.now();
        const snapshot = await collect([{ connector, config: parsed }], {
          now: NOW,
          log,
          answers,
          ...(sequential ? { concurrency: 1 } : {}),
        });
        return { system, snapshot, wallMs: performance.now() - t0 };
      }),
    );
    const wallMs = performance.now() - started;
    const cpu = {
      scannerMs: ownCpuMs() - cpuBefore.scannerMs,
      emulatorsMs: (await host.cpuMs()) - cpuBefore.emulatorsMs,
    };
    const counts = await host.counts();
    const systems = results.map(({ system, snapshot, wallMs }): SystemRun => {
      const c = counts[system] ?? { byOperation: {}, total: 0, throttled: 0 };
      return {
        system,
        calls: c.total,
        throttled: c.throttled,
        byOperation: c.byOperation,
        wallMs,
        ok: snapshot.systems.every((s) => s.ok),
        failures: snapshot.systems.filter((s) => !s.ok).map((s) => `${s.target}: ${s.error}`),
      };
    });
    const snapshot: Snapshot = {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      collectedAt: NOW.toISOString(),
      systems: results.flatMap((r) => r.snapshot.systems),
      accounts: results.flatMap((r) => r.snapshot.accounts),
      grants: results.flatMap((r) => r.snapshot.grants),
      credentials: results.flatMap((r) => r.snapshot.credentials),
      secrets: results.flatMap((r) => r.snapshot.secrets),
    };
    const run: Run = { configs, systems, wallMs, cpu, snapshot };
    await beforeRescan?.(run, answers);
    // After the caller's measurements: the re-scan's memory is not the weekly scan's.
    const rescan = sequential ? undefined : await rescanGithub(configs, answers, host, counts);
    // Last, so that its requests count in neither scan above.
    const cli =
      sequential || !args.report
        ? undefined
        : await scanAsUsersRun({
            config: {
              ...config,
              connectors: Object.fromEntries(
                Object.entries(config.connectors)
                  .filter(([system]) => only.includes(system))
                  .map(([system, block]) => [system, benchBlock(system, block)]),
              ),
              policy: POLICY,
              // The emulated organisation's plan has no fine-grained PAT grants to list: a known gap,
              // acknowledged so that the scan's exit code says complete.
              coverage: {
                accept: [{ gap: 'github.pat-grants', reason: 'not on this plan', until: '2099-12-31' }],
              },
            },
            env,
            register: org.register,
            now: NOW,
          });
    return { ...run, ...(rescan ? { rescan } : {}), ...(cli ? { cli } : {}) };
  } finally {
    await host.close();
  }
}

/** The next week's scan of an unchanged organisation: GitHub again, with the answers the first scan kept. */
async function rescanGithub(
  configs: Run['configs'],
  kept: AnswerStore,
  host: { counts(): Promise<HostCounts['counts']> },
  before: HostCounts['counts'],
): Promise<Run['rescan']> {
  const github = configs.find((c) => c.connector.id === 'github');
  const first = before.github;
  if (!github || !first) return undefined;
  const t0 = performance.now();
  const snapshot = await collect(
    [{ connector: github.connector, config: github.config as SystemToCollect['config'] }],
    {
      now: NOW,
      log: createLogger('quiet', () => {}),
      answers: new AnswerStore(kept.kept()),
    },
  );
  const wallMs = performance.now() - t0;
  const after = (await host.counts()).github ?? first;
  const delta = { total: after.total - first.total, notModified: after.notModified - first.notModified };
  return {
    charged: chargedOf(delta),
    notModified: delta.notModified,
    calls: delta.total,
    wallMs,
    ok: snapshot.systems.every((s) => s.ok),
  };
}

interface ReportRun {
  ms: number;
  findings: number;
  /** The scan's last step with a history: the snapshot, findings and dates recorded. */
  historyMs: number;
  /** The process's peak RSS once the reports are written, before the history is recorded. */
  reportRssMb: number;
}

/**
 * evaluate (with the fixes' commands) → accepted risks → every format rendered and written to
 * disk, then the history recorded, through the same functions scan() calls, in the same order.
 */
async function evaluateAndReport(args: Args, collected: Snapshot, answers: AnswerStore): Promise<ReportRun> {
  const org = generateOrganisation(args.scale, args.seed, NOW);
  const dir = await mkdtemp(join(tmpdir(), 'lanekeeper-bench-'));
  try {
    const registerPath = join(dir, 'register.yaml');
    await writeFile(registerPath, stringify(org.register));
    const register = await loadRegister(registerPath, { knownSystems: connectors.map((c) => c.id) });
    const policy = PolicySchema.parse(POLICY);
    const started = performance.now();
    // collect() classified every grant as it arrived, as in a scan: nothing to classify again.
    const snapshot = collected;
    const judged = evaluate({ snapshot, register: register.register, policy, now: NOW }, { enrich: addRemediation });
    const acceptance = applyAcceptedRisks(judged.findings, register.register, NOW);
    const evaluation = { ...judged, findings: acceptance.open, summary: summarize(acceptance.open) };
    const input = reportInput({
      organization: 'Acme',
      now: NOW,
      snapshot,
      completeness: completeness(snapshot, [], NOW),
      evaluation,
      rules: allRules,
      register,
      registerDisplayPath: 'register.yaml',
      registerProblems: [],
      acceptance,
    });
    const { paths } = await writeReportFiles(join(dir, 'out'), input, REPORT_FORMATS, {
      register,
      registerPath,
      cwd: dir,
    });
    if (paths.length !== REPORT_FORMATS.length) throw new Error(`wrote ${paths.length} reports`);
    const ms = performance.now() - started;
    const reportRssMb = peakRssMb();
    const recording = performance.now();
    const store = HistoryStore.open(join(dir, 'history.db'));
    try {
      // A scan keeps its answers as soon as collection ends; the bench holds them for its re-scan
      // anyway, so they are written here, with the history's time.
      store.keepAnswers(snapshot.systems, answers.kept());
      store.record({
        scannedAt: NOW.toISOString(),
        complete: true,
        registerText: register.source.text,
        snapshot,
        findings: evaluation.findings,
        timings: {},
      });
    } finally {
      store.close();
    }
    return { ms, findings: evaluation.findings.length, historyMs: performance.now() - recording, reportRssMb };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The most this process has held in memory so far, in MB. */
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

const fmt = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');

function table(
  args: Args,
  concurrent: Run,
  baseline: Run | undefined,
  report: ReportRun,
  rssMb: { collect: number; peak: number },
): string {
  const org = generateOrganisation(args.scale, args.seed, NOW);
  const meanLatency = args.latency + args.jitter / 2;
  const lines: string[] = [];
  lines.push(
    '| system | calls made | minimum calls | calls ÷ minimum | wall time | lower bound | wall ÷ lower bound | sequential wall time | speed-up over sequential |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  let sum = { calls: 0, min: 0, bound: 0, seq: 0 };
  for (const run of concurrent.systems) {
    const scenario = (org.scenario as Record<string, unknown>)[run.system];
    const minimum = minimumOf(run.system, scenario);
    const min = total(minimum);
    const floor = rateFloorMs(run.system, minimum, minimumPerCallerOf(run.system, scenario));
    const bound = Math.max((min * meanLatency) / concurrencyOf(run.system), floor);
    const measured = baseline?.systems.find((s) => s.system === run.system);
    // A sequential run not measured is estimated from its floor: every call waits for the one before.
    const seqMs = measured?.wallMs ?? min * meanLatency;
    const seqText = measured ? fmt(seqMs) : `≥ ${fmt(seqMs)} (est.)`;
    sum = {
      calls: sum.calls + run.calls,
      min: sum.min + min,
      bound: Math.max(sum.bound, bound),
      seq: Math.max(sum.seq, seqMs),
    };
    lines.push(
      `| ${run.system}${run.ok ? '' : ' (FAILED)'} | ${run.calls} | ${min} | ${ratio(run.calls, min)} | ${fmt(run.wallMs)} | ${fmt(bound)} | ${ratio(run.wallMs, bound)} | ${seqText} | ${ratio(seqMs, run.wallMs)} |`,
    );
  }
  lines.push(
    `| **total** | ${sum.calls} | ${sum.min} | ${ratio(sum.calls, sum.min)} | ${fmt(concurrent.wallMs)} | ${fmt(sum.bound)} | ${ratio(concurrent.wallMs, sum.bound)} | ${fmt(sum.seq)} | ${ratio(sum.seq, concurrent.wallMs)} |`,
  );
  lines.push('');
  const allowed = SYSTEMS.map((system) => `${system} ${concurrencyOf(system)}`).join(', ');
  const throttled = concurrent.systems.map((r) => `${r.system} ${r.throttled}`).join(', ');
  const githubCalls = concurrent.systems.find((r) => r.system === 'github')?.calls ?? 0;
  lines.push(
    `Systems run side by side, so the total wall time, lower bound and sequential time are the slowest system's. Lower bound = minimum calls × mean latency (${meanLatency} ms) ÷ allowed concurrency (${allowed}), or the time the rate limits alone impose on the minimum calls when that is longer (AWS's per account and service, on the busiest one's calls). Throttled answers: ${throttled}.`,
  );
  const { scannerMs, emulatorsMs } = concurrent.cpu;
  const cores = cpus().length;
  lines.push(
    `CPU during the side-by-side collection: the scanning process ${fmt(scannerMs)}, the emulators ${fmt(emulatorsMs)}; together ${Math.round(((scannerMs + emulatorsMs) / (concurrent.wallMs * cores)) * 100)}% of this machine's ${cores} cores over its ${fmt(concurrent.wallMs)}.`,
  );
  const rescan = concurrent.rescan;
  // A run without GitHub, or without evaluate and report, says nothing about them.
  if (concurrent.systems.some((r) => r.system === 'github'))
    lines.push(
      `GitHub requests charged to the hourly budget (5,000/h for a token, 15,000/h for a GitHub App on Enterprise Cloud): first scan ${githubCalls}, about ${Math.ceil(githubCalls / 5000)} h of a token's budget` +
        (rescan
          ? `; second scan of the unchanged organisation with the answers the first kept ${rescan.charged} (${rescan.notModified} of its ${rescan.calls} requests answered 304, not charged), ${fmt(rescan.wallMs)}${rescan.ok ? '' : ', FAILED'}.`
          : '.'),
    );
  if (args.report)
    lines.push(
      `Evaluate and report (as a scan runs them: evaluate with the fixes' commands, accepted risks, every format rendered, redacted and written to disk; grants are classified during collection) on this inventory (${concurrent.snapshot.accounts.length} accounts, ${concurrent.snapshot.grants.length} grants, ${report.findings} findings): ${fmt(report.ms)}; then the history recorded (snapshot, findings, dates, kept answers) ${fmt(report.historyMs)}. Peak RSS of this bench process, which runs them beside tsx, every SDK's sources and the generated organisation (the emulators run in their own): ${rssMb.collect} MB through collection, ${report.reportRssMb} MB through evaluate and report, ${rssMb.peak} MB with the history.`,
    );
  else lines.push(`Peak RSS of this bench process through collection: ${rssMb.collect} MB.`);
  const cli = concurrent.cli;
  if (cli) {
    const ms = (key: string) => fmt(cli.timings[key] ?? Number.NaN);
    lines.push(
      `The whole scan as users run it (\`lanekeeper scan\` on the package's bundle, in its own process, against the same emulators, every report, a fresh history): ${fmt(cli.ms)} (collection ${ms('collectMs')}, evaluate ${ms('evaluateMs')}, report ${ms('reportMs')}); peak RSS of that process ${Math.round(cli.rssMb)} MB.`,
    );
  }
  lines.push('');
  lines.push('Calls per endpoint (made / minimum):');
  lines.push('');
  for (const run of concurrent.systems) {
    const min = minimumOf(run.system, (org.scenario as Record<string, unknown>)[run.system]);
    const ops = [...new Set([...Object.keys(run.byOperation), ...Object.keys(min)])].sort();
    lines.push(`- ${run.system}: ${ops.map((op) => `${op} ${run.byOperation[op] ?? 0}/${min[op] ?? 0}`).join('; ')}`);
    for (const f of run.failures) lines.push(`  - failed: ${f}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--startup')) {
    const { startupTable } = await import('./startup.js');
    const body = startupTable();
    process.stdout.write(`${body}\n`);
    if (process.argv.includes('--write')) {
      const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`;
      const heading = `## Startup: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\nMachine: ${machine}.\n\n`;
      await appendFile(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), `${heading}${body}\n\n`);
    }
    return;
  }
  // Thousands of requests share each system's abort signal; that is by design here, not a leak.
  // Infinity, not 0: see src/core/listeners.ts.
  setMaxListeners(Number.POSITIVE_INFINITY);
  // The scanning process's heap grows as the CLI's does.
  boundHeapGrowth();
  const args = parseArgs(process.argv.slice(2));
  process.stderr.write(
    `bench: ${args.scale}, latency ${args.latency} ms + jitter ${args.jitter} ms, seed ${args.seed}\n`,
  );
  // Each collector's modules (its SDK) are loaded before the clock starts: the lower bound is the
  // network's, and loading them from the sources through tsx takes several times what it takes
  // from the package's bundle (AWS's: about 0.5 s against 0.1 s). The startup table measures
  // start-up as users run it.
  await Promise.all(args.systems.map((system) => import(`../connectors/${system}/collect.js`)));
  let report: ReportRun = { ms: Number.NaN, findings: 0, historyMs: Number.NaN, reportRssMb: Number.NaN };
  const rssMb = { collect: 0, peak: 0 };
  const concurrent = await collectAll(args, false, args.systems, async (run, answers) => {
    process.stderr.write(`bench: concurrent collection ${fmt(run.wallMs)}\n`);
    rssMb.collect = peakRssMb();
    if (args.report) report = await evaluateAndReport(args, run.snapshot, answers);
    rssMb.peak = peakRssMb();
    process.stderr.write(`bench: evaluate and report ${fmt(report.ms)}\n`);
  });
  let baseline: Run | undefined;
  if (args.baseline.length > 0) {
    baseline = await collectAll(args, true, args.baseline);
    process.stderr.write(`bench: sequential baseline ${fmt(baseline.wallMs)}\n`);
  }
  const body = table(args, concurrent, baseline, report, rssMb);
  process.stdout.write(`${body}\n`);
  if (args.write) {
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`;
    const heading = `## ${args.scale}, ${args.latency} ms latency + up to ${args.jitter} ms jitter: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\nMachine: ${machine}. Seed ${args.seed}.\n\n`;
    await appendFile(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), `${heading}${body}\n\n`);
  }
}

await main();
