// Runs the Slack connector against its emulator the way a scan does (src/collect.ts), with
// retry waits shrunk to nothing, and fails any test whose client asked for a method the
// emulator does not know.
import { afterEach, expect } from 'vitest';
import type { ClientTuning } from '../../../connectors/slack/client.js';
import { startSlackEmulator } from '../../../connectors/slack/emulator/index.js';
import { SlackScenarioSchema } from '../../../connectors/slack/emulator/scenario.js';
import { createSlackConnector } from '../../../connectors/slack/index.js';
import { SlackConfigSchema } from '../../../connectors/slack/schema.js';
import type { EmulatorOptions, RunningEmulator } from '../../../src/core/connector.js';
import type { EmulatorRequest } from '../../../src/core/emulator-kit.js';
import type { Logger } from '../../../src/core/log.js';
import type { Snapshot } from '../../../src/core/model.js';
import { collect } from '../../../src/pipeline/collect.js';

export const NOW = new Date('2026-11-29T09:00:00Z');
export const FAST: ClientTuning = { msPerSecond: 0, timeoutMs: 5_000 };

const running: RunningEmulator[] = [];
const unknown: EmulatorRequest[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  const asked = unknown.splice(0);
  expect(
    asked.map((r) => `${r.method} ${r.path}`),
    'requests the emulator does not know',
  ).toEqual([]);
});

export async function startEmulator(
  scenario: unknown,
  options: Partial<EmulatorOptions> = {},
): Promise<RunningEmulator> {
  const emulator = await startSlackEmulator(
    SlackScenarioSchema.parse(scenario),
    { now: NOW, ...options },
    { onUnknown: (r) => unknown.push(r) },
  );
  running.push(emulator);
  return emulator;
}

export interface RunOptions {
  lanes?: { data?: string[]; production?: string[] };
  tuning?: ClientTuning;
  /** Present a different token than the emulator expects. */
  token?: string;
  log?: Logger;
}

/** The config block a user would write, with the sandbox's `${ENV}` reference resolved. */
export function configFor(emulator: RunningEmulator, options: RunOptions = {}) {
  const token = options.token ?? Object.values(emulator.env)[0];
  return SlackConfigSchema.parse({ ...emulator.config, token, lanes: options.lanes ?? {} });
}

export async function scanSlack(emulator: RunningEmulator, options: RunOptions = {}): Promise<Snapshot> {
  const connector = createSlackConnector(options.tuning ?? FAST);
  const log = options.log ?? { info() {}, warn() {}, debug() {} };
  return collect([{ connector, config: configFor(emulator, options) }], { now: NOW, log, clock: () => 0 });
}

/** The records of a snapshot without its timings: what "same inventory" compares. */
export function inventoryOf(snapshot: Snapshot) {
  return { accounts: snapshot.accounts, grants: snapshot.grants, warnings: snapshot.systems.map((s) => s.warnings) };
}
