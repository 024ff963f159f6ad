// The command line: parses arguments, wires the pipeline, maps outcomes to exit codes
// (DESIGN.md): 0 clean, 1 findings at or above --fail-on, 2 bad usage/config/register,
// 3 a system could not be read, 4 the report could not be delivered.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { connectors } from '../../connectors/index.js';
import { ChromiumMissingError } from '../../reports/pdf.js';
import { FailOnSchema } from '../core/config.js';
import { parseNow, resolveRelativeDates } from '../core/dates.js';
import { ExitCode, formatProblem, InputError, problem } from '../core/errors.js';
import { createLogger, type Logger, type LogLevel } from '../core/log.js';
import { redact, registerSecretsFromEnv } from '../core/redact.js';
import { formatHistory } from '../pipeline/history/format.js';
import { HistoryStore } from '../pipeline/history/store.js';
import { checkRegisterFile } from '../pipeline/register/index.js';
import { ShardError } from '../pipeline/shards.js';
import { runCollect } from './commands/collect.js';
import { runOffboard } from './commands/offboard.js';
import { runRegisterInit } from './commands/register-init.js';
import { runRequest } from './commands/request.js';
import { runDemo } from './demo.js';
import { createProgress, formatScanSummary, type ProgressEvent, type ProgressStream, useColor } from './progress.js';
import { loadScenario, sandboxConfig, startSandbox } from './sandbox.js';
import { type ScanResult, scan } from './scan.js';

export interface Io {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Whether stderr is a terminal (progress lines redrawn in place) and how wide. */
  stderrIsTTY?: boolean;
  columns?: number;
  /** Resolves when a long-running command (sandbox) should stop. */
  untilStopped?: () => Promise<void>;
}

const defaultIo = (): Io => ({
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  stderrIsTTY: process.stderr.isTTY === true,
  columns: process.stderr.columns,
  untilStopped: () =>
    new Promise((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    }),
});

function parseNowOption(value: string): Date {
  const now = parseNow(value);
  if (!now) throw new InvalidArgumentError('expected an ISO-8601 date or instant, e.g. 2026-11-29T09:00:00Z');
  return now;
}

function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function logLevel(opts: { verbose?: boolean; quiet?: boolean }): LogLevel {
  return opts.quiet ? 'quiet' : opts.verbose ? 'verbose' : 'normal';
}

