import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { isNotVisible } from '../../../connectors/github/calls.js';
import { createClient, GithubCallError, operationOf, readFailure } from '../../../connectors/github/client.js';
import { GithubConfigSchema } from '../../../connectors/github/schema.js';
import { createLogger } from '../../../src/core/log.js';
import { clearSecrets } from '../../../src/core/redact.js';
import { json, wireServer } from './wire-server.js';

const TOKEN = 'ghp_SuperSecretTokenValue0123456789abcd';
const INSTALLATION_TOKEN = 'ghs_InstallationTokenValue0123456789ab';

/** Shaped like @octokit/request-error's RequestError: the request (with its headers) rides along. */
function sdkError(message: string, status: number, response?: { data: unknown }): Error {
  const url = 'https://api.github.com/orgs/acme/members';
  return Object.assign(new Error(message), {
    name: 'HttpError',
    status,
    request: { method: 'GET', url, headers: { authorization: `token ${TOKEN}` } },
    ...(response ? { response: { status, url, headers: { 'x-github-request-id': '1' }, data: response.data } } : {}),
  });
}

function requestError(status: number, data: unknown): Error {
  return sdkError('boom', status, { data });
}

describe('github client errors', () => {
  it('names the call and keeps only the status and GitHub message, never the request headers', () => {
    const e = new GithubCallError(
      'GET /orgs/{org}/outside_collaborators',
      undefined,
      readFailure(requestError(403, { message: 'Resource not accessible by integration' })),
    );
    expect(e.message).toBe(
      'GET /orgs/{org}/outside_collaborators answered 403: Resource not accessible by integration',
    );
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain(TOKEN);
  });

  it('describes an HTML error page and a network failure in one line', () => {
    expect(readFailure(requestError(502, '<!DOCTYPE html><html>Unicorn</html>'))).toEqual({
      status: 502,
      message: 'an HTML error page',
    });
    const network = sdkError('connect ECONNREFUSED 127.0.0.1:9', 500);
    const e = new GithubCallError('GET /orgs/{org}', undefined, readFailure(network));
    expect(e.message).toBe('GET /orgs/{org} failed: connect ECONNREFUSED 127.0.0.1:9');
  });

  it('tells a missing permission from a rate limit that outlasted the retries', () => {
    expect(isNotVisible({ status: 403, message: 'Resource not accessible by personal access token' })).toBe(true);
    expect(isNotVisible({ status: 422, message: 'Only owners can use this filter.' })).toBe(true);
    expect(isNotVisible({ status: 403, message: 'You have exceeded a secondary rate limit' })).toBe(false);
    expect(isNotVisible({ status: 403, message: 'You have triggered an abuse detection mechanism.' })).toBe(false);
    expect(isNotVisible({ status: 429, message: 'Too many requests', throttled: true })).toBe(false);
    const limited = Object.assign(requestError(403, { message: 'Forbidden' }), {
      response: { status: 403, headers: { 'retry-after': '60' }, data: { message: 'Forbidden' } },
    });
    expect(isNotVisible(readFailure(limited))).toBe(false);
    // The request that spends the hour's last unit says remaining 0 whatever it answers: a 404
    // then is still not visible, and a 403 with it is the limit.
    const lastUnit = (status: number, message: string) =>
      Object.assign(requestError(status, { message }), {
        response: { status, headers: { 'x-ratelimit-remaining': '0' }, data: { message } },
      });
    expect(isNotVisible(readFailure(lastUnit(404, 'Not Found')))).toBe(true);
    expect(isNotVisible(readFailure(lastUnit(403, 'API rate limit exceeded')))).toBe(false);
    expect(isNotVisible({ status: 500, message: 'Server Error' })).toBe(false);
    expect(isNotVisible({ message: 'x', graphqlTypes: ['FORBIDDEN'] })).toBe(true);
    expect(isNotVisible({ message: 'x', graphqlTypes: ['NOT_FOUND'] })).toBe(false);
  });
});

