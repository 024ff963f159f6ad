// Merging shards: partial snapshots collected by separate runners (one per AWS account group,
// GCP folder, GitHub org, Slack workspace) into the one snapshot evaluate and report read.
//
// A merge must never look complete while part of the company was never read. So it is checked
// against what was expected, not only against itself:
// - refused outright (exit 2, every problem named with its files): shards that overlap, the same
//   shard twice, shards collected further apart than the collection window, shards collected for
//   another company or another register;
// - failed targets (exit 3 through the scan's verdict): a system the config enables that no shard
//   holds, and a target one shard discovered and left to others that no shard read.
import { basename } from 'node:path';
import { ExitCode, LanekeeperError } from '../core/errors.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot, type SystemStatus } from '../core/model.js';
import { readSnapshotFile } from './inventory-file.js';

/** Shards of one run are collected within this many hours of each other. */
export const COLLECTION_WINDOW_HOURS = 6;

export interface LoadShardsOptions {
  /** Accept shards collected further apart than the window: the merged snapshot is as old as its oldest shard. */
  allowMixedDays?: boolean;
}

/** What the merging scan expects the shards to hold. */
export interface ShardExpectation {
  /** Systems the config enables: each must be in some shard. */
  systems: readonly string[];
  /** The company the merging config or register names. */
  organization: string;
  /** sha256 of the merging scan's register text. */
  registerDigest: string;
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

export interface Shard {
  path: string;
  snapshot: Snapshot;
  /** sha256 of the file's bytes: the same shard given twice is refused. */
  digest?: string;
}

export async function loadShards(
  paths: readonly string[],
  options: LoadShardsOptions & { expect?: ShardExpectation } = {},
): Promise<Snapshot> {
  if (paths.length === 0) throw new ShardError(['LK_SHARD_NONE: give at least one inventory file']);
  const problems: string[] = [];
  const shards: Shard[] = [];
  for (const path of paths) {
    try {
      shards.push({ path, ...(await readSnapshotFile(path)) });
    } catch (e) {
      problems.push(`LK_SHARD_UNREADABLE: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ShardError(problems);
  const merged = mergeShards(shards, options);
  return options.expect ? withExpectedTargets(merged, shards, options.expect) : merged;
}

/** The merge itself, for shards already in memory; throws ShardError listing every conflict. */
export function mergeShards(
  shards: readonly Shard[],
  options: LoadShardsOptions & { expect?: ShardExpectation } = {},
): Snapshot {
  const problems: string[] = [];
  const byDigest = new Map<string, string>();
  for (const { path, digest } of shards) {
    if (digest === undefined) continue;
    const first = byDigest.get(digest);
    if (first !== undefined)
      problems.push(`LK_SHARD_DUPLICATE: ${path} is the same shard as ${first}; give each shard once`);
    else byDigest.set(digest, path);
  }
  const owner = new Map<string, string>();
  for (const { path, snapshot, digest } of shards) {
    if (digest !== undefined && byDigest.get(digest) !== path) continue;
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

  const times = shards.map((s) => ({ path: s.path, at: Date.parse(s.snapshot.collectedAt) }));
  const earliest = Math.min(...times.map((t) => t.at));
  const latest = Math.max(...times.map((t) => t.at));
  if (latest - earliest > COLLECTION_WINDOW_HOURS * 3_600_000 && !options.allowMixedDays) {
    const listing = [...shards]
      .sort((a, b) => (a.snapshot.collectedAt < b.snapshot.collectedAt ? -1 : 1))
      .map((s) => `${s.snapshot.collectedAt.slice(0, 16).replace('T', ' ')} ${basename(s.path)}`)
      .join('; ');
    problems.push(
      `LK_SHARD_WINDOW: the shards were collected more than ${COLLECTION_WINDOW_HOURS} hours apart (${listing}); collect them again in one run, or pass --allow-mixed-days`,
    );
  }

  const expected = options.expect;
  if (expected) {
    for (const { path, snapshot } of shards) {
      const source = snapshot.source;
      if (source?.organization !== undefined && source.organization !== expected.organization)
        problems.push(
          `LK_SHARD_OTHER_ORG: ${path} was collected for "${source.organization}", not "${expected.organization}"`,
        );
      if (source?.registerDigest !== undefined && source.registerDigest !== expected.registerDigest)
        problems.push(
          `LK_SHARD_OTHER_REGISTER: ${path} was collected with another register than this scan's; collect the shards and merge them with the same config and register`,
        );
    }
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

/**
 * The merge with a failed target for everything expected that no shard read: a system the config
 * enables that is in no shard, and a target a shard discovered and left to the others.
 */
export function withExpectedTargets(
  merged: Snapshot,
  shards: readonly Shard[],
  expected: Pick<ShardExpectation, 'systems'>,
): Snapshot {
  const read = new Set(merged.systems.map((s) => JSON.stringify([s.system, s.target])));
  const systemsRead = new Set(merged.systems.map((s) => s.system));
  const missing: SystemStatus[] = [];
  const failed = (system: string, target: string, error: string): SystemStatus => ({
    system,
    target,
    ok: false,
    error,
    warnings: [],
    gaps: [],
    calls: 0,
    collectedAt: merged.collectedAt,
  });
  for (const system of expected.systems) {
    if (!systemsRead.has(system))
      missing.push(
        failed(
          system,
          WHOLE_SYSTEM,
          `no shard holds ${system}: collect it (lanekeeper collect --only ${system}) and merge again`,
        ),
      );
  }
  const reported = new Set<string>();
  for (const { path, snapshot } of shards) {
    for (const { system, target } of snapshot.skipped ?? []) {
      const key = JSON.stringify([system, target]);
      if (read.has(key) || reported.has(key)) continue;
      reported.add(key);
      missing.push(
        failed(
          system,
          target,
          `${basename(path)} found ${system} ${target} and left it to another shard, but no shard read it`,
        ),
      );
    }
  }
  return missing.length === 0 ? merged : { ...merged, systems: [...merged.systems, ...missing] };
}
