// What `--only` means, for every command that reads systems (scan, collect, demo): whole systems
// ("github", "github,slack") or some targets of one system ("aws:111111111111,222222222222",
// "gcp:projects/acme-*", globs allowed). A system out of scope is not read; a target out of
// scope is skipped before any of its reads; a target asked for that discovery never found is a
// failed target, never an empty one.
import picomatch from 'picomatch';
import type { AnyConnector, CollectContext } from '../core/connector.js';
import { UsageError } from '../core/errors.js';
import type { SystemStatus } from '../core/model.js';

/** Which targets of each system are in scope; undefined means all of that system's targets. */
export type RunScope = Map<string, readonly string[] | undefined>;

/** `--only` values to a scope: a value with a colon names one system and its targets. */
export function parseOnly(values: readonly string[]): RunScope {
  const scope: RunScope = new Map();
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
      throw new UsageError(`--only "${value}": expected SYSTEM or SYSTEM:TARGET[,TARGET...]`);
    const before = scope.get(system);
    scope.set(system, scope.has(system) && before === undefined ? undefined : [...(before ?? []), ...targets]);
  }
  return scope;
}

/**
 * A connector that reads only the targets in scope; discovery still runs (a few list calls).
 * Each target it finds and leaves out is told to `onSkipped`: a shard records them, so the merge
 * can check that another shard read them.
 */
export function limitTargets(
  connector: AnyConnector,
  targets: readonly string[] | undefined,
  onSkipped: (target: string) => void = () => {},
): AnyConnector {
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
        runTarget: (target, read) => {
          if (inScope(target)) return ctx.runTarget(target, read);
          onSkipped(target);
          return Promise.resolve(true);
        },
      };
      return connector.collect(config, limited);
    },
  };
}

/** Targets asked for by name (or glob) that discovery never found: failures, not empty reads. */
export function missingTargets(statuses: readonly SystemStatus[], scope: RunScope, now: Date): SystemStatus[] {
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
        gaps: [],
        calls: 0,
        collectedAt: now.toISOString(),
      });
    }
  }
  return out;
}
