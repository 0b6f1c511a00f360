/**
 * Runs tasks one at a time with a bounded number waiting: a task offered while `maxQueued` are
 * already waiting is refused at once (the caller answers 503) instead of the queue growing.
 * Keeps a running mean of task durations to estimate when a refused caller should retry.
 */
export class QueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`queue full: retry in ${retryAfterSeconds} s`);
    this.name = 'QueueFullError';
  }
}

export class BoundedQueue {
  private running = false;
  private readonly waiting: Array<() => void> = [];
  private meanMs: number;

  /** `initialEstimateMs`: assumed task duration until one has been measured. */
  constructor(
    readonly maxQueued: number,
    initialEstimateMs = 2000,
  ) {
    this.meanMs = initialEstimateMs;
  }

  /** Tasks waiting (not counting the running one). */
  get queued(): number {
    return this.waiting.length;
  }

  /** Seconds until the queue has likely drained: the running task and every waiting one. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(((this.waiting.length + 1) * this.meanMs) / 1000));
  }

  /** Runs `task` when it is its turn; rejects with QueueFullError at once when too many wait. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running) {
      if (this.waiting.length >= this.maxQueued) throw new QueueFullError(this.retryAfterSeconds);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running = true;
    const started = performance.now();
    try {
      return await task();
    } finally {
      // running mean over roughly the last 5 tasks
      this.meanMs += (performance.now() - started - this.meanMs) / 5;
      const next = this.waiting.shift();
      if (next) next();
      else this.running = false;
    }
  }
}
