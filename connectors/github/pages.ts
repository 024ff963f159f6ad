// A paged REST list, read under the core's paging policy (src/core/paging.ts). GitHub numbers
// the pages of the lists we read and names the last one in the first answer's Link header
// (rel="last"), so once the first page is in, the others are asked side by side through the
// organisation's queue instead of one link after another: at 5,000 repositories the listing
// was 50 pages, four seconds in a row, before any repository could be read. A list whose
// links are not numbered pages is followed link by link, as Octokit's paginator does.
import { MAX_FETCHES_PER_CURSOR, PageGuard, PagingError } from '../../src/core/paging.js';
import { GithubCallError, type GithubClient } from './client.js';
import { KEPT_LINK_HEADER } from './conditional.js';
import type { GithubOperation } from './operations.js';

export const PER_PAGE = 100;

/** Runs one request in the organisation's queue (AdaptiveQueue.add). */
export type Run = <T>(task: () => Promise<T>) => Promise<T>;

interface Page {
  /** The page as the guard knows it: its path and sorted query. */
  key: string;
  items: unknown[];
  /** The next page's key, when the answer links on. */
  next: string | undefined;
  links: Links;
  /** The page's URL as asked. */
  url: string;
  /** A kept answer whose Link header GitHub's 304 did not confirm (conditional.ts). */
  keptLink: boolean;
}

export async function readPages(
  client: GithubClient,
  run: Run,
  operation: GithubOperation,
  params: Record<string, unknown>,
  subject: string | undefined,
): Promise<unknown[]> {
  const what = subject ? `${operation} (${subject})` : operation;
  const guard = new PageGuard<unknown>(what);
  const api = new URL(client.request.endpoint.DEFAULTS.baseUrl);
  const read = async (url: string | undefined): Promise<Page> => {
    // A link is asked with the token: it must lead where the token is meant to go.
    if (url !== undefined) {
      const refused = refusedLink(url, api);
      if (refused) throw new GithubCallError(operation, subject, { message: refused });
    }
    const answer = await run(() =>
      url === undefined
        ? client.request(operation, { ...params, per_page: PER_PAGE })
        : client.request({ method: 'GET', url }),
    );
    const items = recordsOf(answer.data);
    if (!items) throw new GithubCallError(operation, subject, { message: 'the answer was not a list' });
    const links = parseLinks(answer.headers.link);
    const keptLink = (answer.headers as Record<string, unknown>)[KEPT_LINK_HEADER] !== undefined;
    return {
      key: pageKey(answer.url),
      items,
      next: links.next && pageKey(links.next),
      links,
      url: answer.url,
      keptLink,
    };
  };

  let last = await read(undefined);
  let cursor = guard.page(last.key, last.items, last.next);
  const numbered = cursor !== undefined ? numberedPages(last.links) : undefined;
  if (numbered) {
    // Each page is asked until it stops linking to itself (a repeated page, or an empty one that
    // says "again"), at most as often as the policy allows; the guard then sees them in order.
    const pages = await Promise.all(
      numbered.map(async (url) => {
        for (let fetches = 1; ; fetches++) {
          const page = await read(url);
          if (page.next !== page.key) return page;
          if (fetches >= MAX_FETCHES_PER_CURSOR)
            throw new PagingError(`${what}: paging did not advance (the same page kept coming back)`);
        }
      }),
    );
    for (const page of pages) {
      cursor = guard.page(page.key, page.items, page.next);
      last = page;
    }
  }
  for (;;) {
    // Link by link: a list paged otherwise, and what follows the last page of a list that grew
    // while it was read.
    while (cursor !== undefined && last.links.next) {
      last = await read(last.links.next);
      cursor = guard.page(last.key, last.items, last.next);
    }
    // A full last page answered from a kept answer whose Link GitHub did not confirm may have
    // been followed by a page since: a 304 speaks for the body only. The next page is asked.
    const beyond = pageAfterUnconfirmedEnd(last);
    if (beyond === undefined) return guard.items();
    last = await read(beyond);
    cursor = guard.page(last.key, last.items, last.next);
  }
}

