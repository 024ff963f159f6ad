// GitHub's conditional requests. Every REST answer carries an ETag; asked again with
// `If-None-Match: <that ETag>`, GitHub answers 304 Not Modified when nothing changed, and a 304
// is not charged to the token's hourly budget. The previous scan's answers (kept in the history)
// make a weekly re-scan of a large, mostly unchanged organisation cost a few hundred charged
// requests instead of thousands. A kept body is used only after GitHub's 304 says it is current.
// GraphQL has no ETags: its queries always go through.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AnswerCache, CachedAnswer } from '../../src/core/answers.js';
import { AnswerHeaders, type Transport, WireAnswer, type WireRequest } from './transport.js';

/** Marks a response rebuilt from a kept answer, so the call is counted as unchanged. */
export const KEPT_ANSWER_HEADER = 'x-lanekeeper-kept-answer';
/**
 * Marks a rebuilt response whose Link header is the kept one, because the 304 carried none: a
 * list that grew past a full last page would not say so there (see pages.ts).
 */
export const KEPT_LINK_HEADER = 'x-lanekeeper-kept-link';

/**
 * The kept answers of one credential. Each is sealed with a MAC keyed by the credential (the token
 * or the App's private key), so the history file alone cannot plant an answer: a forged body
 * under GitHub's current ETag would otherwise be confirmed by GitHub's 304 and read as the truth.
 * A new credential simply reads everything afresh once.
 */
export class SealedAnswers {
  private readonly key: Buffer;

  constructor(
    private readonly answers: AnswerCache,
    credential: string,
  ) {
    this.key = createHash('sha256').update('lanekeeper kept answers\0').update(credential).digest();
  }

  /** Answers checked once each: the budget planner asks before the request does. */
  private readonly checked = new Map<string, CachedAnswer | undefined>();

  get(key: string): CachedAnswer | undefined {
    if (this.checked.has(key)) return this.checked.get(key);
    const kept = this.answers.get(key);
    const valid = kept?.seal !== undefined && this.sealMatches(key, kept, kept.seal) ? kept : undefined;
    this.checked.set(key, valid);
    return valid;
  }

  put(key: string, answer: CachedAnswer): void {
    // A kept answer GitHub confirmed (304) is the object get() checked: its seal holds as it is.
    // Sealing it again would hash every body a second time on a re-scan.
    const confirmed = answer.seal !== undefined && this.checked.get(key) === answer;
    const sealed = confirmed ? answer : { ...answer, seal: this.seal(key, answer) };
    this.answers.put(key, sealed);
    this.checked.set(key, sealed);
  }

  private sealMatches(key: string, answer: CachedAnswer, seal: string): boolean {
    const expected = Buffer.from(this.seal(key, answer));
    const actual = Buffer.from(seal);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private seal(key: string, a: CachedAnswer): string {
    return createHmac('sha256', this.key)
      .update(JSON.stringify([key, a.validator, a.link ?? null, a.body]))
      .digest('base64url');
  }
}

export async function conditionalFetch(
  url: URL,
  init: WireRequest,
  answers: SealedAnswers,
  fetchFromNetwork: Transport,
  basePath: string,
): Promise<WireAnswer> {
  const method = (init.method ?? 'GET').toUpperCase();
  if (method !== 'GET' || url.pathname.endsWith('/graphql')) return fetchFromNetwork(url, init);
  const key = answerKey(url, basePath);
  const kept = answers.get(key);
  const response = await fetchFromNetwork(
    url,
    kept ? { ...init, headers: { ...init.headers, 'if-none-match': kept.validator } } : init,
  );
  // A 304 to a request that sent no validator is GitHub's fault: it goes on to Octokit, which
  // fails the call, rather than being answered from nothing.
  if (response.status === 304 && kept) {
    // The ETag covers the body alone: the Link header of the 304 is the current one (a list that
    // grew by a page links on from an unchanged last page), and it replaces the kept one.
    const link = response.headers.get('link');
    const current = link === null || link === (kept.link ?? '') ? kept : withLink(kept, link);
    answers.put(key, current);
    return replay(response, current, link !== null);
  }
  const validator = response.headers.get('etag');
  if (response.status !== 200 || !validator) return response;
  const body = await response.text();
  const link = response.headers.get('link');
  answers.put(key, { validator, body, ...(link ? { link } : {}) });
  return response;
}

/** The key a GET request Octokit would send for this operation and these parameters will have. */
export function requestKey(
  endpoint: (route: string, params: Record<string, unknown>) => { url: string },
  operation: string,
  params: Record<string, unknown>,
  basePath: string,
): string {
  return answerKey(new URL(endpoint(operation, params).url), basePath);
}

/** One key per request whatever the host: method, path below the API's base, sorted query. */
export function answerKey(url: URL, basePath: string): string {
  const path = basePath && url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
  const query = new URLSearchParams(url.searchParams);
  query.sort();
  return `GET ${path}?${query.toString()}`;
}

/** The kept answer under the Link header a 304 carried; an empty one means the list is one page now. */
function withLink(kept: CachedAnswer, link: string): CachedAnswer {
  const { link: _old, seal: _seal, ...rest } = kept;
  return link ? { ...rest, link } : rest;
}

/**
 * The kept answer as GitHub's 200 would have carried it, with the 304's current rate-limit
 * headers; `linkConfirmed`: the Link header is the 304's own, not the kept one.
 */
function replay(notModified: WireAnswer, kept: CachedAnswer, linkConfirmed: boolean): WireAnswer {
  const headers: [string, string][] = [];
  for (const [name, value] of notModified.headers) if (name.startsWith('x-ratelimit-')) headers.push([name, value]);
  headers.push(['content-type', 'application/json; charset=utf-8'], ['etag', kept.validator]);
  if (kept.link) headers.push(['link', kept.link]);
  headers.push([KEPT_ANSWER_HEADER, '1']);
  if (!linkConfirmed) headers.push([KEPT_LINK_HEADER, '1']);
  return new WireAnswer(200, 'OK', notModified.url, new AnswerHeaders(headers), kept.body);
}
