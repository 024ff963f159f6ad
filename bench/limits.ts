// What the benchmark's emulators enforce, what its collectors may run at and the fewest calls a
// full read takes: each from the connector's own test kit, so a new system brings its own.
import { connectors } from '../connectors/index.js';
import type { ConnectorTestKit } from '../src/core/connector.js';

const kits = new Map<string, ConnectorTestKit>(
  await Promise.all(connectors.map(async (c) => [c.id, await c.testKit()] as const)),
);

/** Every system of the registry, in its order. */
export const SYSTEMS: readonly string[] = connectors.map((c) => c.id);

function kitOf(system: string): ConnectorTestKit {
  const kit = kits.get(system);
  if (!kit) throw new Error(`no connector "${system}" in the registry`);
  return kit;
}

/** The limits a system's emulator enforces in the benchmark, as the service does. */
export const limitsOf = (system: string) => kitOf(system).bench.rateLimits;

/** Requests in flight the benchmark runs a system at. */
export const concurrencyOf = (system: string) => kitOf(system).bench.concurrency;

/** The fewest calls that read everything a system's scenario holds, per operation. */
export const minimumOf = (system: string, scenario: unknown): Record<string, number> =>
  kitOf(system).bench.minimumCalls(scenario);

/** With windows per caller: the fewest calls of each caller (undefined when the windows are shared). */
export const minimumPerCallerOf = (system: string, scenario: unknown): number[] | undefined =>
  kitOf(system).bench.minimumCallsPerCaller?.(scenario);

export const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
