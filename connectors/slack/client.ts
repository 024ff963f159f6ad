// The Web API client the collector uses: @slack/web-api's WebClient with its own retries off,
// so that one loop here decides every retry (HTTP 429 with Retry-After, a 200 "ratelimited",
// 5xx, network errors, unreadable bodies), bounded, on the scan's abort signal, and never
// returning part of a list. Every HTTP request is counted. SDK errors carry the request
// (with the Authorization header): only the Slack error code and a few safe fields are read.
import {
  type FetchFunction,
  LogLevel,
  type Logger as SdkLogger,
  type WebAPICallResult,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import type { Logger } from '../../src/core/log.js';
import { readAllPages } from '../../src/core/paging.js';
import { registerSecret } from '../../src/core/redact.js';
import { sleep } from '../../src/core/sleep.js';
import type { SlackConfig } from './schema.js';

/** Knobs for tests and the benchmark; a user's config never sets them. */
export interface ClientTuning {
  /** Milliseconds per second of every wait (Retry-After, backoff): 1000 in production, 0 or 1 in tests. */
  msPerSecond?: number;
  /** How often one call is retried after a rate limit or a transient failure before the target fails. */
  retries?: number;
  /** A request that takes longer is abandoned (and retried). */
  timeoutMs?: number;
}

export const DEFAULT_API_URL = 'https://slack.com/api/';
/**
 * Slack's largest page: its paging asks for a limit under 1000 (1000 itself is refused as
 * `invalid_limit`), and recommends 200. Every page of users.list is a Tier 2 call, about 20 a
 * minute, so fewer, larger pages are what keeps a 10,000-user workspace inside the limit.
 */
export const PAGE_LIMIT = 999;
/** A Retry-After longer than this fails the call rather than stalling the scan. */
const MAX_RETRY_AFTER_SECONDS = 300;
/** Backoff for failures that name no wait: 1, 2, 4, 8... seconds, at most this. */
const MAX_BACKOFF_SECONDS = 30;

/** Slack error codes that mean "try again", not "you may not". */
const TRANSIENT_CODES = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
const AUTH_CODES = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
]);

/** An answer with `ok: true`; its lists and objects are read through the zod schemas in schema.ts. */
export type WebApiResult = WebAPICallResult & Record<string, unknown>;

export interface ListResult {
  items: unknown[];
  /** The token's scopes as Slack announced them (x-oauth-scopes), when it did. */
  scopes?: string[];
}

export interface SlackApi {
  call(method: string, params?: Record<string, unknown>): Promise<WebApiResult>;
  /** Every page of a cursor-paged method; `key` is the array each page holds. All or nothing. */
  list(method: string, params: Record<string, unknown>, key: string): Promise<ListResult>;
}

export interface ClientOptions {
  config: Pick<SlackConfig, 'token' | 'slackApiUrl'>;
  signal: AbortSignal;
  log: Logger;
  /** Called once per HTTP request, retries included, with the method it is. */
  onRequest(method: string): void;
  /** Called on every rate-limit answer, so the collector's queue can slow down. */
  onThrottle?(): void;
  tuning?: ClientTuning;
}

/** The error a target fails with: which method, and what Slack said (never the token). */
export class SlackCallError extends Error {
  override name = 'SlackCallError';
  constructor(
    readonly method: string,
    message: string,
    /** Slack's error code (`missing_scope`, `invalid_auth`...) when Slack gave one. */
    readonly slackCode?: string,
  ) {
    super(`${method} ${message}`);
  }
}

