// The AWS connector: IAM users, groups, roles, policies, root, access keys and console
// passwords, role trust and IAM Identity Center, in one account or every account of an
// AWS Organization, with each principal's effective access sorted into lanes.
import type { Connector } from '../../src/core/connector.js';
import { classifyAwsGrant } from './classify.js';
import type { AwsTuning } from './clients.js';
import { collectAws } from './collect.js';
import { startAwsEmulator } from './emulator.js';
import { AWS_OPERATIONS } from './operations.js';
import { type AwsScenario, AwsScenarioSchema } from './scenario.js';
import { type AwsConfig, AwsConfigSchema } from './schema.js';

export type { AwsTuning } from './clients.js';
export type { AwsScenario } from './scenario.js';
export type { AwsConfig } from './schema.js';

/** An AWS connector; tests pass tuning to make retries and report polls take milliseconds. */
export function createAwsConnector(tuning: AwsTuning = {}): Connector<AwsConfig, AwsScenario> {
  return {
    id: 'aws',
    title: 'AWS',
    configSchema: AwsConfigSchema,
    collect: (config, ctx) => collectAws(config, ctx, tuning),
    classify: (grant, config) => classifyAwsGrant(grant, config),
    emulator: { scenarioSchema: AwsScenarioSchema, start: startAwsEmulator },
    operations: AWS_OPERATIONS,
  };
}

export const awsConnector = createAwsConnector();
