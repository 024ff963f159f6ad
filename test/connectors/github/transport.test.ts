// The HTTP exchange under Octokit: what it must do as fetch did (decode compressed answers,
// follow redirects without carrying credentials to another origin, abort with the scan, give up
// on silence and on a cut answer), checked on the wire against a scripted server.
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createTransport } from '../../../connectors/github/transport.js';
import { json, type WireServer, wireServer } from './wire-server.js';

const servers: WireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(answer: Parameters<typeof wireServer>[0]): Promise<WireServer> {
  const server = await wireServer(answer);
  servers.push(server);
  return server;
}

const transport = (signal = new AbortController().signal, idleTimeoutMs?: number) =>
  createTransport({ signal, ...(idleTimeoutMs ? { idleTimeoutMs } : {}) });

describe('github transport', () => {
  it('sends the method, headers and body, and reads status, headers and text', async () => {
    const server = await serve((request, response) => {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      json(response, 201, { echo: request.body }, { ETag: '"v1"', 'x-ratelimit-remaining': '4999' });
    });
    const answer = await transport()(`${server.url}/graphql`, {
      method: 'POST',
      headers: { authorization: 'token t', 'content-type': 'application/json' },
      body: '{"query":"{ viewer { login } }"}',
    });
    expect(server.received[0]).toMatchObject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: 'token t', 'content-type': 'application/json' },
      body: '{"query":"{ viewer { login } }"}',
    });
    expect(answer.status).toBe(201);
    expect(answer.url).toBe(`${server.url}/graphql`);
    expect(answer.headers.get('ETag')).toBe('"v1"');
    expect(answer.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(answer.headers.has('x-missing')).toBe(false);
    expect(Object.fromEntries(answer.headers)).toMatchObject({ etag: '"v1"', 'x-ratelimit-remaining': '4999' });
    expect(JSON.parse(await answer.text())).toEqual({ echo: '{"query":"{ viewer { login } }"}' });
  });

  it('asks for compressed answers and decodes gzip and brotli, as fetch does', async () => {
    const body = JSON.stringify([{ login: 'ada' }, { login: 'grace' }]);
    const server = await serve((request, response) => {
      const brotli = request.url === '/br';
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': brotli ? 'br' : 'gzip' });
      response.end(brotli ? brotliCompressSync(body) : gzipSync(body));
    });
    const send = transport();
    expect(await (await send(`${server.url}/gzip`)).text()).toBe(body);
    expect(await (await send(`${server.url}/br`)).text()).toBe(body);
    expect(server.received[0]?.headers['accept-encoding']).toMatch(/gzip/);
  });

  it('follows a redirect on its origin with the token, and to another origin without it', async () => {
    const elsewhere = await serve((_request, response) => json(response, 200, { moved: true }));
    const server = await serve((request, response) => {
      if (request.url === '/repos/acme/old') response.writeHead(301, { location: '/repositories/7' }).end();
      else if (request.url === '/repositories/7') response.writeHead(302, { location: `${elsewhere.url}/x` }).end();
      else json(response, 404, { message: 'Not Found' });
    });
    const answer = await transport()(`${server.url}/repos/acme/old`, { headers: { authorization: 'token t' } });
    expect(answer.status).toBe(200);
    expect(answer.url).toBe(`${elsewhere.url}/x`);
    expect(server.received.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/repos/acme/old', 'token t'],
      ['/repositories/7', 'token t'],
    ]);
    expect(elsewhere.received[0]?.headers.authorization).toBeUndefined();
  });

  it('turns a POST answered 303 into a GET without its body, and stops at twenty redirects', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/post') response.writeHead(303, { location: '/result' }).end();
      else if (request.url === '/result') json(response, 200, { method: request.method, body: request.body });
      else response.writeHead(307, { location: '/loop' }).end();
    });
    const send = transport();
    const answer = await send(`${server.url}/post`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(JSON.parse(await answer.text())).toEqual({ method: 'GET', body: '' });
    await expect(send(`${server.url}/loop`)).rejects.toThrow(/redirected more than 20 times/);
    expect(server.received.filter((r) => r.url === '/loop')).toHaveLength(21);
  });

  it('aborts what is in flight when the scan is cancelled, as an AbortError', async () => {
    const server = await serve(() => {
      // Never answers.
    });
    const cancel = new AbortController();
    const send = transport(cancel.signal);
    const pending = send(`${server.url}/slow`);
    await waitUntil(() => server.received.length === 1);
    cancel.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    // Once cancelled, nothing more leaves.
    await expect(send(`${server.url}/after`)).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.received).toHaveLength(1);
  });

  it('gives up on a server that goes silent, and on an answer cut short', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/cut') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        response.write('[{"login":');
        setTimeout(() => response.destroy(), 10);
      }
    });
    const send = transport(undefined, 50);
    await expect(send(`${server.url}/silent`)).rejects.toThrow(/^no answer from 127\.0\.0\.1:\d+ in 0\.05 s$/);
    await expect(send(`${server.url}/cut`)).rejects.toThrow(/closed before the answer was whole/);
  });

  it('fails with the reason when nothing listens', async () => {
    await expect(transport()('http://127.0.0.1:9/orgs/acme')).rejects.toThrow(/ECONNREFUSED/);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('the condition never held');
}
