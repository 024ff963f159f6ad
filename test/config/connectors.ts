// Stand-ins for the registry's connectors with config schemas shaped like the real ones, so the
// config loader is tested on its own terms while the connectors are still being written.
import { z } from 'zod';
import { ConnectorCommonSchema } from '../../src/core/config.js';
import type { AnyConnector } from '../../src/core/connector.js';
import { fakeConnector } from '../support/fake-connector.js';

function connector(id: string, configSchema: z.ZodType): AnyConnector {
  return fakeConnector({ id, configSchema });
}

export const testConnectors: readonly AnyConnector[] = [
  connector(
    'github',
    z.strictObject({
      ...ConnectorCommonSchema.shape,
      org: z.string().min(1),
      baseUrl: z.url().optional(),
      token: z.string().min(1),
      lanes: z
        .strictObject({ production: z.array(z.string()).default([]), data: z.array(z.string()).default([]) })
        .default({ production: [], data: [] }),
    }),
  ),
  // Deliberately without the common settings: the loader fills their defaults.
  connector(
    'slack',
    z.strictObject({ token: z.string().min(1), apiUrl: z.url().optional(), enabled: z.boolean().optional() }),
  ),
];