export function createSlackApi({ config, signal, log, onRequest, onThrottle, tuning = {} }: ClientOptions): SlackApi {
  registerSecret(config.token);
  const msPerSecond = tuning.msPerSecond ?? 1000;
  const retries = tuning.retries ?? 5;
  const apiUrl = withTrailingSlash(config.slackApiUrl ?? DEFAULT_API_URL);

  const countingFetch: FetchFunction = (url, init) => {
    onRequest(methodOf(String(url), apiUrl));
    const signals = init?.signal ? [init.signal, signal] : [signal];
    // The SDK's own init type is a structural subset of the platform's RequestInit.
    return fetch(url, { ...init, signal: AbortSignal.any(signals) } as RequestInit);
  };

  const client = new WebClient(config.token, {
    slackApiUrl: apiUrl,
    fetch: countingFetch,
    // Our loop retries; the SDK's would wait real seconds on 429 and could not be bounded by the deadline.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: tuning.timeoutMs ?? 30_000,
    allowAbsoluteUrls: false,
    logger: sdkLogger(log),
    logLevel: LogLevel.WARN,
  });

  async function call(method: string, params: Record<string, unknown> = {}): Promise<WebApiResult> {
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      let retry: Transient;
      try {
        const result: WebAPICallResult = await client.apiCall(method, params);
        // The SDK types only the envelope; the fields past it are read through the zod schemas.
        return result as WebApiResult;
      } catch (error) {
        signal.throwIfAborted();
        const transient = transientOf(error);
        if (!transient) throw toCallError(method, error);
        if (transient.code === 'ratelimited') onThrottle?.();
        retry = transient;
      }
      if (attempt >= retries) {
        throw new SlackCallError(
          method,
          `gave up after ${attempt + 1} attempt(s) (${retry.reason}) rather than read a partial list`,
          retry.code,
        );
      }
      const seconds = retry.waitSeconds ?? Math.min(2 ** attempt, MAX_BACKOFF_SECONDS);
      if (seconds > MAX_RETRY_AFTER_SECONDS) {
        throw new SlackCallError(method, `was rate limited and asked to wait ${seconds}s; failing instead of stalling`);
      }
      log.debug(`slack: ${method} ${retry.reason}; retrying in ${seconds}s`);
      await sleep(seconds * msPerSecond, signal);
    }
  }

  async function list(method: string, params: Record<string, unknown>, key: string): Promise<ListResult> {
    let scopes: string[] | undefined;
    const items = await readAllPages(method, async (cursor) => {
      const page = await call(method, { ...params, limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) });
      const pageItems = page[key];
      if (!Array.isArray(pageItems)) throw new SlackCallError(method, `answered without a "${key}" list`);
      scopes ??= page.response_metadata?.scopes;
      return { items: pageItems as unknown[], next: page.response_metadata?.next_cursor };
    });
    return scopes ? { items, scopes } : { items };
  }

  return { call, list };
}

interface Transient {
  reason: string;
  /** What the server asked for (Retry-After); backoff when absent. */
  waitSeconds?: number;
  code?: string;
}

function transientOf(error: unknown): Transient | undefined {
  if (error instanceof WebAPIRateLimitedError) {
    return { reason: `HTTP 429, Retry-After ${error.retryAfter}s`, waitSeconds: error.retryAfter, code: 'ratelimited' };
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (TRANSIENT_CODES.has(code)) return { reason: `answered ${code}`, code };
    // The SDK reports a body that is not JSON as an "error" holding the raw text.
    if (!isErrorCode(code)) return { reason: 'answered with an unreadable body' };
    return undefined;
  }
  if (error instanceof WebAPIHTTPError) {
    return error.statusCode >= 500 ? { reason: `answered HTTP ${error.statusCode}` } : undefined;
  }
  if (error instanceof WebAPIRequestError) return { reason: `request failed: ${error.original.message}` };
  // A 429 without a usable Retry-After reaches us as a plain Error from the SDK; it is still a rate limit.
  if (error instanceof Error && error.message.startsWith('Retry header did not contain a valid timeout')) {
    return { reason: 'HTTP 429 without Retry-After', code: 'ratelimited' };
  }
  return undefined;
}

function toCallError(method: string, error: unknown): SlackCallError {
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (code === 'missing_scope') {
      const data: Record<string, unknown> = { ...error.data };
      const needed = typeof data.needed === 'string' ? data.needed : 'an unnamed';
      const provided = typeof data.provided === 'string' ? ` (the token has: ${data.provided})` : '';
      return new SlackCallError(method, `needs the ${needed} scope${provided}`, code);
    }
    if (AUTH_CODES.has(code)) {
      return new SlackCallError(
        method,
        `was refused: Slack rejected the token (${code}); check the token the slack block reads from the environment`,
        code,
      );
    }
    return new SlackCallError(method, `answered ${code}`, code);
  }
  if (error instanceof WebAPIHTTPError) return new SlackCallError(method, `answered HTTP ${error.statusCode}`);
  if (error instanceof Error) return new SlackCallError(method, `failed: ${error.message}`);
  return new SlackCallError(method, `failed: ${String(error)}`);
}

function isErrorCode(value: string): boolean {
  return /^[a-z0-9_.]{1,80}$/.test(value);
}

/** "http://127.0.0.1:9/api/users.list" → "users.list". */
function methodOf(url: string, apiUrl: string): string {
  const rest = url.startsWith(apiUrl) ? url.slice(apiUrl.length) : (new URL(url).pathname.split('/').pop() ?? url);
  return rest.split('?')[0] ?? rest;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The SDK logs objects that may hold headers, and at debug whole answers (every user of the
 * workspace): only its own words go through, never a header or a body.
 */
function sdkLogger(log: Logger): SdkLogger {
  const forward = (...msg: unknown[]) => {
    const text = msg.filter((m) => typeof m === 'string').join(' ');
    const payload = text.search(/[{[]/);
    log.debug(`slack sdk: ${payload < 0 ? text : `${text.slice(0, payload).trimEnd()} (not logged)`}`);
  };
  let level = LogLevel.WARN;
  return {
    debug: forward,
    info: forward,
    warn: forward,
    error: forward,
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
