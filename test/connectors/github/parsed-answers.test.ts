// Success answers as the client hands them to the collector: parsed by parsed-answers.ts under
// Octokit's rules, whatever the content type says.
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets } from '../../../src/core/redact.js';
import { clientOf, type WireServer, wireServer } from './wire-server.js';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  clearSecrets();
});

const ANSWERS: Record<string, [string | undefined, string]> = {
  '/json': ['application/json; charset=utf-8', '{"login":"acme","id":9007199254740991}'],
  '/scim': ['application/scim+json', '{"Resources":[]}'],
  '/broken': ['application/json', '{"login":'],
  '/text': ['text/plain', 'plain words'],
  '/utf8': ['application/vnd.github.raw; charset=utf-8', 'raw words'],
  '/bytes': ['application/octet-stream', 'abc'],
  '/untyped': [undefined, 'no type'],
};

async function client() {
  server = await wireServer((request, response) => {
    const [type, body] = ANSWERS[request.url] ?? ['application/json', '{}'];
    response.writeHead(200, type ? { 'content-type': type } : {}).end(body);
  });
  return clientOf(server);
}

describe('github answers', () => {
  it('parses JSON and SCIM answers, and leaves an answer that is not JSON as its text', async () => {
    const github = await client();
    const data = async (path: string) => (await github.request(`GET ${path}`)).data;
    expect(await data('/json')).toEqual({ login: 'acme', id: 9007199254740991 });
    expect(await data('/scim')).toEqual({ Resources: [] });
    expect(await data('/broken')).toBe('{"login":');
  });

  it('reads text as text and anything else as bytes, as Octokit does', async () => {
    const github = await client();
    const data = async (path: string) => (await github.request(`GET ${path}`)).data;
    expect(await data('/text')).toBe('plain words');
    expect(await data('/utf8')).toBe('raw words');
    expect(await data('/untyped')).toBe('no type');
    const bytes = await data('/bytes');
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(bytes as ArrayBuffer).toString()).toBe('abc');
  });
});
