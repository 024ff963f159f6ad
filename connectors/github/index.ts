// The GitHub connector: organisation members, outside collaborators, teams, repo access,
// invitations, deploy keys, fine-grained PAT grants, Actions secret names and environments.
// Only pure, cheap modules are imported here: the SDK loads when collect() first runs.
import type { Connector } from '../../src/core/connector.js';
import { classifyGithubGrant } from './classify.js';
import type { ClientTuning } from './client.js';
import { type GithubScenario, GithubScenarioSchema } from './emulator/scenario.js';
import { GITHUB_OPERATIONS } from './operations.js';
import { offboarding, remediation } from './remediation.js';
import { type GithubConfig, GithubConfigSchema } from './schema.js';

export type { ClientTuning } from './client.js';
export type { GithubScenario } from './emulator/scenario.js';
export type { GithubConfig } from './schema.js';

/** A GitHub connector; tests pass tuning to make rate-limit and retry waits milliseconds. */
export function createGithubConnector(tuning: ClientTuning = {}): Connector<GithubConfig, GithubScenario> {
  return {
    id: 'github',
    title: 'GitHub',
    configSchema: GithubConfigSchema,
    collect: async (config, ctx) => (await import('./collect.js')).collectGithub(config, ctx, tuning),
    classify: classifyGithubGrant,
    remediation,
    offboarding,
    emulator: {
      scenarioSchema: GithubScenarioSchema,
      start: async (scenario, options) => (await import('./emulator/index.js')).startGithubEmulator(scenario, options),
    },
    operations: GITHUB_OPERATIONS,
    endpoints: [{ field: 'baseUrl', officialHosts: ['api.github.com'] }],
    testKit: async () => (await import('./test-kit.js')).githubTestKit(createGithubConnector),
  };
}

export const githubConnector = createGithubConnector();
