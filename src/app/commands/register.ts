// `lanekeeper register init|check`: draft a register from a scan, and validate one.
// init: exit 0 when the draft was written, 2 for bad input (or an existing file without
// --force), 3 when a system could not be read (the draft is written, but misses its people).
// check: exit 0 when valid, 2 with every problem listed when not.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, formatProblem, type Problem, UsageError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { redact } from '../../core/redact.js';
import { FileExistsError, writeFileSafely } from '../../core/safe-write.js';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';
import { parseNowOption } from '../options.js';

export interface RegisterInitOptions {
  configPath?: string;
  inventoryPath?: string;
  outPath: string;
  /** Overwrite an existing file. */
  force?: boolean;
  /** Employee domains when no config gives them. */
  employeeDomains?: readonly string[];
  now: Date;
  env: Readonly<Record<string, string | undefined>>;
}

export function registerCommand(program: Command, io: Io, done: (code: number) => void): void {
  const register = program.command('register').description('work with the access register');
  register
    .command('init')
    .description('draft a register from a scan: every account and grant, with TODO for what a person must answer')
    .option('--config <file>', 'scan the configured systems now')
    .option('--inventory <file>', 'use a saved inventory.json instead of scanning')
    .requiredOption('--out <file>', 'where the draft register is written')
    .option('--force', 'overwrite an existing file', false)
    .option('--employee-domain <domains...>', "the company's email domains, when no config gives them")
    .option('--now <iso>', 'the clock (default: now)', parseNowOption)
    .action(async (opts) => {
      done(
        await runRegisterInit(
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
        ),
      );
    });

  register
    .command('check')
    .description('validate a register: exit 0 when valid and complete, 1 when entries are incomplete, 2 when invalid')
    .argument('<file>', 'register file (YAML or JSON)')
    .option('--now <iso>', 'the day owners and approvers are checked against (default: now)', parseNowOption)
    .action(async (file: string, opts: { now?: Date }) => {
      done(
        await withExitCode('register check', io, async () => {
          const { connectors } = await import('../../../connectors/index.js');
          const { checkRegisterFile } = await import('../../pipeline/register/index.js');
          const result = await checkRegisterFile(
            resolve(io.cwd, file),
            connectors.map((c) => c.id),
            { now: opts.now ?? new Date() },
          );
          const all = [...result.problems, ...result.incomplete].sort(byLine);
          for (const line of checkReport(file, all)) io.stderr(`${line}\n`);
          if (!result.ok) return ExitCode.BAD_INPUT;
          const n = result.incomplete.length;
          if (n > 0) {
            // A scan still runs on it (reporting each as register-incomplete); a PR gate must not pass it.
            io.stdout(`${file}: valid, but ${n} entr${n === 1 ? 'y is' : 'ies are'} incomplete\n`);
            return ExitCode.FINDINGS;
          }
          io.stdout(`${file}: valid\n`);
          return ExitCode.OK;
        }),
      );
    });

  register
    .command('diff')
    .description(
      'what a change to the register does to access, per person: grants added, removed or extended, lanes and production write gained, owners changed, self-approvals (exit 0; register check is the gate)',
    )
    .argument('<base>', 'the register before the change (an empty file: no register yet)')
    .argument('<head>', 'the register after the change')
    .option('--format <format>', 'text or markdown (a pull-request comment)', 'text')
    .option('--now <iso>', 'grants that ended before this day are not counted as held (default: now)', parseNowOption)
    .action(async (base: string, head: string, opts) => {
      done(
        await withExitCode('register diff', io, async () => {
          if (opts.format !== 'text' && opts.format !== 'markdown')
            throw new UsageError(`--format must be text or markdown, not "${opts.format}"`);
          const { connectors } = await import('../../../connectors/index.js');
          const { diffRegisters } = await import('../../pipeline/register/diff.js');
          const { formatDiffMarkdown, formatDiffText } = await import('../../pipeline/register/diff-format.js');
          const knownSystems = connectors.map((c) => c.id);
          const [before, after] = await Promise.all(
            [base, head].map((f) => readRegisterOrNothing(resolve(io.cwd, f), f, knownSystems)),
          );
          const today = (opts.now ?? new Date()).toISOString().slice(0, 10);
          const diff = diffRegisters(before!, after!, today);
          io.stdout(opts.format === 'markdown' ? formatDiffMarkdown(diff) : formatDiffText(diff));
          return ExitCode.OK;
        }),
      );
    });
}

/** A register, or an empty one for an empty file (a pull request that adds the register). */
async function readRegisterOrNothing(path: string, shown: string, knownSystems: readonly string[]) {
  const { loadRegister, RegisterSchema } = await import('../../pipeline/register/index.js');
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (text.trim() === '') return RegisterSchema.parse({ organization: 'none' });
  return (await loadRegister(path, { knownSystems, displayPath: shown })).register;
}

