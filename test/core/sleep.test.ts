import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/core/sleep.js';

describe('sleep', () => {
  it('waits, and leaves no listener on the signal it watched', async () => {
    const scan = new AbortController();
    const started = performance.now();
    await sleep(20, scan.signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    expect(getEventListeners(scan.signal, 'abort')).toHaveLength(0);
  });

  it('ends with the reason when the scan is cancelled during the wait, or was already', async () => {
    const scan = new AbortController();
    const waiting = sleep(60_000, scan.signal);
    scan.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    await expect(sleep(60_000, scan.signal)).rejects.toThrow('deadline');
  });

  it('does not wait for nothing', async () => {
    const cancelled = AbortSignal.abort(new Error('gone'));
    await expect(sleep(0, cancelled)).resolves.toBeUndefined();
  });
});
