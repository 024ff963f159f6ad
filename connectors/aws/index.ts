// The AWS connector: IAM users, groups, roles, policies, root, access keys and console
// passwords, role trust and IAM Identity Center, in one account or every account of an
// AWS Organization, with each principal's effective access sorted into lanes.
// Only pure, cheap modules are imported here: the SDK loads when collect() first runs.
import type { Connector } from '../../src/core/connector.js';
import { classifyAwsGrant } from './classify.js';
import type { AwsTuning } from './clients.js';
import { type AwsScenario, AwsScenarioSchema } from './emulator/scenario.js';
import { AWS_OPERATIONS } from './operations.js';
import { remediation } from './remediation.js';
import { type AwsConfig, AwsConfigSchema } from './schema.js';

export type { AwsTuning } from './clients.js';
export type { AwsScenario } from './emulator/scenario.js';
export type { AwsConfig } from './schema.js';

/** An AWS connector; tests pass tuning to make retries and report polls take milliseconds. */
export function createAwsConnector(tuning: AwsTuning = {}): Connector<AwsConfig, AwsScenario> {
  return {
    id: 'aws',
    title: 'AWS',
    configSchema: AwsConfigSchema,
    collect: async (config, ctx) => (await import('./collect.js')).collectAws(config, ctx, tuning),
    classify: classifyAwsGrant,
    remediation,
    offboarding: {},
    emulator: {
      scenarioSchema: AwsScenarioSchema,
      start: async (scenario, options) => (await import('./emulator/index.js')).startAwsEmulator(scenario, options),
    },
    operations: AWS_OPERATIONS,
    endpoints: [{ field: 'endpoint', officialHosts: ['amazonaws.com', 'amazonaws.com.cn', 'api.aws'] }],
    testKit: async () => (await import('./test-kit.js')).awsTestKit(createAwsConnector),
  };
}

export const awsConnector = createAwsConnector();
