import { getEventListeners, getMaxListeners, setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { allowManyListeners, perRequestSignals } from '../../src/core/listeners.js';

describe('allowManyListeners', () => {
  it('lets thousands listen without a warning, and getMaxListeners answers (undici asks it of every fetch)', async () => {
    const controller = new AbortController();
    allowManyListeners(controller.signal);
    const warn = vi.fn();
    process.on('warning', warn);
    try {
      for (let i = 0; i < 2000; i++) controller.signal.addEventListener('abort', () => {});
      expect(getMaxListeners(controller.signal)).toBe(Number.POSITIVE_INFINITY);
      // Node emits the warning on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', warn);
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('is not the limit 0, which Node reads as none set: getMaxListeners throws for it', () => {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    expect(() => getMaxListeners(controller.signal)).toThrow(/EventEmitter|EventTarget/);
  });
});

describe('perRequestSignals', () => {
  it("is needed: fetch keeps its listener on a shared signal and resets the signal's limit to 1,500", async () => {
    const server = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const shared = new AbortController();
    allowManyListeners(shared.signal);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      for (let i = 0; i < 12; i++) await (await fetch(url, { signal: shared.signal })).text();
      expect(getEventListeners(shared.signal, 'abort').length).toBeGreaterThanOrEqual(10);
      expect(getMaxListeners(shared.signal)).toBe(1500);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives each request its own signal, leaving one listener on the shared one however many ran', async () => {
    const shared = new AbortController();
    const withOwnSignal = perRequestSignals(shared.signal);
    const seen = new Set<AbortSignal>();
    for (let i = 0; i < 2000; i++)
      await withOwnSignal(async (own) => {
        seen.add(own);
        own.addEventListener('abort', () => {});
      });
    expect(seen.size).toBe(2000);
    expect(seen.has(shared.signal)).toBe(false);
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(1);
  });

  it('aborts the requests in flight with the reason, and starts later ones already aborted', async () => {
    const shared = new AbortController();
    const withOwnSignal = perRequestSignals(shared.signal);
    const waiting = withOwnSignal(
      (own) => new Promise((_resolve, reject) => own.addEventListener('abort', () => reject(own.reason))),
    );
    shared.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    await expect(withOwnSignal(async (own) => own.reason)).resolves.toEqual(new Error('deadline'));
  });
});