export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  // Every token in the environment is masked wherever it could be printed or written.
  registerSecretsFromEnv(io.env);
  let exitCode: number = ExitCode.OK;
  const program = new Command('lanekeeper')
    .description('Keeps outside help in its lane: who holds which access, approved by whom, until when.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run lanekeeper --help for usage)');

  outputOptions(program.command('scan'))
    .description('read every configured system, judge the access against the register, write the reports')
    .requiredOption('--config <file>', 'config file (JSON)')
    .option('--register <file>', 'access register (YAML or JSON); default: the config\'s "register"')
    .option('--out <dir>', "where reports are written; default: the config's report.outDir")
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(FailOnSchema.options),
    )
    .option('--only <systems>', 'only these systems, comma separated (github,aws,...)', parseList)
    .option('--allow-partial', 'exit 0/1 on what could be read even if a system failed', false)
    .option('--now <iso>', 'the clock the findings are judged against (default: now)', parseNowOption)
    .option('--concurrency <n>', 'requests in flight per system (1 = sequential)', parsePositiveInt)
    .option(
      '--inventory <files...>',
      'judge saved snapshots (shards from `lanekeeper collect`) instead of reading: no API is called',
    )
    .option('--allow-mixed-days', 'accept shards collected on different days', false)
    .option('--history <file>', "history database (default: the config's history.path or .lanekeeper/history.db)")
    .option('--no-history', 'keep no history: no drift, no "open for N days"')
    .option('--email', 'send the report as the config\'s "email" block says')
    .option('--no-email', 'do not send the report (the default)')
    .action(async (opts) => {
      exitCode = await withProgress(opts, io, (watch) =>
        scan({
          ...watch,
          historyPath:
            opts.history === false
              ? false
              : typeof opts.history === 'string'
                ? resolve(io.cwd, opts.history)
                : undefined,
          email: opts.email === true,
          ...(opts.inventory ? { inventoryPaths: opts.inventory.map((f: string) => resolve(io.cwd, f)) } : {}),
          allowMixedDays: opts.allowMixedDays === true,
          cwd: io.cwd,
          configPath: resolve(io.cwd, opts.config),
          ...(opts.register ? { registerPath: resolve(io.cwd, opts.register) } : {}),
          ...(opts.out ? { outDir: resolve(io.cwd, opts.out) } : {}),
          ...(opts.failOn ? { failOn: opts.failOn } : {}),
          ...(opts.only ? { only: opts.only } : {}),
          ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
          allowPartial: opts.allowPartial,
          now: opts.now ?? new Date(),
          env: io.env,
        }),
      );
    });

  outputOptions(program.command('demo'))
    .description('scan Northwind Supply, the demo company, served by local emulators: no account needed')
    .option('--out <dir>', 'where reports are written', 'lanekeeper-report')
    .option('--now <iso>', 'the clock the story is told at (default: now)', parseNowOption)
    .option('--history <file>', 'keep history between demo runs in this file')
    .option('--next-week', 'play the following week of the story (after a first demo with the same --history)', false)
    .action(async (opts) => {
      exitCode = await withProgress(opts, io, (watch) =>
        runDemo({
          ...watch,
          outDir: resolve(io.cwd, opts.out),
          now: opts.now ?? new Date(),
          env: io.env,
          nextWeek: opts.nextWeek,
          ...(opts.history ? { historyPath: resolve(io.cwd, opts.history) } : {}),
        }),
      );
    });

  program
    .command('sandbox')
    .description('serve a scenario with local emulators and write a config that points at them; runs until stopped')
    .requiredOption('--scenario <file>', 'scenario file (e.g. examples/demo/scenario.json)')
    .requiredOption('--write-config <file>', 'where to write the config for `lanekeeper scan`')
    .option(
      '--config-template <file>',
      'config whose lanes and policy the written config keeps; default: config.json beside the scenario',
    )
    .option('--page-size <n>', 'items per page the emulators serve at most', parsePositiveInt)
    .option('--now <iso>', "the clock the scenario's relative dates resolve against", parseNowOption)
    .action(async (opts) => {
      const now: Date = opts.now ?? new Date();
      const scenarioPath = resolve(io.cwd, opts.scenario);
      const scenario = await loadScenario(scenarioPath, now);
      const templatePath = opts.configTemplate
        ? resolve(io.cwd, opts.configTemplate)
        : join(dirname(scenarioPath), 'config.json');
      const template = await readJsonIfPresent(templatePath);
      const sandbox = await startSandbox(scenario, connectors, {
        now,
        ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
      });
      try {
        const configPath = resolve(io.cwd, opts.writeConfig);
        const config = sandboxConfig(template, sandbox, true);
        delete config.$schema;
        await mkdir(dirname(configPath), { recursive: true });
        if (typeof template.register === 'string') {
          // The template's register may use relative demo dates: write it resolved beside the config.
          const source = resolve(dirname(templatePath), template.register);
          const registerPath = join(dirname(configPath), 'register.yaml');
          await writeFile(registerPath, resolveRelativeDates(await readFile(source, 'utf8'), now));
          config.register = 'register.yaml';
        }
        await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
        for (const [system, emulator] of sandbox.emulators) io.stderr(`${system} emulator on ${emulator.url}\n`);
        io.stdout(`sandbox running; in another shell: lanekeeper scan --config ${configPath}\n`);
        await (io.untilStopped ?? (() => Promise.resolve()))();
      } finally {
        await sandbox.close();
      }
    });

  program
    .command('history')
    .description('list past scans with their finding counts')
    .option('--history <file>', 'history database', '.lanekeeper/history.db')
    .action(async (opts) => {
      const path = resolve(io.cwd, opts.history);
      if (!existsSync(path)) {
        io.stderr(`no history at ${opts.history}: run a scan first (or pass --history FILE)\n`);
        exitCode = ExitCode.BAD_INPUT;
        return;
      }
      const store = HistoryStore.open(path);
      try {
        io.stdout(formatHistory(store.list()));
      } finally {
        store.close();
      }
    });

  program
    .command('offboard')
    .description(
      "a contractor's last day: everything they hold and every shared secret to rotate, with the commands (read-only)",
    )
    .argument('<person>', 'register id of the person')
    .option('--config <file>', 'scan the configured systems now')
    .option('--inventory <file>', 'use a saved inventory.json instead of scanning')
    .option('--register <file>', "access register (default: the config's)")
    .option('--out <dir>', 'where the offboarding record is written', '.')
    .option('--now <iso>', 'the clock (default: now)', parseNowOption)
    .action(async (person: string, opts) => {
      if (!opts.config === !opts.inventory)
        throw new InputError([usage('give exactly one of --config or --inventory')]);
      exitCode = await runOffboard(
        {
          person,
          ...(opts.config ? { configPath: resolve(io.cwd, opts.config) } : {}),
          ...(opts.inventory ? { inventoryPath: resolve(io.cwd, opts.inventory) } : {}),
          ...(opts.register ? { registerPath: resolve(io.cwd, opts.register) } : {}),
          outDir: resolve(io.cwd, opts.out),
          now: opts.now ?? new Date(),
          env: io.env,
        },
        io,
      );
    });

  program
    .command('request')
    .description("append an approval to a person's grants in the register, keeping its comments and formatting")
    .requiredOption('--register <file>', 'access register (YAML)')
    .requiredOption('--person <id>', 'register id of the person')
    .requiredOption('--task <text>', 'what the access is for')
    .requiredOption('--system <id>', 'github, aws, gcp, slack')
    .requiredOption('--scope <glob...>', 'resource glob(s): northwind/shop, projects/x, #support')
    .requiredOption('--lane <lane>', 'code, data or production')
    .requiredOption('--access <level>', 'read, write or admin')
    .requiredOption('--start <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--end <date>', 'last day, YYYY-MM-DD')
    .option('--ticket <id>', 'ticket or issue that asked for it')
    .option('--approved-by <id>', 'the employee approving it, when not the owner')
    .action(async (opts) => {
      exitCode = await runRequest(
        {
          registerPath: resolve(io.cwd, opts.register),
          person: opts.person,
          task: opts.task,
          system: opts.system,
          scope: opts.scope.length === 1 ? opts.scope[0] : opts.scope,
          lane: opts.lane,
          access: opts.access,
          start: opts.start,
          end: opts.end,
          ...(opts.ticket ? { ticket: opts.ticket } : {}),
          ...(opts.approvedBy ? { approved_by: opts.approvedBy } : {}),
        },
        io,
      );
    });

  program
    .command('collect')
    .description('read systems into a partial snapshot (a shard) for a later `scan --inventory`')
    .requiredOption('--config <file>', 'config file (JSON)')
    .requiredOption('--out <file>', 'where the shard is written')
    .option('--only <systems...>', 'systems and targets: github, aws:111111111111,222222222222, gcp:projects/x-*')
    .option('--now <iso>', 'the clock (default: now)', parseNowOption)
    .option('--concurrency <n>', 'requests in flight per system (1 = sequential)', parsePositiveInt)
    .option('--verbose', 'more progress detail on stderr', false)
    .option('--quiet', 'no progress on stderr', false)
    .action(async (opts) => {
      exitCode = await runCollect(
        {
          configPath: resolve(io.cwd, opts.config),
          only: opts.only ?? [],
          outPath: resolve(io.cwd, opts.out),
          now: opts.now ?? new Date(),
          env: io.env,
          logLevel: logLevel(opts),
          ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
        },
        io,
      );
    });

  const registerCmd = program.command('register').description('work with the access register');
  registerCmd
    .command('init')
    .description('draft a register from a scan: every account and grant, with TODO for what a person must answer')
    .option('--config <file>', 'scan the configured systems now')
    .option('--inventory <file>', 'use a saved inventory.json instead of scanning')
    .requiredOption('--out <file>', 'where the draft register is written')
    .option('--force', 'overwrite an existing file', false)
    .option('--employee-domain <domains...>', "the company's email domains, when no config gives them")
    .option('--now <iso>', 'the clock (default: now)', parseNowOption)
    .action(async (opts) => {
      if (!opts.config === !opts.inventory)
        throw new InputError([usage('give exactly one of --config or --inventory')]);
      exitCode = await runRegisterInit(
        {
          ...(opts.config ? { configPath: resolve(io.cwd, opts.config) } : {}),
          ...(opts.inventory ? { inventoryPath: resolve(io.cwd, opts.inventory) } : {}),
          outPath: resolve(io.cwd, opts.out),
          force: opts.force,
          ...(opts.employeeDomain ? { employeeDomains: opts.employeeDomain } : {}),
          now: opts.now ?? new Date(),
          env: io.env,
        },
        io,
      );
    });

  registerCmd
    .command('check')
    .description('validate a register: exit 0 when valid, 2 with every problem listed when not')
    .argument('<file>', 'register file (YAML or JSON)')
    .action(async (file: string) => {
      const result = await checkRegisterFile(
        resolve(io.cwd, file),
        connectors.map((c) => c.id),
      );
      for (const p of result.problems) io.stderr(`${formatProblem(p)}\n`);
      if (result.ok) io.stdout(`${file}: valid\n`);
      exitCode = result.ok ? ExitCode.OK : ExitCode.BAD_INPUT;
    });

  try {
    await program.parseAsync([...argv], { from: 'node' });
    return exitCode;
  } catch (e) {
    return handleError(e, io);
  }
}

