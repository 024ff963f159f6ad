// What every emulator shares: a loopback HTTP server on a port the OS picks, a log of
// every request, reproducible fault injection from a seed, latency, and page slicing.
// Each emulator renders faults in its own system's wire format; this file only decides
// which request gets which fault.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorOptions, FaultKind, FaultPlan, RateLimitPlan, RecordedRequest } from './connector.js';

export interface EmulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface Route {
  /** The operation name recorded in the log and matched by FaultPlan.operations. */
  operation: string;
  /** Named parameters found in the path by the router. */
  params: Record<string, string>;
}

export interface HttpEmulatorSpec {
  options: EmulatorOptions;
  /** Which operation a request is; undefined answers 404 and is logged as "unknown". */
  route(req: EmulatorRequest): Route | undefined;
  /** Answer a routed request. */
  handle(
    req: EmulatorRequest,
    route: Route,
    ctx: { baseUrl: string; fault?: FaultKind },
  ): Promise<EmulatorResponse> | EmulatorResponse;
  /** The system's own wire form of a fault (429 body, Throttling XML, ...). Paging faults are the handler's. */
  renderFault(kind: FaultKind, req: EmulatorRequest, route: Route): EmulatorResponse;
  /** Called for requests nobody routes; a test harness may make them fail loudly. */
  onUnknown?(req: EmulatorRequest): void;
  /**
   * Who a request counts against when the plan's windows are per caller (`perCaller`): AWS
   * limits each account's request rate per service, so its emulator names the account that
   * signed it and the service the route belongs to.
   */
  caller?(req: EmulatorRequest, route: Route): string;
}

export interface HttpEmulator {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Faults the kit applies itself, whatever the system. */
const TRANSPORT_FAULTS: ReadonlySet<FaultKind> = new Set(['reset', 'slow', 'malformed']);
/** Faults the handler applies to its own paging. */
export const PAGING_FAULTS: ReadonlySet<FaultKind> = new Set(['empty-page', 'repeat-cursor']);

export async function startHttpEmulator(spec: HttpEmulatorSpec): Promise<HttpEmulator> {
  const requests: RecordedRequest[] = [];
  const faults = new FaultInjector(spec.options.faults);
  const limits = new RateLimiter(spec.options.rateLimits);
  let baseUrl = '';
  const sockets = new Set<import('node:net').Socket>();

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request: EmulatorRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    const route = spec.route(request);
    if (!route) {
      spec.onUnknown?.(request);
      requests.push({ method: request.method, operation: 'unknown', path: request.path, status: 404 });
      send(res, { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"Not Found"}' });
      return;
    }
    // Limits are judged when the request arrives, as a service does, before its latency.
    const throttle = limits.admit(route.operation, Date.now(), spec.caller?.(request, route) ?? '');
    try {
      await delay(latency(spec.options));
      if (throttle) {
        const response = spec.renderFault(throttle.kind, request, route);
        requests.push({
          method: request.method,
          operation: route.operation,
          path: request.path,
          status: response.status,
          fault: throttle.kind,
        });
        send(res, { ...response, headers: { ...response.headers, 'retry-after': String(throttle.retryAfterSeconds) } });
        return;
      }
      await answer(req, res, request, route);
    } finally {
      if (!throttle) limits.release();
    }
  });

  const answer = async (req: IncomingMessage, res: ServerResponse, request: EmulatorRequest, route: Route) => {
    const fault = faults.next(route.operation);
    const record: RecordedRequest = {
      method: request.method,
      operation: route.operation,
      path: request.path,
      status: 0,
    };
    if (fault) record.fault = fault;
    requests.push(record);

    if (fault === 'reset') {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault === 'slow') {
      // Longer than any client timeout we configure; the server is closed before this fires in tests.
      await delay(SLOW_MS);
    }
    let response: EmulatorResponse;
    try {
      response =
        fault && !TRANSPORT_FAULTS.has(fault) && !PAGING_FAULTS.has(fault)
          ? spec.renderFault(fault, request, route)
          : await spec.handle(request, route, { baseUrl, ...(fault ? { fault } : {}) });
    } catch (e) {
      response = { status: 500, headers: { 'content-type': 'text/plain' }, body: `emulator error: ${String(e)}` };
    }
    record.status = response.status;
    if (fault === 'malformed')
      response = { ...response, body: response.body.slice(0, Math.floor(response.body.length / 2)) };
    send(res, response);
  };
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const SLOW_MS = 120_000;

function send(res: ServerResponse, r: EmulatorResponse): void {
  if (res.destroyed) return;
  const body = Buffer.from(r.body);
  res.writeHead(r.status, { 'content-length': String(body.length), ...r.headers });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms).unref?.()) : Promise.resolve();
}

