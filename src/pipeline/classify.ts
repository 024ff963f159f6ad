// Classification happens here and nowhere else: each grant's lanes and level come from its
// connector's pure classify() under the config's lanes mapping, when collect() receives the
// grant and again whenever a saved snapshot (inventory.json, shards) is judged under a config.
import { readFile } from 'node:fs/promises';
import type { AnyConnector } from '../core/connector.js';
import { UsageError } from '../core/errors.js';
import { type Grant, type Snapshot, SnapshotSchema, type UnclassifiedGrant } from '../core/model.js';

export interface ClassifyingSystem {
  connector: AnyConnector;
  config: unknown;
}

/**
 * Recompute every grant's lanes and level with the connector of its system and the
 * current config, so a saved inventory judged under a new lanes mapping is judged right.
 * Grants of systems not configured keep the classification they were saved with.
 */
export function classifySnapshot(snapshot: Snapshot, systems: readonly ClassifyingSystem[]): Snapshot {
  const bySystem = new Map(systems.map((s) => [s.connector.id, s]));
  return {
    ...snapshot,
    grants: snapshot.grants.map((grant) => {
      const system = bySystem.get(grant.system);
      return system ? classifyGrant(system.connector, system.config, grant) : grant;
    }),
  };
}

/** One grant with the lanes (sorted, once each) and level its connector gives it under `config`. */
export function classifyGrant(connector: AnyConnector, config: unknown, grant: UnclassifiedGrant): Grant {
  const { lanes, level } = connector.classify({ ...grant, lanes: [], level: 'read' }, config);
  return { ...grant, lanes: [...new Set(lanes)].sort(), level };
}

/** Read and validate a saved snapshot. Throws a UsageError with the file name and the first bad field. */
export async function readSnapshot(path: string): Promise<Snapshot> {
  return (await readSnapshotFile(path)).snapshot;
}

/** A saved snapshot and the text it was read from. */
export async function readSnapshotFile(path: string): Promise<{ snapshot: Snapshot; text: string }> {
  let data: unknown;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not a readable JSON inventory (${(e as Error).message})`);
  }
  const parsed = SnapshotSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${path}: not a lanekeeper inventory: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`,
    );
  }
  return { snapshot: parsed.data, text };
}