function printResult(result: ScanResult, json: boolean, io: Io): void {
  if (json) {
    io.stdout(redact(jsonForTerminal(result.findingsJson)));
    return;
  }
  io.stdout(
    formatScanSummary({
      organization: result.organization,
      evaluation: result.evaluation,
      systems: result.snapshot.systems,
      files: result.files,
      cwd: io.cwd,
      history: result.history,
      newFingerprints: result.newFingerprints,
      accepted: result.accepted,
      lapsed: result.lapsed,
      color: useColor(stderrStream(io), io.env),
    }),
  );
  if (!result.complete) io.stderr('scan incomplete: at least one system could not be read (see above)\n');
  if (result.deliveryError) io.stderr(`email not sent: ${result.deliveryError}\n`);
  else if (result.emailSent) io.stderr('report emailed\n');
}

function stderrStream(io: Io): ProgressStream {
  return { write: io.stderr, isTTY: io.stderrIsTTY === true, ...(io.columns ? { columns: io.columns } : {}) };
}

/** What every scanning command prints and how: the summary or --json, progress, a PDF. */
function outputOptions(command: Command): Command {
  return command
    .option('--pdf', 'also print report.html to report.pdf (needs Chromium)')
    .option('--json', 'print the findings document to stdout instead of the summary', false)
    .option('--verbose', 'more progress detail on stderr', false)
    .option('--quiet', 'no progress on stderr', false);
}

