// One system's request queue, sized to what its limits allow and adapting to what the service
// answers: a throttling answer halves the requests in flight (so a limit hit by many requests at
// once is not hit again by all their retries: no retry storm), and a run of answers that went
// through grows it back by one, up to the size the limits allow (AIMD, as TCP does).
import PQueue from 'p-queue';

export class AdaptiveQueue {
  private readonly queue: PQueue;
  private successes = 0;
  private lowest: number;

  constructor(private readonly max: number) {
    const size = Math.max(1, Math.floor(max));
    this.queue = new PQueue({ concurrency: size });
    this.lowest = size;
  }

  /** Requests allowed in flight right now. */
  get concurrency(): number {
    return this.queue.concurrency;
  }

  /** The smallest size the queue shrank to (for the benchmark and tests). */
  get lowestConcurrency(): number {
    return this.lowest;
  }

  add<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.add(async () => {
      const value = await task();
      this.succeeded();
      return value;
    }) as Promise<T>;
  }

  /** The service answered with a throttle (429, a secondary limit, Throttling, RESOURCE_EXHAUSTED). */
  throttled(): void {
    this.successes = 0;
    this.queue.concurrency = Math.max(1, Math.floor(this.queue.concurrency / 2));
    this.lowest = Math.min(this.lowest, this.queue.concurrency);
  }

  private succeeded(): void {
    if (this.queue.concurrency >= this.max) return;
    if (++this.successes >= this.queue.concurrency) {
      this.successes = 0;
      this.queue.concurrency += 1;
    }
  }

  /** Drop what has not started: one failure fails the target, the rest is not worth asking. */
  clear(): void {
    this.queue.clear();
  }
}
