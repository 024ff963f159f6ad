// The Slack connector: members, admins and owners, guests and their expiry, 2FA, channel
// memberships (the data-lane channels among them) and Slack Connect shares of one workspace.
import type { Connector } from '../../src/core/connector.js';
import { classifySlackGrant } from './classify.js';
import type { ClientTuning } from './client.js';
import { createCollect } from './collect.js';
import { slackEmulator } from './emulator.js';
import { SLACK_OPERATIONS } from './operations.js';
import type { SlackScenario } from './scenario.js';
import { type SlackConfig, SlackConfigSchema } from './schema.js';

export type { ClientTuning } from './client.js';
export { startSlackEmulator } from './emulator.js';
export type { SlackScenario } from './scenario.js';
export type { SlackConfig } from './schema.js';

/** A connector whose waits and retries are tuned (tests, the benchmark); the registry uses the default. */
export function createSlackConnector(tuning: ClientTuning = {}): Connector<SlackConfig, SlackScenario> {
  return {
    id: 'slack',
    title: 'Slack',
    configSchema: SlackConfigSchema,
    collect: createCollect(tuning),
    classify: classifySlackGrant,
    emulator: slackEmulator,
    operations: SLACK_OPERATIONS,
  };
}

export const slackConnector = createSlackConnector();
