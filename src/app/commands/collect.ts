// `lanekeeper collect --config FILE --only SYSTEM[:TARGET,...] --out shard.json`: reads only the
// named systems (and, when given, only those targets) and writes a partial snapshot, a shard,
// for `lanekeeper scan --inventory shard1.json shard2.json ...` to merge on another machine.
// Exit 0 when every target in scope was read, 3 when one failed (the shard still says which,
// so the merged scan fails closed), 2 for bad input.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import picomatch from 'picomatch';
import { connectors } from '../../../connectors/index.js';
import { canonicalSnapshot } from '../../../reports/inventory.js';
import type { AnyConnector, CollectContext } from '../../core/connector.js';
import { ExitCode, formatProblem, InputError } from '../../core/errors.js';
import { createLogger, type LogLevel } from '../../core/log.js';
import type { Snapshot, SystemStatus } from '../../core/model.js';
import { redact } from '../../core/redact.js';
import { collect } from '../../pipeline/collect.js';
import { loadConfig } from '../../pipeline/config/index.js';

export interface CollectCommandOptions {
  configPath: string;
  /** `--only` values as given: "github", "github,slack", "aws:111111111111,222222222222", "gcp:projects/acme-*". */
  only: readonly string[];
  outPath: string;
  now: Date;
  env: Readonly<Record<string, string | undefined>>;
  /** Overrides every system's concurrency (1 = sequential). */
  concurrency?: number;
  logLevel?: LogLevel;
}

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Which targets of one system a shard holds; undefined holds them all. */
export type ShardScope = Map<string, readonly string[] | undefined>;

/**
 * `--only` values to a scope. A value with a colon names one system and its targets (exact
 * names or globs); a value without one is a comma-separated list of whole systems.
 */
export function parseOnly(values: readonly string[]): ShardScope {
  const scope: ShardScope = new Map();
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon < 0) {
      for (const system of value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean))
        scope.set(system, undefined);
      continue;
    }
    const system = value.slice(0, colon).trim();
    const targets = value
      .slice(colon + 1)
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (!system || targets.length === 0)
      throw new Error(`--only "${value}": expected SYSTEM or SYSTEM:TARGET[,TARGET...]`);
    const before = scope.get(system);
    scope.set(system, scope.has(system) && before === undefined ? undefined : [...(before ?? []), ...targets]);
  }
  return scope;
}

export async function runCollect(options: CollectCommandOptions, io: CommandIo): Promise<number> {
  const log = createLogger(options.logLevel ?? 'normal', io.stderr);
  let scope: ShardScope;
  let snapshot: Snapshot;
  try {
    scope = parseOnly(options.only);
    if (scope.size === 0) throw new Error('--only needs at least one system');
    const loaded = await loadConfig(options.configPath, {
      env: options.env,
      connectors,
      overrides: { only: [...scope.keys()] },
    });
    const systems = loaded.systems.map((s) => ({
      connector: limitTargets(s.connector, scope.get(s.connector.id)),
      config: s.config,
    }));
    snapshot = await collect(systems, {
      now: options.now,
      log,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
    snapshot.systems.push(...missingTargets(snapshot.systems, scope, options.now));
  } catch (e) {
    if (e instanceof InputError) {
      for (const p of e.problems) io.stderr(`${formatProblem(p)}\n`);
    } else {
      io.stderr(`lanekeeper collect: ${redact(e instanceof Error ? e.message : String(e))}\n`);
    }
    return ExitCode.BAD_INPUT;
  }

  await writeShard(options.outPath, snapshot);
  const failed = snapshot.systems.filter((s) => !s.ok);
  for (const s of failed) io.stderr(`${s.system} ${s.target}: ${s.error ?? 'failed'}\n`);
  const read = snapshot.systems.filter((s) => s.ok).length;
  io.stdout(
    `${options.outPath}: ${read} target(s) read, ${failed.length} failed; ${snapshot.accounts.length} accounts, ${snapshot.grants.length} grants\n`,
  );
  return failed.length > 0 ? ExitCode.INCOMPLETE : ExitCode.OK;
}

/**
 * A connector that reads only the targets in scope. The connector still discovers its targets
 * (a few list calls), but one out of scope is skipped before any of its reads.
 */
export function limitTargets(connector: AnyConnector, targets: readonly string[] | undefined): AnyConnector {
  if (targets === undefined) return connector;
  const inScope = picomatch(targets as string[], { dot: true });
  return {
    ...connector,
    collect: (config, ctx) => {
      const limited: CollectContext = {
        now: ctx.now,
        log: ctx.log,
        signal: ctx.signal,
        concurrency: ctx.concurrency,
        runTarget: (target, read) => (inScope(target) ? ctx.runTarget(target, read) : Promise.resolve(true)),
      };
      return connector.collect(config, limited);
    },
  };
}

/** A target asked for by name (or a glob) that discovery never found is a failure, not an empty shard. */
function missingTargets(statuses: readonly SystemStatus[], scope: ShardScope, now: Date): SystemStatus[] {
  const out: SystemStatus[] = [];
  for (const [system, targets] of scope) {
    for (const wanted of targets ?? []) {
      const matches = picomatch(wanted, { dot: true });
      if (statuses.some((s) => s.system === system && s.target !== '*' && matches(s.target))) continue;
      out.push({
        system,
        target: wanted,
        ok: false,
        error: `no target named "${wanted}" was found: check --only against the ${system} targets of the last full scan`,
        warnings: [],
        calls: 0,
        collectedAt: now.toISOString(),
      });
    }
  }
  return out;
}

/** Canonical form (sorted, no wall times), redacted, written beside its name and renamed. */
async function writeShard(path: string, snapshot: Snapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, redact(`${JSON.stringify(canonicalSnapshot(snapshot), null, 2)}\n`));
  await rename(tmp, path);
}
