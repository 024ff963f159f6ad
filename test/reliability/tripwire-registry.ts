// The real registry with every collect() replaced by a tripwire: config blocks are checked by the
// real schemas, but a scan that gets as far as reading a system is recorded instead of run.
import type { AnyConnector } from '../../src/core/connector.js';

/** Ids of the systems a scan tried to read. */
export const collected: string[] = [];

export function tripwired(real: readonly AnyConnector[]) {
  const connectors: readonly AnyConnector[] = real.map((c) => ({
    ...c,
    collect: async () => {
      collected.push(c.id);
      throw new Error(`tripwire: ${c.id} was read`);
    },
  }));
  return { connectors, connectorById: (id: string) => connectors.find((c) => c.id === id) };
}
