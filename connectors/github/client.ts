// The Octokit the collector uses: rate limits waited out and failures retried (rate-limits.ts,
// retries.ts), answers parsed (parsed-answers.ts) from a lean HTTP exchange (transport.ts), every
// HTTP request counted, the scan's abort signal on every call, and errors turned into one line
// that names the call.
// SDK errors carry the request (with its Authorization header): only status and message are read.
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { Logger } from '../../src/core/log.js';
import { redact, registerCredentialHeader, registerSecret } from '../../src/core/redact.js';
import type { RateBudget } from './budget.js';
import { conditionalFetch, KEPT_ANSWER_HEADER, type SealedAnswers } from './conditional.js';
import { GITHUB_AUTH_OPERATIONS, GITHUB_OPERATIONS, splitOperation } from './operations.js';
import { parsedAnswers } from './parsed-answers.js';
import { rateLimits } from './rate-limits.js';
import { transientRetries } from './retries.js';
import type { GithubConfig } from './schema.js';
import { createTransport, type Transport, type WireAnswer, type WireRequest } from './transport.js';

const GithubOctokit = Octokit.plugin(parsedAnswers, rateLimits, transientRetries);
export type GithubClient = InstanceType<typeof GithubOctokit>;

/** Knobs for tests and the benchmark; a user's config never sets them. */
export interface ClientTuning {
  /** Milliseconds per second of every wait the plugins make: 1000 in production, 1 in tests. */
  msPerSecond?: number;
  /** How often a rate-limited call is retried before the target fails. */
  rateLimitRetries?: number;
  /** How often a 5xx or network failure is retried. */
  serverErrorRetries?: number;
}

/** A rate limit that resets later than this fails the call rather than stalling the scan. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 120;

export interface ClientOptions {
  config: GithubConfig;
  signal: AbortSignal;
  log: Logger;
  /** Called once per HTTP request, retries included, with the operation it is. */
  onRequest(operation: string, outcome?: 'unchanged'): void;
  /** The previous scan's answers: REST reads become conditional requests (see conditional.ts). */
  answers?: SealedAnswers;
  /** Told every answer's rate-limit headers (see budget.ts). */
  budget?: RateBudget;
  /** Called when GitHub throttles (primary or secondary limit), before the call waits and retries. */
  onThrottle?(): void;
  tuning?: ClientTuning;
}

export function createClient({
  config,
  signal,
  log,
  onRequest,
  onThrottle,
  answers,
  budget,
  tuning = {},
}: ClientOptions): GithubClient {
  const msPerSecond = tuning.msPerSecond ?? 1000;
  const rateLimitRetries = tuning.rateLimitRetries ?? 3;
  const basePath = basePathOf(config);

  const transport = createTransport({ signal });
  const networkFetch: Transport = (url, init = {}) => {
    // A GitHub App's JWT and installation tokens are minted inside Octokit: registered as they leave.
    registerCredentialHeader(init.headers?.authorization ?? null);
    return transport(url, init);
  };
  const countingFetch = async (input: string | URL, init: WireRequest = {}): Promise<WireAnswer> => {
    const url = new URL(input);
    const operation = operationOf(init.method ?? 'GET', url.pathname, basePath);
    let unchanged = false;
    try {
      const response = answers
        ? await conditionalFetch(url, init, answers, networkFetch, basePath)
        : await networkFetch(url, init);
      unchanged = response.headers.has(KEPT_ANSWER_HEADER);
      budget?.observe(response.headers);
      return response;
    } finally {
      // Counted whatever the outcome: a request that failed was still made.
      onRequest(operation, unchanged ? 'unchanged' : undefined);
    }
  };

  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      onThrottle?.();
      if (retryCount >= rateLimitRetries || retryAfter > MAX_RATE_LIMIT_WAIT_SECONDS) return false;
      log.debug(`github: ${kind} on ${options.method} ${options.url}; retrying in ${retryAfter}s`);
      return true;
    };

  // Octokit logs objects that may hold request headers: only the text goes through, redacted.
  // A server's words (a Deprecation answer's Sunset header) are among them: they go to the debug
  // log, never to the console.
  const octokitLog = {
    debug: (m: string) => log.debug(`github: ${m}`),
    info: (m: string) => log.debug(`github: ${m}`),
    warn: (m: string) => log.debug(`github: ${m}`),
    error: (m: string) => log.debug(`github: ${m}`),
  };
  const common = {
    userAgent: 'lanekeeper',
    ...(config.baseUrl ? { baseUrl: config.baseUrl.replace(/\/$/, '') } : {}),
    // Octokit reads of a fetch Response only what the transport's answers have (transport.ts);
    // success answers are parsed by parsed-answers.ts. @octokit/request logs a deprecated
    // endpoint's warning through `request.log`, else to the console: every request Octokit
    // builds (a GitHub App's token mint included, which reuses these defaults) gets ours.
    request: {
      signal,
      fetch: countingFetch as unknown as typeof fetch,
      parseSuccessResponseBody: false,
      log: octokitLog,
    },
    log: octokitLog,
    // Rate-limit answers wait and retry here (rate-limits.ts); how many requests are in flight is
    // the collector's queue's decision, told of every throttle through onThrottle.
    rateLimit: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      retryAfterBaseValue: msPerSecond,
      fallbackSecondaryRateRetryAfter: 60,
    },
    transientRetries: { retries: tuning.serverErrorRetries ?? 3, retryAfterBaseValue: msPerSecond },
  };

  if (config.app) {
    registerSecret(config.app.privateKey);
    return new GithubOctokit({
      ...common,
      authStrategy: createAppAuth,
      auth: {
        appId: config.app.appId,
        privateKey: config.app.privateKey,
        installationId: config.app.installationId,
      },
    });
  }
  registerSecret(config.token);
  return new GithubOctokit({ ...common, auth: config.token });
}