interface Watch {
  log: Logger;
  onProgress: (event: ProgressEvent) => void;
  pdf: boolean;
}

/**
 * Runs a scan (or the demo) with one progress line per system on a terminal, plain lines in CI
 * and nothing with --quiet, then prints the summary (or --json) and gives the exit code.
 */
async function withProgress(
  opts: { verbose?: boolean; quiet?: boolean; json?: boolean; pdf?: boolean },
  io: Io,
  run: (watch: Watch) => Promise<ScanResult>,
): Promise<number> {
  const progress = createProgress({ stream: stderrStream(io), level: logLevel(opts), env: io.env });
  let result: ScanResult;
  try {
    result = await run({
      log: createLogger(logLevel(opts), (line) => progress.log(line)),
      onProgress: (event) => progress.update(event),
      pdf: opts.pdf === true,
    });
  } finally {
    progress.finish();
  }
  printResult(result, opts.json === true, io);
  return result.exitCode;
}

/**
 * JSON.stringify leaves C1 controls, bidi overrides and line separators raw, and a terminal acts
 * on them; written as \u escapes they are the same JSON, read back to the same strings.
 */
function jsonForTerminal(json: string): string {
  return json.replace(
    /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

async function readJsonIfPresent(path: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}

/** A usage problem found after commander parsed the arguments. */
function usage(message: string) {
  return problem('LK_USAGE_BAD_OPTION', message, {});
}

function handleError(e: unknown, io: Io): number {
  if (e instanceof CommanderError) {
    // --help and --version end through here with code 0.
    return e.exitCode === 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
  }
  if (e instanceof ChromiumMissingError) {
    io.stderr(`${e.message}\n`);
    return ExitCode.BAD_INPUT;
  }
  if (e instanceof ShardError) {
    for (const p of e.problems) io.stderr(`${redact(p)}\n`);
    io.stderr('nothing was judged\n');
    return ExitCode.BAD_INPUT;
  }
  if (e instanceof InputError) {
    for (const p of e.problems) io.stderr(`${formatProblem(p)}\n`);
    io.stderr('nothing was scanned\n');
    return ExitCode.BAD_INPUT;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.stderr(`lanekeeper: ${redact(message)}\n`);
  // Anything unexpected fails closed: the scan cannot be trusted.
  return ExitCode.INCOMPLETE;
}
