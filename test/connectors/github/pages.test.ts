// Paged REST lists: numbered pages after the first are asked side by side and kept in page order;
// lists paged otherwise are followed link by link; the paging policy holds in both.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../connectors/github/client.js';
import { readPages } from '../../../connectors/github/pages.js';
import { GithubConfigSchema } from '../../../connectors/github/schema.js';
import { AdaptiveQueue } from '../../../src/core/adaptive-queue.js';
import { silentLogger } from '../../../src/core/log.js';
import { clearSecrets } from '../../../src/core/redact.js';
import { clientOf, json, type Received, type WireServer, wireServer } from './wire-server.js';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  clearSecrets();
});

type Script = (request: Received, url: URL, response: ServerResponse) => void;

/** Reads GET /orgs/acme/members from a server the test scripts; `inFlight` is the most requests it held at once. */
async function readMembers(script: Script, concurrency = 8) {
  let open = 0;
  let inFlight = 0;
  server = await wireServer((request, response) => {
    open++;
    inFlight = Math.max(inFlight, open);
    response.on('finish', () => open--);
    script(request, new URL(request.url, 'http://github.test'), response);
  });
  const client = clientOf(server, { tuning: { serverErrorRetries: 0 } });
  const queue = new AdaptiveQueue(concurrency);
  const read = readPages(client, (task) => queue.add(task), 'GET /orgs/{org}/members', { org: 'acme' }, undefined);
  const pages = () => server?.received.map((r) => new URL(r.url, 'http://github.test').searchParams.get('page'));
  return { read, pages, inFlight: () => inFlight };
}

/** GitHub's Link header for page `page` of `last`, on the server's own URL. */
function links(page: number, last: number, next = page + 1): string {
  const at = (n: number) => `<${server?.url}/orgs/acme/members?per_page=100&page=${n}>`;
  return page < last ? `${at(next)}; rel="next", ${at(last)}; rel="last"` : `${at(1)}; rel="first"`;
}

const member = (n: number) => ({ login: `user-${n}` });

describe('github paged lists', () => {
  it('asks the pages after the first side by side, and keeps them in page order', async () => {
    const { read, pages, inFlight } = await readMembers((_request, url, response) => {
      const page = Number(url.searchParams.get('page') ?? 1);
      // Later pages answer first (page 5 after 100 ms, page 2 after 160 ms): the order of the
      // list must not depend on it, and every page is held long enough to be seen in flight.
      setTimeout(() => json(response, 200, [member(page)], { link: links(page, 5) }), page === 1 ? 0 : 200 - page * 20);
    });
    expect(await read).toEqual([1, 2, 3, 4, 5].map(member));
    expect(pages()?.[0]).toBeNull();
    expect(pages()?.slice(1).sort()).toEqual(['2', '3', '4', '5']);
    expect(inFlight()).toBe(4);
  });

  it('keeps within the queue: no more pages in flight than it allows', async () => {
    const { read, inFlight } = await readMembers((_request, url, response) => {
      const page = Number(url.searchParams.get('page') ?? 1);
      setTimeout(() => json(response, 200, [member(page)], { link: links(page, 9) }), 50);
    }, 3);
    expect(await read).toHaveLength(9);
    expect(inFlight()).toBe(3);
  });

  it('asks a page again while it links to itself, and fails when it never stops', async () => {
    let repeats = 0;
    const { read } = await readMembers((_request, url, response) => {
      const page = Number(url.searchParams.get('page') ?? 1);
      // Page 2 is first empty and links to itself ("again"), then whole.
      if (page === 2 && repeats++ === 0) json(response, 200, [], { link: links(2, 3, 2) });
      else json(response, 200, [member(page)], { link: links(page, 3) });
    });
    expect(await read).toEqual([1, 2, 3].map(member));
    expect(repeats).toBe(2);

    await server?.close();
    const stuck = await readMembers((_request, url, response) => {
      const page = Number(url.searchParams.get('page') ?? 1);
      json(response, 200, [member(page)], { link: links(page, 3, page === 2 ? 2 : page + 1) });
    });
    await expect(stuck.read).rejects.toThrow(/paging did not advance/);
    expect(stuck.pages()?.filter((p) => p === '2')).toHaveLength(4);
  });

  it('follows the last page on when the list grew while it was read', async () => {
    const { read, pages } = await readMembers((_request, url, response) => {
      const page = Number(url.searchParams.get('page') ?? 1);
      // The first answer says three pages; by the time page 3 is read there are four.
      json(response, 200, [member(page)], { link: links(page, page === 1 ? 3 : 4) });
    });
    expect(await read).toEqual([1, 2, 3, 4].map(member));
    expect(pages()?.at(-1)).toBe('4');
  });

  it('follows links one by one when the pages are not numbered, and unwraps wrapped lists', async () => {
    const { read, inFlight } = await readMembers((_request, url, response) => {
      const after = Number(url.searchParams.get('after') ?? 0);
      const next = `<${server?.url}/orgs/acme/members?per_page=100&after=${after + 1}>; rel="next"`;
      json(response, 200, { total_count: 3, members: [member(after)] }, after < 2 ? { link: next } : {});
    });
    expect(await read).toEqual([0, 1, 2].map(member));
    expect(inFlight()).toBe(1);
  });

  it('fails, naming the list, when a page is not a list', async () => {
    const { read } = await readMembers((_request, _url, response) => json(response, 200, { message: 'hello' }));
    await expect(read).rejects.toThrow(/GET \/orgs\/\{org\}\/members .*not a list/);
  });

  // A proxy or a cache in front of GitHub may answer 200 with nothing: that is no list of nobody.
  it.each([
    ['null', 'null'],
    ['an empty body', ''],
    ['a wrapped count without its list', '{"total_count":2}'],
  ])('fails when a page answers %s', async (_name, body) => {
    const { read } = await readMembers((_request, _url, response) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(body);
    });
    await expect(read).rejects.toThrow(/GET \/orgs\/\{org\}\/members .*not a list/);
  });
});

