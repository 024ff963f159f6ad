// A server on 127.0.0.1 that answers each request as a test scripts it: for the HTTP exchange
// under Octokit (transport.ts, retries.ts), where the emulator's answers are too well-behaved.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClientTuning, createClient, type GithubClient } from '../../../connectors/github/client.js';
import { GithubConfigSchema } from '../../../connectors/github/schema.js';
import { silentLogger } from '../../../src/core/log.js';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface WireServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export async function wireServer(
  answer: (request: Received, response: ServerResponse, index: number) => void,
): Promise<WireServer> {
  const received: Received[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      answer(request, response, received.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

/** The client the connector uses, aimed at a scripted server; waits in milliseconds. */
export function clientOf(
  server: WireServer,
  options: { signal?: AbortSignal; onRequest?: (operation: string) => void; tuning?: ClientTuning } = {},
): GithubClient {
  return createClient({
    config: GithubConfigSchema.parse({ org: 'acme', token: 'ghp_wireservertest', baseUrl: server.url }),
    signal: options.signal ?? new AbortController().signal,
    log: silentLogger,
    onRequest: options.onRequest ?? (() => {}),
    tuning: { msPerSecond: 1, ...options.tuning },
  });
}
