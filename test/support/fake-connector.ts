// A connector for tests that exercise the core's side of the contract (config loading, collect,
// remediation lookups) without a real system: every part it is not given refuses to be used.
import { z } from 'zod';
import type { AnyConnector } from '../../src/core/connector.js';

const unused = (what: string) => () => Promise.reject(new Error(`${what} is not used in this test`));

export function fakeConnector(parts: Partial<AnyConnector> & Pick<AnyConnector, 'id'>): AnyConnector {
  return {
    title: parts.id,
    configSchema: z.unknown(),
    collect: unused('collect'),
    classify: () => ({ lanes: [], level: 'read' }),
    remediation: {
      revokeGrant: () => ({ steps: [], commands: [] }),
      removeAccount: () => ({ steps: [], commands: [] }),
      revokeCredential: () => ({ steps: [], commands: [] }),
    },
    offboarding: {},
    emulator: { scenarioSchema: z.unknown(), start: unused('the emulator') },
    operations: [],
    testKit: unused('the test kit'),
    ...parts,
  };
}