describe('github client operation names', () => {
  it('maps request paths to operations, on github.com and under a GHES base path', () => {
    expect(operationOf('GET', '/orgs/acme/members', '')).toBe('GET /orgs/{org}/members');
    expect(operationOf('GET', '/api/v3/repos/acme/api/keys', '/api/v3')).toBe('GET /repos/{owner}/{repo}/keys');
    expect(operationOf('POST', '/api/graphql', '/api/v3')).toBe('POST /graphql');
    expect(operationOf('POST', '/app/installations/9/access_tokens', '')).toBe(
      'POST /app/installations/{installation_id}/access_tokens',
    );
    expect(operationOf('GET', '/rate_limit', '')).toBe('GET /rate_limit');
    // A method, a segment or a segment count that differs is another operation.
    expect(operationOf('POST', '/orgs/acme/members', '')).toBe('POST /orgs/acme/members');
    expect(operationOf('GET', '/orgs/acme/members/extra', '')).toBe('GET /orgs/acme/members/extra');
    expect(operationOf('GET', '/orgs/acme/teams/core/repos', '')).toBe('GET /orgs/{org}/teams/{team_slug}/repos');
    // A name that is not valid percent-encoding is still named, not thrown on.
    expect(operationOf('GET', '/repos/acme/%E0%A4%A/keys', '')).toBe('GET /repos/{owner}/{repo}/keys');
  });
});

describe('github client: what Octokit would print', () => {
  const withSpies = async (body: () => Promise<void>) => {
    const printed: string[] = [];
    const spies = [
      vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void printed.push(a.join(' '))),
      vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void printed.push(a.join(' '))),
      vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void printed.push(a.join(' '))),
      vi.spyOn(console, 'info').mockImplementation((...a: unknown[]) => void printed.push(a.join(' '))),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
        printed.push(String(chunk));
        return true;
      }),
    ];
    try {
      await body();
    } finally {
      for (const spy of spies) spy.mockRestore();
      clearSecrets();
    }
    return printed;
  };

  /** A server that marks every answer deprecated and echoes the credential it was sent in Sunset. */
  const deprecatingServer = () =>
    wireServer((request, response) => {
      const credential = String(request.headers.authorization ?? '').replace(/^(token|bearer) /i, '');
      const headers = { deprecation: 'true', sunset: `##[error]forged-annotation ${credential}` };
      if (request.method === 'POST')
        return json(response, 201, { token: INSTALLATION_TOKEN, expires_at: '2099-01-01T00:00:00Z' }, headers);
      json(response, 200, { login: 'acme', id: 1 }, headers);
    });

  it('sends a deprecation warning to the debug log, redacted, never to the console', async () => {
    const server = await deprecatingServer();
    const lines: string[] = [];
    try {
      const printed = await withSpies(async () => {
        const client = createClient({
          config: GithubConfigSchema.parse({ org: 'acme', token: TOKEN, baseUrl: server.url }),
          signal: new AbortController().signal,
          log: createLogger('verbose', (l) => lines.push(l)),
          onRequest: () => {},
        });
        await client.request('GET /orgs/{org}', { org: 'acme' });
      });
      expect(printed).toEqual([]);
      expect(lines.join('')).toMatch(/debug: github: .*is deprecated/);
      expect(lines.join('')).not.toContain(TOKEN);
      expect(lines.join('')).not.toContain('##[error]');
    } finally {
      await server.close();
    }
  });

  it('does the same for the GitHub App token mint and the calls made with its token', async () => {
    const server = await deprecatingServer();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const lines: string[] = [];
    try {
      const printed = await withSpies(async () => {
        const client = createClient({
          config: GithubConfigSchema.parse({
            org: 'acme',
            baseUrl: server.url,
            app: { appId: 1, installationId: 2, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) },
          }),
          signal: new AbortController().signal,
          log: createLogger('verbose', (l) => lines.push(l)),
          onRequest: () => {},
        });
        await client.request('GET /orgs/{org}', { org: 'acme' });
      });
      expect(server.received.map((r) => r.method)).toEqual(['POST', 'GET']);
      expect(printed).toEqual([]);
      expect(lines.join('')).toMatch(/is deprecated/);
      expect(lines.join('')).not.toContain(INSTALLATION_TOKEN);
      expect(lines.join('')).not.toContain('##[error]');
    } finally {
      await server.close();
    }
  });
});
