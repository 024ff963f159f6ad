import { getMaxListeners, setMaxListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { allowManyListeners } from '../../src/core/listeners.js';

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
