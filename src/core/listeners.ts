// An abort signal that thousands of requests listen to (a scan's deadline, a connector's own):
// no "possible leak" warning however many listen. Infinity, not 0: Node reads a limit of 0 on an
// EventTarget as no limit set at all, so events.getMaxListeners() throws for it, and undici asks
// that of every fetch's signal, building (and swallowing) an error per request: about a second
// of CPU over the 20,000 requests of the benchmark's large organisation.
import { setMaxListeners } from 'node:events';

export function allowManyListeners(signal: AbortSignal): void {
  setMaxListeners(Number.POSITIVE_INFINITY, signal);
}
