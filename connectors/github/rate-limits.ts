// GitHub's rate-limit answers, handled as @octokit/plugin-throttling handles them (a secondary
// limit waits Retry-After; an exhausted primary budget waits until x-ratelimit-reset; GraphQL's
// RATE_LIMITED error counts as the latter; the callbacks decide whether to retry), without its
// Bottleneck queues: those cost about 2.5 ms of CPU per request, which at thousands of requests
// was most of a large scan's time. How many requests are in flight is the collector's queue's
// job (AdaptiveQueue), which this module tells about every throttle through the callbacks.
import type { Octokit, OctokitOptions } from '@octokit/core';
import { sleep } from '../../src/core/sleep.js';

declare module '@octokit/core' {
  interface OctokitOptions {
    rateLimit?: RateLimitOptions;
  }
}

export type LimitHandler = (
  retryAfterSeconds: number,
  options: { method: string; url: string },
  octokit: Octokit,
  retryCount: number,
) => boolean;

export interface RateLimitOptions {
  onRateLimit: LimitHandler;
  onSecondaryRateLimit: LimitHandler;
  /** Milliseconds per second of wait: 1000 in production, 1 in tests. */
  retryAfterBaseValue: number;
  /** Seconds to wait on a secondary limit that names no Retry-After. */
  fallbackSecondaryRateRetryAfter: number;
}

interface ErrorWithResponse extends Error {
  status?: number;
  response?: { headers?: Record<string, string | undefined>; data?: { errors?: { type?: string }[] } };
}

type RequestOptions = { method: string; url: string; request?: { signal?: AbortSignal } };

/** The Octokit plugin: `Octokit.plugin(rateLimits, retry)`, configured through `rateLimit` options. */
export function rateLimits(octokit: Octokit, octokitOptions: OctokitOptions): void {
  const limits = octokitOptions.rateLimit;
  if (!limits) throw new Error('rateLimits needs the rateLimit options (onRateLimit, onSecondaryRateLimit)');
  octokit.hook.wrap('request', async (request, options) => {
    const opts = options as unknown as RequestOptions;
    const graphql = new URL(opts.url, 'http://github.test').pathname.endsWith('/graphql');
    for (let retryCount = 0; ; retryCount++) {
      try {
        const response = await request(options);
        const errors = (response.data as { errors?: { type?: string }[] } | undefined)?.errors;
        if (graphql && errors?.some((e) => e.type === 'RATE_LIMITED')) {
          throw Object.assign(new Error('GraphQL Rate Limit Exceeded'), { status: 200, response, data: response.data });
        }
        return response;
      } catch (error) {
        const wait = waitFor(error as ErrorWithResponse, graphql, limits);
        if (!wait) throw error;
        const handler = wait.secondary ? limits.onSecondaryRateLimit : limits.onRateLimit;
        if (!handler(wait.seconds, opts, octokit, retryCount)) throw error;
        await sleep(wait.seconds * limits.retryAfterBaseValue, opts.request?.signal);
      }
    }
  });
}

function waitFor(
  error: ErrorWithResponse,
  graphql: boolean,
  limits: RateLimitOptions,
): { secondary: boolean; seconds: number } | undefined {
  const status = error.status;
  if (!(status === 403 || status === 429 || (graphql && status !== 401 && status !== undefined))) return undefined;
  const headers = error.response?.headers ?? {};
  const secondary = {
    secondary: true,
    seconds: Number(headers['retry-after']) || limits.fallbackSecondaryRateRetryAfter,
  };
  if (SECONDARY_LIMIT.test(error.message)) return secondary;
  const exhausted =
    headers['x-ratelimit-remaining'] === '0' ||
    (error.response?.data?.errors ?? []).some((e) => e.type === 'RATE_LIMITED');
  if (exhausted) {
    const reset = Number(headers['x-ratelimit-reset'] ?? 0) * 1000;
    // One second past the reset, as GitHub advises.
    return { secondary: false, seconds: Math.max(0, Math.ceil((reset - Date.now()) / 1000) + 1) };
  }
  // A 403 or 429 that says when to come back is a limit whatever its wording (GitHub's docs:
  // wait Retry-After seconds); a missing permission never carries it.
  if ((status === 403 || status === 429) && headers['retry-after'] !== undefined) return secondary;
  return undefined;
}

/**
 * GitHub's words for a secondary limit: today's, and the older "You have triggered an abuse
 * detection mechanism" (GitHub Enterprise Server still answers it).
 */
export const SECONDARY_LIMIT = /\bsecondary rate\b|\babuse detection\b/i;
