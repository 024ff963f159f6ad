// The connector registry with every wait shrunk to milliseconds: retries, Retry-After, backoff
// and credential-report polls, as each connector's test kit says. The fault tests put it in place
// of connectors/index.ts (vi.mock), so the CLI runs exactly the customer's code path, only
// without waiting real seconds.
import { vi } from 'vitest';
import type { AnyConnector, ConnectorTestKit } from '../../src/core/connector.js';

const actual = await vi.importActual<typeof import('../../connectors/index.js')>('../../connectors/index.js');
const kits: readonly ConnectorTestKit[] = await Promise.all(actual.connectors.map((c) => c.testKit()));

export const connectors: readonly AnyConnector[] = kits.map((kit) => kit.fast);

export function connectorById(id: string): AnyConnector | undefined {
  return connectors.find((c) => c.id === id);
}

/** Config fields that shorten the waits a connector's config controls, by connector id. */
export const fastConfig: Readonly<Record<string, Record<string, unknown>>> = Object.fromEntries(
  kits.map((kit) => [kit.fast.id, kit.fastConfig ?? {}]),
);