describe('github paged lists: where a link may lead', () => {
  const TOKEN = 'ghp_wireservertest';
  let other: WireServer | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
  });

  /** The configured server (127.0.0.1) answers page 1 with `link(otherUrl)`; `other` (localhost) records what reaches it. */
  async function readWith(link: (configured: string, otherUrl: string) => string, basePath = '') {
    other = await wireServer((_request, response) => json(response, 200, [member(2)]));
    const otherUrl = other.url.replace('127.0.0.1', 'localhost');
    server = await wireServer((request, response) =>
      new URL(request.url, 'http://github.test').searchParams.has('page')
        ? json(response, 200, [member(9)])
        : json(response, 200, [member(1)], { link: link(server?.url ?? '', otherUrl) }),
    );
    const client = createClient({
      config: GithubConfigSchema.parse({ org: 'acme', token: TOKEN, baseUrl: `${server.url}${basePath}` }),
      signal: new AbortController().signal,
      log: silentLogger,
      onRequest: () => {},
      tuning: { msPerSecond: 1, serverErrorRetries: 0 },
    });
    return readPages(client, (task) => task(), 'GET /orgs/{org}/members', { org: 'acme' }, undefined);
  }

  it('refuses a next link to another origin, naming it, and sends it nothing', async () => {
    const read = readWith((_, elsewhere) => `<${elsewhere}/orgs/acme/members?page=2>; rel="next"`);
    const error = await read.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/GET \/orgs\/\{org\}\/members .*http:\/\/localhost:\d+.*not followed/);
    expect(error?.message).not.toContain(TOKEN);
    expect(other?.received).toEqual([]);
  });

  it('refuses numbered pages on another origin, and a link outside the API base path on the same host', async () => {
    const numbered = readWith(
      (_, elsewhere) =>
        `<${elsewhere}/orgs/acme/members?per_page=100&page=2>; rel="next", <${elsewhere}/orgs/acme/members?per_page=100&page=3>; rel="last"`,
    );
    await expect(numbered).rejects.toThrow(/http:\/\/localhost:\d+/);
    expect(other?.received).toEqual([]);
    await server?.close();
    await other?.close();
    const outside = readWith((configured) => `<${configured}/uploads/orgs/acme/members?page=2>; rel="next"`, '/api/v3');
    await expect(outside).rejects.toThrow(/outside the API base path \/api\/v3/);
    expect(server?.received.map((r) => r.url)).toEqual(['/api/v3/orgs/acme/members?per_page=100']);
    // Under the base path, the same server's link is followed.
    await server?.close();
    await other?.close();
    const inside = readWith((configured) => `<${configured}/api/v3/orgs/acme/members?page=2>; rel="next"`, '/api/v3');
    expect(await inside).toEqual([member(1), member(9)]);
  });
});