function latency(options: EmulatorOptions): number {
  const fixed = options.latencyMs ?? 0;
  const jitter = options.jitterMs ?? 0;
  return fixed + (jitter > 0 ? Math.random() * jitter : 0);
}

/**
 * Counts requests against a RateLimitPlan: in flight, and per sliding window overall and per
 * operation. A throttled request does not count against the windows (the service refused it).
 */
export class RateLimiter {
  private inFlight = 0;
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly plan?: RateLimitPlan) {}

  /**
   * Undefined admits the request (call release() when answered); otherwise how to refuse it.
   * `caller` keeps its own windows when the plan's are per caller; otherwise it is ignored.
   */
  admit(operation: string, now = Date.now(), caller = ''): { kind: FaultKind; retryAfterSeconds: number } | undefined {
    const plan = this.plan;
    if (!plan) return undefined;
    if (plan.concurrent !== undefined && this.inFlight >= plan.concurrent) {
      return { kind: 'secondary-rate-limit', retryAfterSeconds: 1 };
    }
    const budgets: [string, { limit: number; windowMs: number }][] = [];
    const scope = plan.perCaller ? `${caller}\u0000` : '';
    if (plan.overall) budgets.push([`${scope}*`, plan.overall]);
    const own = plan.perOperation?.[operation];
    if (own) budgets.push([`${scope}${operation}`, own]);
    for (const [key, budget] of budgets) {
      const times = this.prune(key, budget.windowMs, now);
      if (times.length >= budget.limit) {
        const wait = (times[0] ?? now) + budget.windowMs - now;
        return { kind: 'rate-limit', retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
      }
    }
    for (const [key] of budgets) this.windows.get(key)?.push(now);
    this.inFlight++;
    return undefined;
  }

  release(): void {
    if (this.plan) this.inFlight = Math.max(0, this.inFlight - 1);
  }

  private prune(key: string, windowMs: number, now: number): number[] {
    let times = this.windows.get(key);
    if (!times) {
      times = [];
      this.windows.set(key, times);
    }
    let drop = 0;
    while (drop < times.length && (times[drop] ?? 0) <= now - windowMs) drop++;
    if (drop > 0) times.splice(0, drop);
    return times;
  }
}

/**
 * Decides, reproducibly from a seed, which requests fail and how. A fault never hits the
 * same operation twice in a row, so a client that retries gets through: "same inventory
 * as without faults" is then the only correct outcome for transient faults. A persistent plan
 * drops that guarantee, to play a server that is stuck rather than flaky.
 */
export class FaultInjector {
  private state: number;
  private readonly lastFaulted = new Set<string>();

  constructor(private readonly plan?: FaultPlan) {
    this.state = (plan?.seed ?? 1) >>> 0 || 1;
  }

  next(operation: string): FaultKind | undefined {
    const plan = this.plan;
    if (!plan || plan.kinds.length === 0 || plan.rate <= 0) return undefined;
    if (plan.operations && !plan.operations.includes(operation)) return undefined;
    if (this.lastFaulted.has(operation) && !plan.persistent) {
      this.lastFaulted.delete(operation);
      return undefined;
    }
    if (this.random() >= plan.rate) return undefined;
    this.lastFaulted.add(operation);
    return plan.kinds[Math.floor(this.random() * plan.kinds.length)];
  }

  /** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** One page of `items` starting at an opaque numeric cursor; `next` is undefined on the last page. */
export function pageOf<T>(
  items: readonly T[],
  cursor: string | null | undefined,
  pageSize: number,
): { page: T[]; next?: string } {
  const start = cursor ? Number.parseInt(cursor, 10) || 0 : 0;
  const size = Math.max(1, pageSize);
  const page = items.slice(start, start + size);
  const end = start + page.length;
  return end < items.length ? { page, next: String(end) } : { page };
}

export { matchPath } from './paths.js';
