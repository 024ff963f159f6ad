// The GCP connector: IAM bindings at organisation, folder and project level (inherited down the
// tree), time-bound conditions decided with CEL, service accounts and their user-managed keys.
import type { Connector } from '../../src/core/connector.js';
import { classifyGcpGrant } from './classify.js';
import { collectGcp } from './collect.js';
import { startGcpEmulator } from './emulator.js';
import { GCP_OPERATIONS } from './operations.js';
import { type GcpScenario, GcpScenarioSchema } from './scenario.js';
import { type GcpConfig, GcpConfigSchema } from './schema.js';

export type { GcpScenario } from './scenario.js';
export type { GcpConfig } from './schema.js';

export const gcpConnector = {
  id: 'gcp',
  title: 'Google Cloud',
  configSchema: GcpConfigSchema,
  collect: (config, ctx) => collectGcp(config, ctx),
  classify: (grant, config) => classifyGcpGrant(grant, config),
  emulator: { scenarioSchema: GcpScenarioSchema, start: startGcpEmulator },
  operations: GCP_OPERATIONS,
} satisfies Connector<GcpConfig, GcpScenario>;
