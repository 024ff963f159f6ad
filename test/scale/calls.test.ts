// A generated organisation read end to end: every system within 1.2× the fewest calls that can
// read it (bench/minimum.ts), and the sequential baseline (--concurrency 1) reading the very same
// inventory. The benchmark runs the same at medium and large scale; this keeps CI honest cheaply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrganisation, type ScaleSize } from '../../bench/generate.js';
import { minimumOf, minimumPerCallerOf, SYSTEMS, total } from '../../bench/limits.js';
import { createAwsConnector } from '../../connectors/aws/index.js';
import { gcpConnector } from '../../connectors/gcp/index.js';
import { createGithubConnector } from '../../connectors/github/index.js';
import { createSlackConnector } from '../../connectors/slack/index.js';
import { type Sandbox, sandboxConfig, startSandbox } from '../../src/app/sandbox.js';
import type { AnyConnector } from '../../src/core/connector.js';
import { createLogger } from '../../src/core/log.js';
import type { Snapshot } from '../../src/core/model.js';
import { collect } from '../../src/pipeline/collect.js';

const NOW = new Date('2026-11-29T09:00:00Z');
const SMALL: ScaleSize = {
  repos: 110,
  members: 30,
  teams: 8,
  awsAccounts: 3,
  gcpProjects: 6,
  slackUsers: 60,
  slackChannels: 6,
};
const connectors: AnyConnector[] = [
  createGithubConnector({ msPerSecond: 1 }),
  createAwsConnector({ retryDelayMs: 1, reportPollMs: 1 }),
  gcpConnector,
  createSlackConnector({ msPerSecond: 1 }),
];
const org = generateOrganisation(SMALL, 3, NOW);
const quiet = createLogger('quiet', () => {});

async function read(concurrency?: number): Promise<{ snapshot: Snapshot; sandbox: Sandbox }> {
  const sandbox = await startSandbox(org.scenario, connectors, { now: NOW });
  const config = sandboxConfig({ connectors: org.connectors }, sandbox) as {
    connectors: Record<string, Record<string, unknown>>;
  };
  const systems = connectors.map((connector) => {
    const block = JSON.parse(
      JSON.stringify(config.connectors[connector.id]).replace(
        /\$\{([A-Z0-9_]+)\}/g,
        (_, n: string) => sandbox.env[n] ?? '',
      ),
    ) as Record<string, unknown>;
    return { connector, config: connector.configSchema.parse(block) };
  });
  const snapshot = await collect(systems, { now: NOW, log: quiet, ...(concurrency ? { concurrency } : {}) });
  return { snapshot, sandbox };
}

let concurrent: { snapshot: Snapshot; sandbox: Sandbox };
beforeAll(async () => {
  concurrent = await read();
});
afterAll(async () => {
  await concurrent?.sandbox.close();
});

describe('a generated organisation', () => {
  it('is read completely', () => {
    expect(concurrent.snapshot.systems.filter((s) => !s.ok)).toEqual([]);
    expect(concurrent.snapshot.accounts.length).toBeGreaterThan(60);
  });

  it.each([...SYSTEMS])('%s is read in at most 1.2× the minimum calls', (system) => {
    const minimum = total(minimumOf(system, (org.scenario as Record<string, unknown>)[system]));
    const made = concurrent.sandbox.emulators.get(system)?.requests.length ?? 0;
    expect(made).toBeGreaterThanOrEqual(minimum * 0.9);
    expect(made, `${made} calls for a minimum of ${minimum}`).toBeLessThanOrEqual(Math.ceil(minimum * 1.2));
  });

  it("splits AWS's fewest calls per account and service without losing or counting one twice", () => {
    const scenario = (org.scenario as Record<string, unknown>).aws;
    const perCaller = minimumPerCallerOf('aws', scenario) ?? [];
    // Every account's IAM, S3 and KMS, and the scanning account's STS and Organizations.
    expect(perCaller.length).toBe(SMALL.awsAccounts * 3 + 2);
    expect(perCaller.reduce((a, b) => a + b, 0)).toBe(total(minimumOf('aws', scenario)));
  });

  it('GitHub reads collaborators and team access through GraphQL, not one REST call per repository', () => {
    const operations = concurrent.sandbox.emulators.get('github')?.requests.map((r) => r.operation) ?? [];
    expect(operations).not.toContain('GET /repos/{owner}/{repo}/collaborators');
    expect(operations).not.toContain('GET /orgs/{org}/teams/{team_slug}/members');
    expect(operations.filter((o) => o === 'POST /graphql').length).toBeGreaterThan(2);
  });

  it('the sequential baseline (concurrency 1) reads the same inventory', async () => {
    const sequential = await read(1);
    try {
      const strip = (s: Snapshot) => ({ ...s, systems: s.systems.map(({ durationMs: _, ...rest }) => rest) });
      expect(strip(sequential.snapshot)).toEqual(strip(concurrent.snapshot));
    } finally {
      await sequential.sandbox.close();
    }
  });
});