/**
 * Why a paging link is not followed, or undefined when it may be: it must stay on the configured
 * API's origin (scheme, host and port) and under its base path, or the token would go with it.
 * Only the link's origin and path are named, never its query (nor anything of the credential).
 */
function refusedLink(link: string, api: URL): string | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return 'the answer links to a next page that is not a URL; not followed';
  }
  if (url.origin !== api.origin)
    return `the answer links to a next page on ${url.origin}, not on the configured API ${api.origin}; not followed (the token would be sent there)`;
  const base = api.pathname.replace(/\/$/, '');
  if (base && url.pathname !== base && !url.pathname.startsWith(`${base}/`))
    return `the answer links to a next page at ${url.pathname}, outside the API base path ${base}; not followed`;
  return undefined;
}

/** GitHub's page size when a request names none. */
const DEFAULT_PER_PAGE = 30;

/** The URL of the page after `page` when it is a full, numbered last page with an unconfirmed Link. */
function pageAfterUnconfirmedEnd(page: Page): string | undefined {
  if (!page.keptLink || page.links.next) return undefined;
  const url = new URL(page.url);
  const perPage = Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE);
  const number = Number(url.searchParams.get('page') ?? 1);
  if (!Number.isSafeInteger(number) || number < 1 || page.items.length < perPage) return undefined;
  url.searchParams.set('page', String(number + 1));
  return url.href;
}

/** The fields around the records of a wrapped list, as Octokit's paginator knows them. */
const WRAPPER_FIELDS = new Set(['total_count', 'total_commits', 'incomplete_results', 'repository_selection']);

/**
 * A page's records. Some lists come wrapped (`{ "total_count": 2, "secrets": [...] }`) and are
 * unwrapped as Octokit's paginator unwraps them. An empty body or `null` is no list: Octokit's
 * paginator takes it for an empty page, which would read a list that failed (a proxy's empty 200)
 * as a list with nobody on it.
 */
function recordsOf(data: unknown): unknown[] | undefined {
  if (Array.isArray(data)) return data;
  if (data === null || typeof data !== 'object' || 'url' in data || !('total_count' in data || 'total_commits' in data))
    return undefined;
  const key = Object.keys(data).find((k) => !WRAPPER_FIELDS.has(k));
  // Only a count of nothing may come without its list.
  const records =
    key === undefined
      ? (data as { total_count?: unknown }).total_count === 0
        ? []
        : undefined
      : (data as Record<string, unknown>)[key];
  return Array.isArray(records) ? records : undefined;
}

interface Links {
  next?: string;
  last?: string;
}

function parseLinks(header: string | undefined): Links {
  const links: Links = {};
  for (const part of header?.split(',') ?? []) {
    const url = /<([^>]+)>/.exec(part)?.[1];
    const rel = /rel="([^"]+)"/.exec(part)?.[1];
    if (url && (rel === 'next' || rel === 'last')) links[rel] = url;
  }
  return links;
}

/**
 * The URLs of pages 2 to the last, when the first answer links to page 2 and to a last page of
 * the same list; undefined when the list is paged some other way (cursors, or no last link).
 */
function numberedPages(links: Links): string[] | undefined {
  if (!links.next || !links.last) return undefined;
  const next = new URL(links.next);
  const last = new URL(links.last);
  const lastPage = Number(last.searchParams.get('page'));
  if (next.searchParams.get('page') !== '2' || !Number.isSafeInteger(lastPage) || lastPage < 2) return undefined;
  // The last link must be the next link but for its page number: the same list, the same size.
  const other = new URL(last);
  other.searchParams.set('page', '2');
  if (pageKey(other.href) !== pageKey(next.href)) return undefined;
  const urls: string[] = [];
  for (let page = 2; page <= lastPage; page++) {
    const url = new URL(next);
    url.searchParams.set('page', String(page));
    urls.push(url.href);
  }
  return urls;
}

/** One key per page whatever the link spelling: `?page=1` and no page are the same page. */
function pageKey(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('page')) u.searchParams.set('page', '1');
  u.searchParams.sort();
  return `${u.pathname}?${u.searchParams.toString()}`;
}
