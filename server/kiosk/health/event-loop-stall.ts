/**
 * How long the event loop was held up lately: a timer that should fire every `tickMs` records
 * how late it was; the worst lateness of the last `windowMs` is the stall. (A loop that is stuck
 * right now answers no request at all; this tells a loop that keeps stalling.)
 */
export class EventLoopStall {
  private timer: NodeJS.Timeout | undefined;
  private samples: Array<{ at: number; lateMs: number }> = [];
  private last = 0;

  constructor(
    private readonly tickMs = 100,
    private readonly windowMs = 10_000,
  ) {}

  start(): void {
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.samples.push({ at: now, lateMs: Math.max(0, now - this.last - this.tickMs) });
      this.last = now;
      while (this.samples.length && this.samples[0].at < now - this.windowMs) this.samples.shift();
    }, this.tickMs);
    this.timer.unref();
  }

  /** The worst delay in the window, including a tick overdue right now. */
  worstMs(): number {
    const overdue = this.timer ? Math.max(0, performance.now() - this.last - this.tickMs) : 0;
    return this.samples.reduce((m, s) => Math.max(m, s.lateMs), overdue);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
