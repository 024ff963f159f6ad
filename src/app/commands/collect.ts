// `lanekeeper collect --config FILE --only SYSTEM[:TARGET,...] --out shard.json`: reads only the
// named systems (and, when given, only those targets) and writes a partial snapshot, a shard,
// for `lanekeeper scan --inventory shard1.json shard2.json ...` to merge on another machine.
// Exit 0 when every target in scope was read, 3 when one failed (the shard still says which,
// so the merged scan fails closed), 2 for bad input.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { sha256 } from '../../core/digest.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import { createLogger, type LogLevel, printable } from '../../core/log.js';
import type { Snapshot, TargetRef } from '../../core/model.js';
import { redactDeep, redactEach } from '../../core/redact.js';
import { writeFileSafely } from '../../core/safe-write.js';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';
import { logLevel, onlyOption, parseNowOption, parsePositiveInt } from '../options.js';

export interface CollectCommandOptions {
  configPath: string;
  /** `--only` values as given (see pipeline/only.ts). */
  only: readonly string[];
  outPath: string;
  now: Date;
  env: Readonly<Record<string, string | undefined>>;
  /** Overrides every system's concurrency (1 = sequential). */
  concurrency?: number;
  logLevel?: LogLevel;
}

export function collectCommand(program: Command, io: Io, done: (code: number) => void): void {
  onlyOption(
    program
      .command('collect')
      .description('read systems into a partial snapshot (a shard) for a later `scan --inventory`')
      .requiredOption('--config <file>', 'config file (JSON)')
      .requiredOption('--out <file>', 'where the shard is written'),
  )
    .option('--now <iso>', 'the clock (default: now)', parseNowOption)
    .option('--concurrency <n>', 'requests in flight per system (1 = sequential)', parsePositiveInt)
    .option('--verbose', 'more progress detail on stderr', false)
    .option('--quiet', 'no progress on stderr', false)
    .action(async (opts) => {
      done(
        await runCollect(
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
        ),
      );
    });
}

export function runCollect(options: CollectCommandOptions, io: Pick<Io, 'stdout' | 'stderr'>): Promise<number> {
  return withExitCode('collect', io, async () => {
    const log = createLogger(options.logLevel ?? 'normal', io.stderr);
    const { connectors } = await import('../../../connectors/index.js');
    const { collect } = await import('../../pipeline/collect.js');
    const { loadConfig } = await import('../../pipeline/config/index.js');
    const { limitTargets, missingTargets, parseOnly } = await import('../../pipeline/only.js');
    const scope = parseOnly(options.only);
    if (scope.size === 0) throw new UsageError('--only needs at least one system');
    const loaded = await loadConfig(options.configPath, {
      env: options.env,
      connectors,
      overrides: { only: [...scope.keys()] },
    });
    for (const warning of loaded.warnings) log.warn(warning);
    const skipped: TargetRef[] = [];
    const snapshot = await collect(
      loaded.systems.map((s) => ({
        connector: limitTargets(s.connector, scope.get(s.connector.id), (target) =>
          skipped.push({ system: s.connector.id, target }),
        ),
        config: s.config,
      })),
      { now: options.now, log, ...(options.concurrency ? { concurrency: options.concurrency } : {}) },
    );
    snapshot.systems.push(...missingTargets(snapshot.systems, scope, options.now));
    // What the merge checks the shard against: the company, the register, what was left to others.
    snapshot.source = await sourceOf(loaded.config);
    if (skipped.length > 0) snapshot.skipped = skipped;

    await writeShard(options.outPath, snapshot);
    const failed = snapshot.systems.filter((s) => !s.ok);
    // A server's own words (an error body) may carry terminal escapes or workflow commands.
    for (const s of failed) io.stderr(`${printable(`${s.system} ${s.target}: ${s.error ?? 'failed'}`)}\n`);
    const read = snapshot.systems.filter((s) => s.ok).length;
    io.stdout(
      `${options.outPath}: ${read} target(s) read, ${failed.length} failed; ${snapshot.accounts.length} accounts, ${snapshot.grants.length} grants\n`,
    );
    return failed.length > 0 ? ExitCode.INCOMPLETE : ExitCode.OK;
  });
}

/** The company and register the shard is collected for: a merge refuses a shard of another. */
async function sourceOf(config: { organization?: string; registerPath?: string }): Promise<Snapshot['source']> {
  const source: NonNullable<Snapshot['source']> = {};
  let organization = config.organization;
  if (config.registerPath) {
    const { loadRegister } = await import('../../pipeline/register/index.js');
    const { connectors } = await import('../../../connectors/index.js');
    const known = connectors.map((c) => c.id);
    const register = await loadRegister(config.registerPath, { knownSystems: known }).catch(() => undefined);
    if (register) {
      source.registerDigest = sha256(register.source.text);
      organization ??= register.register.organization;
    }
  }
  if (organization !== undefined) source.organization = organization;
  return source;
}

/**
 * Canonical form (sorted, no wall times), as inventory.json is written: a record a line, piece by
 * piece (a large organisation's shard is never one string), each piece redacted, written safely
 * (core/safe-write.ts).
 */
async function writeShard(path: string, snapshot: Snapshot): Promise<void> {
  const { snapshotChunks } = await import('../../../reports/inventory.js');
  await mkdir(dirname(path), { recursive: true });
  await writeFileSafely(path, redactEach(snapshotChunks(redactDeep(snapshot))));
}
