// Runs the GitHub connector against its emulator the way a scan does (through collect()),
// and fails loudly on any request the emulator does not know.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GithubScenarioSchema } from '../../../connectors/github/emulator/scenario.js';
import { createGithubConnector, type GithubScenario } from '../../../connectors/github/index.js';
import { GithubConfigSchema } from '../../../connectors/github/schema.js';
import type { EmulatorOptions, RunningEmulator } from '../../../src/core/connector.js';
import { resolveRelativeDates } from '../../../src/core/dates.js';
import { silentLogger } from '../../../src/core/log.js';
import type { Snapshot } from '../../../src/core/model.js';
import { collect } from '../../../src/pipeline/collect.js';

export const NOW = new Date('2026-11-29T09:00:00.000Z');
/** Plugin waits in milliseconds instead of seconds: faults cost nothing in tests. */
export const FAST = { msPerSecond: 1 } as const;

export async function demoScenario(): Promise<GithubScenario> {
  const path = join(import.meta.dirname, '../../../examples/demo/github.scenario.json');
  return GithubScenarioSchema.parse(JSON.parse(resolveRelativeDates(await readFile(path, 'utf8'), NOW)));
}

export interface Run {
  snapshot: Snapshot;
  emulator: RunningEmulator;
  token: string;
}

export interface RunOptions {
  emulator?: Partial<EmulatorOptions>;
  /** Config fields over the emulator's block (a wrong token, another org, lanes). */
  config?: Record<string, unknown>;
  tuning?: Parameters<typeof createGithubConnector>[0];
  /** collect()'s concurrency override; 1 makes the request order, and so the faults, reproducible. */
  concurrency?: number;
  /** Told the emulator's URL once it listens (a test that puts something between the two). */
  onStarted?: (url: string) => void;
}

export async function runAgainstEmulator(scenarioInput: unknown, options: RunOptions = {}): Promise<Run> {
  const connector = createGithubConnector({ ...FAST, ...options.tuning });
  const scenario = GithubScenarioSchema.parse(scenarioInput);
  const emulator = await connector.emulator.start(scenario, { now: NOW, ...options.emulator });
  options.onStarted?.(emulator.url);
  try {
    const token = Object.values(emulator.env)[0] as string;
    const config = GithubConfigSchema.parse({
      ...emulator.config,
      token,
      lanes: { production: ['northwind/infra'] },
      ...options.config,
    });
    const snapshot = await collect([{ connector, config }], {
      now: NOW,
      log: silentLogger,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
    const unknown = emulator.requests.filter((r) => r.operation === 'unknown');
    if (unknown.length > 0) throw new Error(`requests the emulator does not know: ${JSON.stringify(unknown)}`);
    return { snapshot, emulator, token };
  } finally {
    await emulator.close();
  }
}

/** The records of a snapshot, without timings: what must not change with paging or faults. */
export function inventory(s: Snapshot) {
  return { accounts: s.accounts, grants: s.grants, credentials: s.credentials, secrets: s.secrets };
}