/** The path of the API below its host: "" for api.github.com, "/api/v3" for GitHub Enterprise Server. */
export function basePathOf(config: Pick<GithubConfig, 'baseUrl'>): string {
  return config.baseUrl ? new URL(config.baseUrl).pathname.replace(/\/$/, '') : '';
}

// Each template split into its segments once: every request of a scan (15,000 at 5,000
// repositories) is named by them.
const TEMPLATES = [...GITHUB_OPERATIONS, ...GITHUB_AUTH_OPERATIONS].map((operation) => {
  const { method, template } = splitOperation(operation);
  return { operation, method, segments: template.split('/') };
});

/** The operation a URL is, in the emulator's words; the raw path when it is none of ours. */
export function operationOf(method: string, pathname: string, basePath: string): string {
  if (pathname.endsWith('/graphql')) return `${method} /graphql`;
  const path = basePath && pathname.startsWith(basePath) ? pathname.slice(basePath.length) : pathname;
  const segments = path.split('/');
  for (const t of TEMPLATES) if (t.method === method && fits(t.segments, segments)) return t.operation;
  return `${method} ${path}`;
}

/** A path fits a template when they have as many segments and every literal one is equal. */
function fits(template: readonly string[], path: readonly string[]): boolean {
  if (template.length !== path.length) return false;
  for (let i = 0; i < template.length; i++) {
    const segment = template[i] as string;
    if (segment !== path[i] && !(segment.startsWith('{') && segment.endsWith('}'))) return false;
  }
  return true;
}

/** What a failed call looked like, read from the few fields that are safe to show. */
export interface CallFailure {
  /** HTTP status when GitHub answered; undefined for network errors. */
  status?: number;
  message: string;
  /** GraphQL error types (FORBIDDEN, NOT_FOUND, ...) when the query answered with errors. */
  graphqlTypes?: string[];
  /** The call that really failed when it was not the one asked for (a GitHub App token mint). */
  operation?: string;
  /** GitHub said to come back later (Retry-After, or no budget left): a limit, not a refusal. */
  throttled?: boolean;
}

export function readFailure(error: unknown): CallFailure {
  if (!(error instanceof Error)) return { message: String(error) };
  const e = error as Error & {
    status?: unknown;
    response?: { data?: unknown; headers?: Record<string, unknown> };
    request?: unknown;
    errors?: unknown;
  };
  if (e.name === 'GraphqlResponseError' && Array.isArray(e.errors)) {
    const errors = e.errors as { type?: unknown; message?: unknown }[];
    return {
      message: errors.map((x) => (typeof x.message === 'string' ? x.message : 'error')).join('; '),
      graphqlTypes: errors.map((x) => (typeof x.type === 'string' ? x.type : 'UNKNOWN')),
    };
  }
  if (e.name === 'AbortError') return { message: 'the request was aborted (deadline or cancel)' };
  if (e.response !== undefined && typeof e.status === 'number') {
    // Of the answer's headers only the two rate-limit ones are read.
    const headers = e.response.headers ?? {};
    // A 404 that spends the hour's last request carries remaining 0 too: only a refusal (403,
    // 429) is a limit; a Retry-After always is.
    const refused = e.status === 403 || e.status === 429;
    const throttled = headers['retry-after'] !== undefined || (refused && headers['x-ratelimit-remaining'] === '0');
    return {
      status: e.status,
      message: bodyMessage(e.response.data),
      ...mintingOperation(e),
      ...(throttled ? { throttled } : {}),
    };
  }
  return { message: e.message || e.name };
}

/** Only the URL of the failed request is read, never its headers. */
function mintingOperation(e: { request?: unknown }): { operation?: string } {
  const request = e.request as { url?: unknown } | undefined;
  const url = typeof request?.url === 'string' ? request.url : '';
  return /\/app\/installations\/[^/]+\/access_tokens$/.test(url) ? { operation: GITHUB_AUTH_OPERATIONS[0] } : {};
}

function bodyMessage(data: unknown): string {
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string') return data.message;
  if (typeof data === 'string') {
    if (/^\s*</.test(data)) return 'an HTML error page';
    // Redacted before it is cut: a cut through a token echoed back would leave most of it unmatched.
    return redact(data).slice(0, 200) || 'an empty answer';
  }
  return 'an answer without a message';
}

/** The error a target fails with: which call, on what, and what GitHub said. */
export class GithubCallError extends Error {
  override name = 'GithubCallError';
  readonly status: number | undefined;
  readonly failure: CallFailure;

  constructor(operation: string, subject: string | undefined, failure: CallFailure) {
    const asked = subject ? `${operation} (${subject})` : operation;
    const what = failure.operation ? `${failure.operation} (the GitHub App token for ${asked})` : asked;
    super(
      failure.status !== undefined
        ? `${what} answered ${failure.status}: ${failure.message}`
        : `${what} failed: ${failure.message}`,
    );
    this.status = failure.status;
    this.failure = failure;
  }
}
