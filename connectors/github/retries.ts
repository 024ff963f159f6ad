// Server errors and network failures, retried as @octokit/plugin-retry retries them: any HTTP
// error but those a retry cannot change (400, 401, 403, 404, 410, 422, 451), and GraphQL's
// "Something went wrong while executing your query", waiting 1, 4, 9... seconds. The plugin runs
// every request, failed or not, through a Bottleneck queue of its own; at a large organisation's
// 15,000 requests that queue was a second and a half of the scan's CPU (bench/RESULTS.md), for
// the few that fail. Rate-limit answers are rate-limits.ts's: this hook wraps it, as the plugin did.
import type { Octokit, OctokitOptions } from '@octokit/core';
import { sleep } from '../../src/core/sleep.js';

declare module '@octokit/core' {
  interface OctokitOptions {
    transientRetries?: TransientRetryOptions;
  }
}

export interface TransientRetryOptions {
  /** How often a failed request is asked again. */
  retries: number;
  /** Milliseconds per second of wait: 1000 in production, 1 in tests. */
  retryAfterBaseValue: number;
}

/** The answers a retry cannot change, as the plugin lists them. */
const FINAL_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 410, 422, 451]);
const GRAPHQL_TRANSIENT = /Something went wrong while executing your query/;

interface RequestErrorLike {
  status?: number;
  /** Octokit's RequestError carries the request; an abort or a bug does not, and is never retried. */
  request?: unknown;
}

type RequestOptions = { request?: { signal?: AbortSignal } };

/** The Octokit plugin: `Octokit.plugin(rateLimits, transientRetries)`. */
export function transientRetries(octokit: Octokit, octokitOptions: OctokitOptions): void {
  const options = octokitOptions.transientRetries;
  if (!options) throw new Error('transientRetries needs its options (retries, retryAfterBaseValue)');
  octokit.hook.wrap('request', async (request, requestOptions) => {
    const signal = (requestOptions as unknown as RequestOptions).request?.signal;
    for (let retryCount = 0; ; retryCount++) {
      const lastTry = retryCount >= options.retries;
      try {
        const response = await request(requestOptions);
        const errors = (response.data as { errors?: { message?: unknown }[] } | undefined)?.errors;
        const first = errors?.[0]?.message;
        // Out of tries, GitHub's answer goes on as it is: the GraphQL client fails it with its message.
        if (typeof first !== 'string' || !GRAPHQL_TRANSIENT.test(first) || lastTry || signal?.aborted) return response;
      } catch (error) {
        const { status, request: failed } = error as RequestErrorLike;
        const transient = failed !== undefined && status !== undefined && status >= 400 && !FINAL_STATUSES.has(status);
        if (!transient || lastTry || signal?.aborted) throw error;
      }
      await sleep((retryCount + 1) ** 2 * options.retryAfterBaseValue, signal);
    }
  });
}
