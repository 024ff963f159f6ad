// The HTTP exchange under Octokit (its `request.fetch`), on node:http and node:https with
// keep-alive sockets. Octokit reads little of a fetch Response: the status, the URL, headers it
// iterates and asks by name, and the body as text. Node's fetch builds for every request a
// WHATWG Request, Response and Headers, two web streams and an AbortSignal; at the 15,000
// requests of a large organisation that machinery was the largest part of the scanning
// process's CPU, and a scan of that size is bound by that CPU, not by GitHub (bench/RESULTS.md).
// What fetch does that Octokit relies on is kept: redirects are followed (without the
// Authorization header when they leave the origin), compressed answers are decoded, and the
// scan's signal aborts every request in flight.
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** What Octokit and conditional.ts hand the transport: always a method and plain string headers. */
export interface WireRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | null;
  redirect?: 'follow' | 'error' | 'manual';
}

/** The part of fetch's Headers that Octokit and the collector read. */
export class AnswerHeaders implements Iterable<[string, string]> {
  private readonly values = new Map<string, string>();

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of entries) this.values.set(name.toLowerCase(), value);
  }

  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.values.entries();
  }
}

/** An answer as Octokit reads a fetch Response. The body is whole: GitHub's pages are small. */
export class WireAnswer {
  /**
   * What Octokit returns as `data` when told not to parse (client.ts does): the answer itself,
   * which parsed-answers.ts parses. Octokit reads an error's body through text().
   */
  get body(): WireAnswer {
    return this;
  }

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    readonly headers: AnswerHeaders,
    private readonly content: string | Buffer,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  async text(): Promise<string> {
    if (typeof this.content === 'string') return this.content;
    const text = this.content.toString('utf8');
    // As fetch's text(): a UTF-8 byte order mark is not part of the text.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = typeof this.content === 'string' ? Buffer.from(this.content) : this.content;
    return new Uint8Array(bytes).buffer;
  }
}

export type Transport = (input: string | URL, init?: WireRequest) => Promise<WireAnswer>;

export interface TransportOptions {
  /** The scan's signal: when it aborts, every request in flight is destroyed. */
  signal: AbortSignal;
  /** A connection silent for this long fails (and is retried like any network failure). */
  idleTimeoutMs?: number;
}

/** As fetch's defaults: five minutes of silence, twenty redirects. */
const IDLE_TIMEOUT_MS = 300_000;
const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const DECODERS: Record<string, (bytes: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

export function createTransport({ signal, idleTimeoutMs = IDLE_TIMEOUT_MS }: TransportOptions): Transport {
  // Free keep-alive sockets are unreferenced by the agent: they never keep the process alive.
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const inFlight = new Set<http.ClientRequest>();
  signal.addEventListener(
    'abort',
    () => {
      for (const request of inFlight) request.destroy(abortError());
    },
    { once: true },
  );

  const exchange = (url: URL, method: string, headers: Record<string, string>, body: string | undefined) =>
    new Promise<WireAnswer>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortError());
        return;
      }
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(url, {
        method,
        headers: { 'accept-encoding': 'gzip, deflate, br', ...headers },
        agent: secure ? agents.https : agents.http,
        timeout: idleTimeoutMs,
      });
      inFlight.add(request);
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        inFlight.delete(request);
        // Destroying a request mid-answer surfaces as a closed connection: it was the abort.
        reject(signal.aborted ? abortError() : error);
      };
      request.on('timeout', () =>
        request.destroy(new Error(`no answer from ${url.host} in ${idleTimeoutMs / 1000} s`)),
      );
      request.on('error', fail);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        // Node says only "aborted" when the connection closes mid-answer.
        const cut = () => fail(new Error(`the connection to ${url.host} closed before the answer was whole`));
        response.on('error', cut);
        response.on('close', () => {
          if (!response.complete) cut();
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          inFlight.delete(request);
          decoded(response.headers['content-encoding'], Buffer.concat(chunks)).then(
            (content) =>
              resolve(
                new WireAnswer(
                  response.statusCode ?? 0,
                  response.statusMessage ?? '',
                  url.href,
                  headersOf(response),
                  content,
                ),
              ),
            reject,
          );
        });
      });
      request.end(body);
    });

  return async (input, init = {}) => {
    let url = new URL(String(input));
    let method = (init.method ?? 'GET').toUpperCase();
    let headers = { ...init.headers };
    let body = init.body ?? undefined;
    for (let redirects = 0; ; redirects++) {
      const answer = await exchange(url, method, headers, body);
      const location = answer.headers.get('location');
      if (!REDIRECTS.has(answer.status) || !location || init.redirect === 'manual') return answer;
      if (init.redirect === 'error') throw new Error(`${url.host} redirected the request, which was not allowed`);
      if (redirects === MAX_REDIRECTS) throw new Error(`${url.host} redirected more than ${MAX_REDIRECTS} times`);
      const next = new URL(location, url);
      // As fetch: credentials stay with the origin they were given for.
      if (next.origin !== url.origin) headers = withoutHeaders(headers, ['authorization', 'cookie']);
      // As fetch: a 303, or a 301/302 to a POST, is followed with a GET and no body.
      if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = withoutHeaders(headers, ['content-type', 'content-length']);
      }
      url = next;
    }
  };
}

function headersOf(response: http.IncomingMessage): AnswerHeaders {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) entries.push([name, Array.isArray(value) ? value.join(', ') : value]);
  }
  return new AnswerHeaders(entries);
}

async function decoded(encoding: string | undefined, bytes: Buffer): Promise<Buffer> {
  const decode = encoding ? DECODERS[encoding.trim().toLowerCase()] : undefined;
  return decode && bytes.length > 0 ? decode(bytes) : bytes;
}

function withoutHeaders(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name.toLowerCase())));
}

/** Octokit passes an error named AbortError through as it is, without wrapping or retrying it. */
function abortError(): Error {
  const error = new Error('This operation was aborted');
  error.name = 'AbortError';
  return error;
}
