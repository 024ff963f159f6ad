// Rate limits as the services enforce them (the emulator kit's RateLimiter, GitHub's concurrent
// and hourly limits, Slack's per-method window), and the adaptive queue that answers them.
import { afterEach, describe, expect, it } from 'vitest';
import { startGithubEmulator } from '../../connectors/github/emulator/index.js';
import { GithubScenarioSchema } from '../../connectors/github/emulator/scenario.js';
import { startSlackEmulator } from '../../connectors/slack/emulator/index.js';
import { SlackScenarioSchema } from '../../connectors/slack/emulator/scenario.js';
import { AdaptiveQueue } from '../../src/core/adaptive-queue.js';
import type { RunningEmulator } from '../../src/core/connector.js';
import { RateLimiter } from '../../src/core/emulator-kit.js';

const NOW = new Date('2026-11-29T09:00:00Z');
const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

describe('RateLimiter', () => {
  it('refuses past the requests in flight, and admits again once one is answered', () => {
    const limiter = new RateLimiter({ concurrent: 2 });
    expect(limiter.admit('a')).toBeUndefined();
    expect(limiter.admit('a')).toBeUndefined();
    expect(limiter.admit('b')).toEqual({ kind: 'secondary-rate-limit', retryAfterSeconds: 1 });
    limiter.release();
    expect(limiter.admit('b')).toBeUndefined();
  });

  it('counts a sliding window per operation and overall, and says when it frees', () => {
    const limiter = new RateLimiter({
      perOperation: { 'users.list': { limit: 2, windowMs: 60_000 } },
      overall: { limit: 3, windowMs: 1000 },
    });
    const t = 1_000_000;
    expect(limiter.admit('users.list', t)).toBeUndefined();
    limiter.release();
    expect(limiter.admit('users.list', t + 10_000)).toBeUndefined();
    limiter.release();
    // The per-method budget is spent until the first call leaves the minute.
    expect(limiter.admit('users.list', t + 20_000)).toEqual({ kind: 'rate-limit', retryAfterSeconds: 40 });
    expect(limiter.admit('users.list', t + 60_001)).toBeUndefined();
    limiter.release();
    // Overall: three within a second, the fourth waits.
    expect(limiter.admit('team.info', t + 60_002)).toBeUndefined();
    limiter.release();
    expect(limiter.admit('team.info', t + 60_003)).toBeUndefined();
    limiter.release();
    expect(limiter.admit('team.info', t + 60_004)).toEqual({ kind: 'rate-limit', retryAfterSeconds: 1 });
  });

  it("keeps each caller's windows apart when they are per caller, and shares them otherwise", () => {
    const t = 1_000_000;
    const perAccount = new RateLimiter({ overall: { limit: 2, windowMs: 1000 }, perCaller: true });
    const shared = new RateLimiter({ overall: { limit: 2, windowMs: 1000 } });
    for (const limiter of [perAccount, shared]) {
      expect(limiter.admit('iam:ListUsers', t, '111111111111')).toBeUndefined();
      expect(limiter.admit('iam:ListUsers', t, '111111111111')).toBeUndefined();
      limiter.release();
      limiter.release();
    }
    expect(perAccount.admit('iam:ListUsers', t + 1, '111111111111')).toMatchObject({ kind: 'rate-limit' });
    expect(perAccount.admit('iam:ListUsers', t + 1, '222222222222')).toBeUndefined();
    expect(shared.admit('iam:ListUsers', t + 1, '222222222222')).toMatchObject({ kind: 'rate-limit' });
  });

  it('admits everything without a plan', () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 1000; i++) expect(limiter.admit('x')).toBeUndefined();
  });
});

describe('AdaptiveQueue', () => {
  it('halves on a throttle, never below one, and grows back by one per full round of successes', async () => {
    const queue = new AdaptiveQueue(8);
    queue.throttled();
    expect(queue.concurrency).toBe(4);
    for (let i = 0; i < 5; i++) queue.throttled();
    expect(queue.concurrency).toBe(1);
    expect(queue.lowestConcurrency).toBe(1);
    await queue.add(async () => 1);
    expect(queue.concurrency).toBe(2);
    await Promise.all([queue.add(async () => 1), queue.add(async () => 2)]);
    expect(queue.concurrency).toBe(3);
    for (let i = 0; i < 40; i++) await queue.add(async () => i);
    expect(queue.concurrency).toBe(8);
  });

  it('keeps no more tasks in flight than its size', async () => {
    const queue = new AdaptiveQueue(3);
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        queue.add(async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((r) => setTimeout(r, 2));
          inFlight--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});

describe('emulators under limits', () => {
  const github = GithubScenarioSchema.parse({
    org: { login: 'acme' },
    users: [{ login: 'ann' }],
    members: [{ login: 'ann', role: 'admin' }],
  });

  it('GitHub refuses requests past its concurrent limit with a secondary rate limit', async () => {
    const emulator = await startGithubEmulator(github, { now: NOW, latencyMs: 100, rateLimits: { concurrent: 2 } });
    running.push(emulator);
    const token = Object.values(emulator.env)[0];
    const get = () => fetch(`${emulator.url}/orgs/acme`, { headers: { authorization: `token ${token}` } });
    const answers = await Promise.all([get(), get(), get()]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 403]);
    const refused = answers.find((a) => a.status === 403);
    if (!refused) throw new Error('no request was refused');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect(emulator.requests.filter((r) => r.fault === 'secondary-rate-limit')).toHaveLength(1);
  });

  it("GitHub spends its hourly budget and then answers 403 with remaining 0 until the hour's reset", async () => {
    const emulator = await startGithubEmulator(github, { now: NOW, rateLimits: { hourly: 2 } });
    running.push(emulator);
    const token = Object.values(emulator.env)[0];
    const get = () => fetch(`${emulator.url}/orgs/acme`, { headers: { authorization: `token ${token}` } });
    const first = await get();
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await get()).status).toBe(200);
    const third = await get();
    expect(third.status).toBe(403);
    expect(third.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(third.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 + 3000);
  });

  it('Slack answers 429 with Retry-After past a method’s per-minute budget, other methods unaffected', async () => {
    const scenario = SlackScenarioSchema.parse({
      team: { id: 'T0ACME', name: 'Acme', domain: 'acme' },
      users: [{ id: 'U0001', name: 'ann' }],
    });
    const emulator = await startSlackEmulator(scenario, {
      now: NOW,
      rateLimits: { perOperation: { 'users.list': { limit: 2, windowMs: 60_000 } } },
    });
    running.push(emulator);
    const token = Object.values(emulator.env)[0];
    const post = (method: string) =>
      fetch(`${emulator.url}/api/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'limit=1000',
      });
    expect((await post('users.list')).status).toBe(200);
    expect((await post('users.list')).status).toBe(200);
    const third = await post('users.list');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(50);
    expect((await post('team.info')).status).toBe(200);
  });
});
