// A Google client request that never answers ends when the scan's signal does: left open, its
// socket kept the process alive after the reports were written, and CI never got the exit code.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGcpApi } from '../../../connectors/gcp/client.js';
import { GcpConfigSchema } from '../../../connectors/gcp/schema.js';
import { clearSecrets } from '../../../src/core/redact.js';

let server: Server;
const held: IncomingMessage[] = [];
const closed: string[] = [];

beforeAll(async () => {
  // Answers nothing, ever: each request is held open until the client gives up on it.
  server = createServer((request) => {
    held.push(request);
    request.socket.on('close', () => closed.push(request.url ?? ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  clearSecrets();
});

describe('gcp client: a request that never answers', () => {
  it.each([
    [
      'getIamPolicy (a Google client call)',
      (api: Awaited<ReturnType<typeof createGcpApi>>) => api.getIamPolicy('projects/shop-prod', () => {}),
    ],
    [
      'listServiceAccounts (a REST call)',
      (api: Awaited<ReturnType<typeof createGcpApi>>) => api.listServiceAccounts('shop-prod', () => {}),
    ],
  ])('%s ends, and its connection closes, when the scan is aborted', async (_name, call) => {
    const scan = new AbortController();
    const config = GcpConfigSchema.parse({
      organization: '1000',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      accessToken: 'ya29.lanekeeper-never-answered-test',
    });
    const api = await createGcpApi(config, scan.signal);
    const before = held.length;
    const pending = call(api);
    pending.catch(() => {});
    await expect.poll(() => held.length).toBeGreaterThan(before);
    const closedBefore = closed.length;
    scan.abort(new Error('the deadline of 1s passed'));
    await expect(pending).rejects.toThrow();
    await expect.poll(() => closed.length).toBeGreaterThan(closedBefore);
    await api.close();
  });
});
