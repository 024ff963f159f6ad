// The SDK clients as the collector builds them: every attempt counted, and every throttled
// attempt told to whoever paces the calls (the SCP reads' queue), whatever the protocol says.

import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../connectors/aws/clients.js';
import { startAwsEmulator } from '../../../connectors/aws/emulator/index.js';
import { AwsScenarioSchema } from '../../../connectors/aws/emulator/scenario.js';
import type { RunningEmulator } from '../../../src/core/connector.js';
import { clearSecrets } from '../../../src/core/redact.js';
import { demoScenarioJson, NOW } from './harness.js';

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  clearSecrets();
});

describe('aws clients', () => {
  it.each(['standard', 'adaptive'] as const)(
    'count each attempt and tell each throttled one, in IAM XML and Organizations JSON (%s retries)',
    async (retryMode) => {
      // Every operation is throttled once, then answered (the injector never refuses one twice in a row).
      emulator = await startAwsEmulator(AwsScenarioSchema.parse(await demoScenarioJson()), {
        now: NOW,
        faults: { seed: 1, rate: 1, kinds: ['rate-limit'] },
      });
      const calls: string[] = [];
      let throttles = 0;
      const settings = {
        config: { region: 'us-east-1', endpoint: emulator.url },
        credentials: {
          accessKeyId: emulator.env.LANEKEEPER_SANDBOX_AWS_ACCESS_KEY_ID as string,
          secretAccessKey: emulator.env.LANEKEEPER_SANDBOX_AWS_SECRET_ACCESS_KEY as string,
        },
        onCall: (operation: string) => calls.push(operation),
        onThrottle: () => throttles++,
        tuning: { maxAttempts: 3, retryDelayMs: 1 },
        retryMode,
      };
      await createClient(IAMClient, settings).send(new ListUsersCommand({}));
      await createClient(OrganizationsClient, settings).send(new ListRootsCommand({}));
      expect(calls).toEqual(['iam:ListUsers', 'iam:ListUsers', 'organizations:ListRoots', 'organizations:ListRoots']);
      expect(throttles).toBe(2);
      expect(emulator.requests.map((r) => r.fault ?? r.status)).toEqual(['rate-limit', 200, 'rate-limit', 200]);
    },
  );

  it("share the scan's connections: clients of any account and service reuse the same sockets", async () => {
    emulator = await startAwsEmulator(AwsScenarioSchema.parse(await demoScenarioJson()), { now: NOW });
    let opened = 0;
    const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 4 });
    const open = httpAgent.createConnection.bind(httpAgent);
    httpAgent.createConnection = (...args: Parameters<typeof open>) => {
      opened++;
      return open(...args);
    };
    const httpsAgent = new HttpsAgent({ keepAlive: true });
    try {
      const settings = {
        config: { region: 'us-east-1', endpoint: emulator.url },
        credentials: {
          accessKeyId: emulator.env.LANEKEEPER_SANDBOX_AWS_ACCESS_KEY_ID as string,
          secretAccessKey: emulator.env.LANEKEEPER_SANDBOX_AWS_SECRET_ACCESS_KEY as string,
        },
        onCall: () => {},
        tuning: {},
        connections: { httpAgent, httpsAgent },
      };
      // One after another: each client finds the socket the one before left free.
      for (let i = 0; i < 3; i++) {
        await createClient(IAMClient, settings).send(new ListUsersCommand({}));
        await createClient(OrganizationsClient, settings).send(new ListRootsCommand({}));
      }
      expect(emulator.requests).toHaveLength(6);
      expect(opened).toBe(1);
    } finally {
      httpAgent.destroy();
      httpsAgent.destroy();
    }
  });
});
