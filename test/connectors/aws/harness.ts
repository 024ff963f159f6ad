// Runs the AWS connector against its emulator the way a scan does (through collect()), and
// fails loudly on any request the emulator does not know.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type AwsScenario, AwsScenarioSchema } from '../../../connectors/aws/emulator/scenario.js';
import { type AwsTuning, createAwsConnector } from '../../../connectors/aws/index.js';
import { AwsConfigSchema } from '../../../connectors/aws/schema.js';
import type { EmulatorOptions, FaultPlan, RunningEmulator } from '../../../src/core/connector.js';
import { resolveRelativeDates } from '../../../src/core/dates.js';
import { silentLogger } from '../../../src/core/log.js';
import type { Snapshot } from '../../../src/core/model.js';
import { collect } from '../../../src/pipeline/collect.js';

export const NOW = new Date('2026-11-29T09:00:00.000Z');
/** Retries and report polls in milliseconds: faults cost nothing in tests. */
export const FAST: AwsTuning = { retryDelayMs: 1, reportPollMs: 1, maxAttempts: 4 };
export const DEMO_LANES = { production: ['northwind-production'], staging: ['northwind-staging'] };

/** The demo's scenario as plain JSON (dates resolved), for tests to vary. */
export async function demoScenarioJson(): Promise<Record<string, unknown>> {
  const path = join(import.meta.dirname, '../../../examples/demo/aws.scenario.json');
  return JSON.parse(resolveRelativeDates(await readFile(path, 'utf8'), NOW)) as Record<string, unknown>;
}

export interface Run {
  snapshot: Snapshot;
  emulator: RunningEmulator;
}

export interface RunOptions {
  emulator?: Partial<EmulatorOptions>;
  /** Config fields over the emulator's block (accounts instead of organization, lanes). */
  config?: Record<string, unknown>;
  tuning?: AwsTuning;
  concurrency?: number;
}

/** Run options under which each of these operations fails every time, with no retry. */
export function failingEvery(...operations: string[]): RunOptions {
  return {
    tuning: { maxAttempts: 1 },
    emulator: { faults: { seed: 1, rate: 1, persistent: true, kinds: ['server-error'], operations } },
  };
}

export async function runAgainstEmulator(scenarioInput: unknown, options: RunOptions = {}): Promise<Run> {
  const connector = createAwsConnector({ ...FAST, ...options.tuning });
  const scenario: AwsScenario = AwsScenarioSchema.parse(scenarioInput);
  const emulator = await connector.emulator.start(scenario, { now: NOW, ...options.emulator });
  try {
    const block = interpolate(emulator.config, emulator.env);
    const config = AwsConfigSchema.parse({ ...block, lanes: DEMO_LANES, ...options.config });
    const snapshot = await collect([{ connector, config }], {
      now: NOW,
      log: silentLogger,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
    const unknown = emulator.requests.filter((r) => r.operation === 'unknown');
    if (unknown.length > 0) throw new Error(`requests the emulator does not know: ${JSON.stringify(unknown)}`);
    return { snapshot, emulator };
  } finally {
    await emulator.close();
  }
}

/** What the config loader does with `${VAR}`: the emulator's block with its fake secrets filled in. */
export function interpolate(block: Record<string, unknown>, env: Record<string, string>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(block).replace(/\$\{([A-Z0-9_]+)\}/g, (m, name: string) => env[name] ?? m),
  ) as Record<string, unknown>;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The records of a snapshot, without timings: what must not change with paging or faults.
 * Targets finish in any order under concurrency, so records are sorted across targets.
 */
export function inventory(s: Snapshot) {
  const key = (v: unknown) => JSON.stringify(v);
  return {
    accounts: [...s.accounts].sort((a, b) => cmp(key([a.target, a.id]), key([b.target, b.id]))),
    grants: [...s.grants].sort((a, b) => cmp(key(a), key(b))),
    credentials: [...s.credentials].sort((a, b) => cmp(key(a), key(b))),
  };
}

export function statusOf(s: Snapshot, target: string) {
  return s.systems.find((x) => x.target === target);
}

/**
 * Reads the scenario clean, and again at page size 1 with half the given operations' requests
 * throttled or failing: the inventory must be the same, and the faults must really have happened.
 */
export async function expectSameUnderFaults(
  scenario: unknown,
  faults: Omit<FaultPlan, 'rate'>,
  atLeastFaulted: number,
): Promise<void> {
  const clean = await runAgainstEmulator(scenario);
  const faulty = await runAgainstEmulator(scenario, { emulator: { pageSize: 1, faults: { rate: 0.5, ...faults } } });
  expect(faulty.emulator.requests.filter((r) => r.fault !== undefined).length).toBeGreaterThanOrEqual(atLeastFaulted);
  expect(inventory(faulty.snapshot)).toEqual(inventory(clean.snapshot));
}