export function runRegisterInit(options: RegisterInitOptions, io: Pick<Io, 'stdout' | 'stderr'>): Promise<number> {
  return withExitCode('register init', io, async () => {
    if (!options.configPath && !options.inventoryPath) throw new UsageError('give --config FILE or --inventory FILE');
    const { readConfig, readScan } = await import('../../pipeline/offboard/source.js');
    const { draftRegister } = await import('../../pipeline/register/init.js');
    const config = options.configPath
      ? await readConfig(options.configPath, options.env, options.inventoryPath !== undefined)
      : undefined;
    const organization = config?.config.organization;
    const domains = [
      ...new Set([...(options.employeeDomains ?? []), ...(config?.config.policy.employeeDomains ?? [])]),
    ];
    const snapshot = await readScan({
      ...(config ? { config } : {}),
      ...(options.inventoryPath ? { inventoryPath: options.inventoryPath } : {}),
      now: options.now,
      log: createLogger('normal', io.stderr),
    });

    const draft = draftRegister({
      snapshot,
      ...(organization ? { organization } : {}),
      employeeDomains: domains,
      now: options.now,
    });
    try {
      // Never overwrite a register someone has been filling in, unless asked to.
      await writeFileSafely(options.outPath, redact(draft.text), { exclusive: !options.force });
    } catch (e) {
      if (e instanceof FileExistsError) throw new UsageError(`${options.outPath} exists; pass --force to replace it`);
      throw e;
    }
    const s = draft.summary;
    io.stdout(
      `${options.outPath}: drafted ${s.people} people (${s.employees} employees, ${s.contractors} contractors, to confirm), ` +
        `${s.grants} grants and ${s.sharedAccounts} shared accounts.\n` +
        `Fill in every TODO, then run: lanekeeper register check ${options.outPath}\n`,
    );
    const failed = [...new Set(snapshot.systems.filter((x) => !x.ok).map((x) => x.system))].sort();
    if (failed.length > 0) {
      io.stderr(`incomplete: ${failed.join(', ')} could not be read; the people only they know are missing\n`);
      return ExitCode.INCOMPLETE;
    }
    return ExitCode.OK;
  });
}

/**
 * Every problem on its line, then each fix once with how many problems it answers, then one
 * line to start from: "12 problems in 3 people and 1 shared account; first: register.yaml:12 …".
 */
export function checkReport(file: string, problems: readonly Problem[]): string[] {
  if (problems.length === 0) return [];
  const lines = problems.map((p) => formatProblem({ ...p, fix: undefined }));
  const fixes = new Map<string, { code: string; count: number }>();
  for (const p of problems) {
    if (!p.fix) continue;
    const seen = fixes.get(p.fix) ?? { code: p.code, count: 0 };
    seen.count++;
    fixes.set(p.fix, seen);
  }
  if (fixes.size > 0) {
    lines.push('how to fix:');
    for (const [fix, { code, count }] of fixes)
      lines.push(formatProblem({ code: code as Problem['code'], message: `(${count}) ${fix}` }).replace(/^/, '  '));
  }
  const errors = problems.filter((p) => p.severity !== 'warning');
  const warnings = problems.length - errors.length;
  const entries = new Map<string, Set<string>>();
  for (const p of errors) {
    const m = /^(people|shared_accounts|groups|accepted_risks)\[(\d+)\]/.exec(p.field ?? '');
    const kind = m ? m[1]! : 'top';
    entries.set(kind, (entries.get(kind) ?? new Set()).add(m ? m[2]! : ''));
  }
  const NAMES: Record<string, [string, string]> = {
    people: ['person', 'people'],
    shared_accounts: ['shared account', 'shared accounts'],
    groups: ['group', 'groups'],
    accepted_risks: ['accepted risk', 'accepted risks'],
  };
  const where = Object.entries(NAMES)
    .filter(([kind]) => entries.has(kind))
    .map(([kind, [one, many]]) => {
      const n = entries.get(kind)!.size;
      return `${n} ${n === 1 ? one : many}`;
    });
  const first = errors[0] ?? problems[0]!;
  const at = [first.line ? `${first.file ?? file}:${first.line}` : (first.file ?? file), first.field]
    .filter(Boolean)
    .join(' ');
  const count = `${errors.length} problem${errors.length === 1 ? '' : 's'}`;
  lines.push(
    `${file}: ${count}${where.length > 0 ? ` in ${where.join(' and ')}` : ''}` +
      `${warnings > 0 ? ` (and ${warnings} warning${warnings === 1 ? '' : 's'})` : ''}; first: ${at}`,
  );
  return lines;
}

function byLine(a: Problem, b: Problem): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}
