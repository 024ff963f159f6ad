// Where the commands that work from a scan get it: a fresh collect through the config's systems
// (as `lanekeeper scan` does), or a saved inventory.json. Shared by offboard and register init.
import { connectors } from '../../../connectors/index.js';
import type { Logger } from '../../core/log.js';
import type { Snapshot } from '../../core/model.js';
import { classifySnapshot } from '../classify.js';
import { collect } from '../collect.js';
import { type LoadedConfig, loadConfig } from '../config/index.js';
import { readSnapshot } from '../inventory-file.js';

/** Reads the config; with an inventory beside it, a config with no enabled system is fine. Throws InputError. */
export function readConfig(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  withInventory: boolean,
): Promise<LoadedConfig> {
  // With an inventory nothing is called: the config gives lanes and policy, its secrets are not needed.
  return loadConfig(path, { env, connectors, allowNoSystems: withInventory, offline: withInventory });
}

export interface ScanSource {
  config?: LoadedConfig;
  inventoryPath?: string;
  now: Date;
  log: Logger;
}

/**
 * With an inventory, its records (re-classified under the config's lanes when a config is given);
 * otherwise a fresh collect through the config's systems. Throws Error for an unreadable inventory.
 */
export async function readScan(source: ScanSource): Promise<Snapshot> {
  const systems = (source.config?.systems ?? []).map((s) => ({ connector: s.connector, config: s.config }));
  if (source.inventoryPath) return classifySnapshot(await readSnapshot(source.inventoryPath), systems);
  if (!source.config) throw new Error('give --config FILE or --inventory FILE');
  return collect(systems, { now: source.now, log: source.log });
}
