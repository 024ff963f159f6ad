// Abort signals that many requests depend on (a scan's deadline, a connector's own).
import { setMaxListeners } from 'node:events';

/**
 * No "possible leak" warning however many listen. Infinity, not 0: Node reads a limit of 0 on an
 * EventTarget as no limit set at all, so events.getMaxListeners() throws for it, and undici asks
 * that of every fetch's signal, building (and swallowing) an error per request: about a second
 * of CPU over the 20,000 requests of the benchmark's large organisation.
 */
export function allowManyListeners(signal: AbortSignal): void {
  setMaxListeners(Number.POSITIVE_INFINITY, signal);
}

/**
 * Runs requests that each get a signal of their own, all aborted when `shared` aborts. fetch
 * leaves its listener on the signal it is given until the request is garbage-collected, and on
 * every call copies the signal's whole listener list (then resets its limit to 1,500): on one
 * long-lived signal, thousands of requests make each new one slower and end in Node's leak
 * warning. A request's own signal goes away with it; `shared` has one listener in all.
 */
export function perRequestSignals(
  shared: AbortSignal,
): <T>(request: (signal: AbortSignal) => Promise<T>) => Promise<T> {
  const inFlight = new Set<AbortController>();
  shared.addEventListener(
    'abort',
    () => {
      for (const request of inFlight) request.abort(shared.reason);
    },
    { once: true },
  );
  return async (request) => {
    const own = new AbortController();
    if (shared.aborted) own.abort(shared.reason);
    inFlight.add(own);
    try {
      return await request(own.signal);
    } finally {
      inFlight.delete(own);
    }
  };
}
