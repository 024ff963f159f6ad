// 429 RESOURCE_EXHAUSTED is most often a per-minute quota: the client waits as Retry-After says
// (seconds or an HTTP date), and without one backs off long enough to reach the next minute.
// The emulator's quota answers with Retry-After as Google does; the waits are recorded and
// shortened here, never sat through.
import { afterEach, describe, expect, it } from 'vitest';
import { createGcpApi, retryAfterMs } from '../../../connectors/gcp/client.js';
import { SANDBOX_TOKEN_ENV } from '../../../connectors/gcp/emulator/index.js';
import { GcpScenarioSchema } from '../../../connectors/gcp/emulator/scenario.js';
import { gcpConnector } from '../../../connectors/gcp/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../../src/core/connector.js';
import { clearSecrets } from '../../../src/core/redact.js';
import { sleep } from '../../../src/core/sleep.js';

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  clearSecrets();
});

const scenario = GcpScenarioSchema.parse({
  organization: { id: '1000', domain: 'northwind.example' },
  projects: [
    {
      projectId: 'shop-prod',
      parent: 'organizations/1000',
      bindings: [{ role: 'roles/viewer', members: ['user:a@northwind.example'] }],
      serviceAccounts: [{ email: 'ci@shop-prod.iam.gserviceaccount.com' }],
    },
  ],
});

/**
 * The client against the emulator, with a wait that records what it was asked for and sits
 * through `scale` of it (0: none), enough for the emulator's shortened window to pass.
 */
async function client(options: Partial<EmulatorOptions>, retry: Record<string, number>, scale: number) {
  const emulator = await gcpConnector.emulator.start(scenario, { now: new Date('2026-09-15T12:00:00Z'), ...options });
  running.push(emulator);
  const config = gcpConnector.configSchema.parse({
    ...emulator.config,
    accessToken: emulator.env[SANDBOX_TOKEN_ENV],
    retry,
  });
  const waits: number[] = [];
  const api = await createGcpApi(config, new AbortController().signal, undefined, async (ms, signal) => {
    waits.push(ms);
    await sleep(ms * scale, signal);
  });
  return { api, waits, emulator };
}

describe('gcp client under a quota', () => {
  it('waits as Retry-After says, through the Google client and through REST alike, and reads everything', async () => {
    // Two requests per 400 ms; the emulator tells Retry-After: 1 (its shortest), waited half of.
    // The base delay alone (1 ms) would give up long before the window turns.
    const { api, waits, emulator } = await client(
      { rateLimits: { overall: { limit: 2, windowMs: 400 } } },
      { attempts: 6, baseDelayMs: 1 },
      0.5,
    );
    const counted: string[] = [];
    const policy = () => api.getIamPolicy('projects/shop-prod', (op) => counted.push(op));
    const accounts = () => api.listServiceAccounts('shop-prod', (op) => counted.push(op));
    // Each pair fills the window, so the first call of the next pair is refused: one of each kind.
    for (const [first, second] of [
      [policy, accounts],
      [accounts, policy],
      [policy, accounts],
    ]) {
      await first!();
      await second!();
    }
    await api.close();
    const throttled = emulator.requests.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(waits).toHaveLength(throttled.length);
    for (const ms of waits) expect(ms).toBeGreaterThanOrEqual(1000);
    // Both shapes of the answer were throttled: the client library's error and our own.
    expect(counted).toHaveLength(6 + throttled.length);
    expect(new Set(throttled.map((r) => r.operation))).toEqual(
      new Set(['cloudresourcemanager.projects.getIamPolicy', 'iam.projects.serviceAccounts.list']),
    );
  });

  it('backs off past a minute without Retry-After, no wait longer than 64 s, then gives up', async () => {
    const { api, waits } = await client(
      { faults: { seed: 7, rate: 1, kinds: ['rate-limit'], persistent: true } },
      { attempts: 6, baseDelayMs: 500 },
      0,
    );
    await expect(api.getIamPolicy('projects/shop-prod', () => {})).rejects.toThrow(
      /RESOURCE_EXHAUSTED \(HTTP 429\).*\(gave up after 6 attempts\)$/,
    );
    await api.close();
    expect(waits).toHaveLength(5);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(60_000);
    for (const ms of waits) expect(ms).toBeLessThanOrEqual(64_000);
  });

  it('fails the call at once when Retry-After is longer than two minutes, rather than stall the scan', async () => {
    const { api, waits } = await client(
      { rateLimits: { overall: { limit: 1, windowMs: 300_000 } } },
      { attempts: 6, baseDelayMs: 1 },
      0,
    );
    await api.getIamPolicy('projects/shop-prod', () => {});
    await expect(api.getIamPolicy('projects/shop-prod', () => {})).rejects.toThrow(
      /RESOURCE_EXHAUSTED \(HTTP 429\).*\(Retry-After 300s is longer than the 120s a wait may take\)$/,
    );
    await api.close();
    expect(waits).toEqual([]);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-09-15T12:00:00Z');
  it.each([
    ['30', 30_000],
    ['0', 0],
    ['1.5', 1500],
    ['Tue, 15 Sep 2026 12:00:45 GMT', 45_000],
    // A date already past: go now.
    ['Tue, 15 Sep 2026 11:59:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ] as const)('%j is %j ms', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});
