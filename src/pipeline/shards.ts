// Merging shards: partial snapshots collected by separate runners (one per AWS account group,
// GCP folder, GitHub org, Slack workspace) into the one snapshot evaluate and report read. A
// merge must never double-count or silently mix weeks, so overlapping (system, target) pairs and
// shards from different days are refused, every problem named with its files at once.
import { basename } from 'node:path';
import { ExitCode, LanekeeperError } from '../core/errors.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../core/model.js';
import { readSnapshot } from './classify.js';

export interface LoadShardsOptions {
  /** Accept shards collected on different (UTC) days: the merged snapshot is as old as its oldest shard. */
  allowMixedDays?: boolean;
}

/** Every reason a set of shards cannot be merged, one line each, naming the files. */
export class ShardError extends LanekeeperError {
  override readonly name = 'ShardError';
  readonly exitCode = ExitCode.BAD_INPUT;
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
  lines(): string[] {
    return [...this.problems, 'nothing was judged'];
  }
}

/** The target a whole-system failure is recorded under; it names no target, so it never overlaps. */
const WHOLE_SYSTEM = '*';

export async function loadShards(paths: readonly string[], options: LoadShardsOptions = {}): Promise<Snapshot> {
  if (paths.length === 0) throw new ShardError(['LK_SHARD_NONE: give at least one inventory file']);
  const problems: string[] = [];
  const shards: { path: string; snapshot: Snapshot }[] = [];
  for (const path of paths) {
    try {
      shards.push({ path, snapshot: await readSnapshot(path) });
    } catch (e) {
      problems.push(`LK_SHARD_UNREADABLE: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ShardError(problems);
  const merged = mergeShards(shards, options);
  return merged;
}

/** The merge itself, for shards already in memory; throws ShardError listing every conflict. */
export function mergeShards(
  shards: readonly { path: string; snapshot: Snapshot }[],
  options: LoadShardsOptions = {},
): Snapshot {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const { path, snapshot } of shards) {
    // A shard may record the same target twice only if its own collection did (it never does).
    const own = new Set<string>();
    for (const s of snapshot.systems) {
      if (s.target === WHOLE_SYSTEM) continue;
      const key = JSON.stringify([s.system, s.target]);
      if (own.has(key)) continue;
      own.add(key);
      const first = owner.get(key);
      if (first !== undefined) {
        problems.push(
          `LK_SHARD_OVERLAP: ${s.system} ${s.target} is in both ${first} and ${path}; collect each target in one shard only`,
        );
      } else owner.set(key, path);
    }
  }

  const days = new Map<string, string[]>();
  for (const { path, snapshot } of shards) {
    const day = snapshot.collectedAt.slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), path]);
  }
  if (days.size > 1 && !options.allowMixedDays) {
    const listing = [...days.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([day, files]) => `${day}: ${files.map((f) => basename(f)).join(', ')}`)
      .join('; ');
    problems.push(
      `LK_SHARD_MIXED_DAYS: the shards were collected on different days (${listing}); collect them again the same day, or pass --allow-mixed-days`,
    );
  }
  if (problems.length > 0) throw new ShardError(problems);

  const collectedAt = shards.map((s) => s.snapshot.collectedAt).sort()[0] ?? new Date(0).toISOString();
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    collectedAt,
    systems: shards.flatMap((s) => s.snapshot.systems),
    accounts: shards.flatMap((s) => s.snapshot.accounts),
    grants: shards.flatMap((s) => s.snapshot.grants),
    credentials: shards.flatMap((s) => s.snapshot.credentials),
    secrets: shards.flatMap((s) => s.snapshot.secrets),
  };
}
