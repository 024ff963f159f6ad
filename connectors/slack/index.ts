// The Slack connector: members, admins and owners, guests and their expiry, 2FA, channel
// memberships (the data-lane channels among them) and Slack Connect shares of one workspace.
// Only pure, cheap modules are imported here: the SDK loads when collect() first runs.
import type { Connector } from '../../src/core/connector.js';
import { classifySlackGrant } from './classify.js';
import type { ClientTuning } from './client.js';
import { type SlackScenario, SlackScenarioSchema } from './emulator/scenario.js';
import { SLACK_OPERATIONS } from './operations.js';
import { remediation } from './remediation.js';
import { type SlackConfig, SlackConfigSchema } from './schema.js';

export type { ClientTuning } from './client.js';
export type { SlackScenario } from './emulator/scenario.js';
export type { SlackConfig } from './schema.js';

/** A connector whose waits and retries are tuned (tests, the benchmark); the registry uses the default. */
export function createSlackConnector(tuning: ClientTuning = {}): Connector<SlackConfig, SlackScenario> {
  return {
    id: 'slack',
    title: 'Slack',
    configSchema: SlackConfigSchema,
    collect: async (config, ctx) => (await import('./collect.js')).createCollect(tuning)(config, ctx),
    classify: classifySlackGrant,
    remediation,
    offboarding: {},
    emulator: {
      scenarioSchema: SlackScenarioSchema,
      start: async (scenario, options) => (await import('./emulator/index.js')).startSlackEmulator(scenario, options),
    },
    operations: SLACK_OPERATIONS,
    endpoints: [{ field: 'slackApiUrl', officialHosts: ['slack.com'] }],
    testKit: async () => (await import('./test-kit.js')).slackTestKit(createSlackConnector),
  };
}

export const slackConnector = createSlackConnector();
