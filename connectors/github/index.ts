// The GitHub connector: organisation members, outside collaborators, teams, repo access,
// invitations, deploy keys, fine-grained PAT grants, Actions secret names and environments.
import type { Connector } from '../../src/core/connector.js';
import { classifyGithubGrant } from './classify.js';
import type { ClientTuning } from './client.js';
import { collectGithub } from './collect.js';
import { startGithubEmulator } from './emulator.js';
import { GITHUB_OPERATIONS } from './operations.js';
import { type GithubScenario, GithubScenarioSchema } from './scenario.js';
import { type GithubConfig, GithubConfigSchema } from './schema.js';

export type { GithubScenario } from './scenario.js';
export type { GithubConfig } from './schema.js';

/** A GitHub connector; tests pass tuning to make rate-limit and retry waits milliseconds. */
export function createGithubConnector(tuning: ClientTuning = {}): Connector<GithubConfig, GithubScenario> {
  return {
    id: 'github',
    title: 'GitHub',
    configSchema: GithubConfigSchema,
    collect: (config, ctx) => collectGithub(config, ctx, tuning),
    classify: (grant, config) => classifyGithubGrant(grant, config),
    emulator: { scenarioSchema: GithubScenarioSchema, start: startGithubEmulator },
    operations: GITHUB_OPERATIONS,
  };
}

export const githubConnector = createGithubConnector();
