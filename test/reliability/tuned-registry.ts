// A connector registry with every wait shrunk to milliseconds (retries, Retry-After, backoff,
// credential-report polls), as each connector's own test kit says. The fault tests put it in
// place of connectors/index.ts (vi.mock), so the CLI runs exactly the customer's code path,
// only without waiting real seconds.
import { vi } from 'vitest';
import type { AnyConnector } from '../../src/core/connector.js';

export interface FastRegistry {
  connectors: readonly AnyConnector[];
  connectorById(id: string): AnyConnector | undefined;
}

/** The fast twin of each connector in `registry`, as a registry module. */
export async function fastRegistry(registry: readonly AnyConnector[]): Promise<FastRegistry> {
  const connectors = await Promise.all(registry.map(async (c) => (await c.testKit()).fast));
  return { connectors, connectorById: (id) => connectors.find((c) => c.id === id) };
}

/** The real registry, made fast. */
export async function tunedRegistry(): Promise<FastRegistry> {
  return fastRegistry(
    (await vi.importActual<typeof import('../../connectors/index.js')>('../../connectors/index.js')).connectors,
  );
}
