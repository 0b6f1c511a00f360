/** Exponential back-off: min, 2 min, 4 min, ... capped at max; reset after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    if (!(minMs > 0 && maxMs >= minMs)) throw new Error('back-off needs 0 < minMs <= maxMs');
  }

  /** The delay before the next attempt; each call doubles the following one. */
  next(): number {
    const delay = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
