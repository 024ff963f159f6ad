// The GCP connector: IAM bindings at organisation, folder and project level (inherited down the
// tree), time-bound conditions decided with CEL, service accounts and their user-managed keys.
// Only pure, cheap modules are imported here: the SDK loads when collect() first runs.
import type { Connector } from '../../src/core/connector.js';
import { classifyGcpGrant } from './classify.js';
import { type GcpScenario, GcpScenarioSchema } from './emulator/scenario.js';
import { GCP_OPERATIONS } from './operations.js';
import { offboarding, remediation } from './remediation.js';
import { type GcpConfig, GcpConfigSchema } from './schema.js';

export type { GcpScenario } from './emulator/scenario.js';
export type { GcpConfig } from './schema.js';

export const gcpConnector: Connector<GcpConfig, GcpScenario> = {
  id: 'gcp',
  title: 'Google Cloud',
  configSchema: GcpConfigSchema,
  collect: async (config, ctx) => (await import('./collect.js')).collectGcp(config, ctx),
  classify: classifyGcpGrant,
  remediation,
  offboarding,
  emulator: {
    scenarioSchema: GcpScenarioSchema,
    start: async (scenario, options) => (await import('./emulator/index.js')).startGcpEmulator(scenario, options),
  },
  operations: GCP_OPERATIONS,
  endpoints: [{ field: 'endpoint', officialHosts: ['googleapis.com'] }],
  testKit: async () => (await import('./test-kit.js')).gcpTestKit(gcpConnector),
};
