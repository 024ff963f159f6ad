// Which failures the GitHub client asks again, and how often: as @octokit/plugin-retry did,
// checked through the client the connector uses against a scripted server.
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets } from '../../../src/core/redact.js';
import { clientOf, json, type WireServer, wireServer } from './wire-server.js';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  clearSecrets();
});

const TIMEOUT_MESSAGE = 'Something went wrong while executing your query. This may be the result of a timeout.';

/** The client against a server answering each request with the next status of the script. */
async function clientAnswering(script: (index: number, response: import('node:http').ServerResponse) => void) {
  server = await wireServer((_request, response, index) => script(index, response));
  const calls: string[] = [];
  const client = clientOf(server, {
    onRequest: (operation) => calls.push(operation),
    tuning: { serverErrorRetries: 3 },
  });
  return { client, calls, received: () => server?.received ?? [] };
}

describe('github client retries', () => {
  it('asks again after 5xx answers and dropped connections, up to three times', async () => {
    const { client, calls } = await clientAnswering((i, response) => {
      if (i === 0) json(response, 502, { message: 'Bad Gateway' });
      else if (i === 1) response.socket?.destroy();
      else if (i === 2) json(response, 503, { message: 'Service Unavailable' });
      else json(response, 200, { login: 'acme' });
    });
    const { data } = await client.request('GET /orgs/{org}', { org: 'acme' });
    expect(data).toEqual({ login: 'acme' });
    expect(calls).toEqual(Array(4).fill('GET /orgs/{org}'));
  });

  it('gives up after the retries, with the last answer', async () => {
    const { client, received } = await clientAnswering((_i, response) => json(response, 500, { message: 'boom' }));
    await expect(client.request('GET /orgs/{org}', { org: 'acme' })).rejects.toMatchObject({ status: 500 });
    expect(received()).toHaveLength(4);
  });

  it.each([400, 401, 403, 404, 410, 422, 451])('does not ask again after %i', async (status) => {
    const { client, received } = await clientAnswering((_i, response) => json(response, status, { message: 'no' }));
    await expect(client.request('GET /orgs/{org}', { org: 'acme' })).rejects.toMatchObject({ status });
    expect(received()).toHaveLength(1);
  });

  it("asks again when GraphQL answers GitHub's timeout error, and not for other query errors", async () => {
    const timeouts = await clientAnswering((i, response) =>
      json(response, 200, i === 0 ? { data: null, errors: [{ message: TIMEOUT_MESSAGE }] } : { data: { ok: 1 } }),
    );
    await expect(timeouts.client.graphql('{ ok }')).resolves.toEqual({ ok: 1 });
    expect(timeouts.received()).toHaveLength(2);
    await server?.close();

    // Out of tries, the query fails with GitHub's own words.
    const stuck = await clientAnswering((_i, response) =>
      json(response, 200, { data: null, errors: [{ message: TIMEOUT_MESSAGE }] }),
    );
    await expect(stuck.client.graphql('{ ok }')).rejects.toThrow(/Something went wrong while executing your query/);
    expect(stuck.received()).toHaveLength(4);
    await server?.close();

    const wrong = await clientAnswering((_i, response) =>
      json(response, 200, { data: null, errors: [{ type: 'NOT_FOUND', message: 'Could not resolve' }] }),
    );
    await expect(wrong.client.graphql('{ ok }')).rejects.toThrow(/Could not resolve/);
    expect(wrong.received()).toHaveLength(1);
  });

  it('stops asking once the scan is cancelled, failing with the answer it had', async () => {
    server = await wireServer((_request, response) => json(response, 503, { message: 'Service Unavailable' }));
    const cancel = new AbortController();
    // Cancelled as the first 503 comes back, before any wait: the failure is GitHub's answer,
    // not the cancellation a wait would end with.
    const client = clientOf(server, {
      signal: cancel.signal,
      onRequest: () => cancel.abort(new Error('cancelled')),
      tuning: { serverErrorRetries: 3 },
    });
    await expect(client.request('GET /orgs/{org}', { org: 'acme' })).rejects.toMatchObject({ status: 503 });
    expect(server.received).toHaveLength(1);
  });
});
