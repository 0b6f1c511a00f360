/** Live counters and latency samples, rendered as Prometheus text by the metrics route. */
import { EventLoopLag } from './event-loop-lag.js';

export class RateMeter {
  private stamps: number[] = [];
  /** Time of the latest mark (ms epoch), 0 before the first. */
  lastAt = 0;
  constructor(private readonly windowMs = 5000) {}
  mark(now = Date.now()): void {
    this.lastAt = now;
    this.stamps.push(now);
    this.trim(now);
  }
  perSecond(now = Date.now()): number {
    this.trim(now);
    return (this.stamps.length * 1000) / this.windowMs;
  }
  private trim(now: number): void {
    while (this.stamps.length && this.stamps[0] < now - this.windowMs) this.stamps.shift();
  }
}

export class LatencySamples {
  private values: number[] = [];
  constructor(private readonly max = 2000) {}
  add(v: number): void {
    this.values.push(v);
    if (this.values.length > this.max) this.values.shift();
  }
  quantile(q: number): number {
    if (!this.values.length) return 0;
    const s = [...this.values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))];
  }
  get count(): number {
    return this.values.length;
  }
  reset(): void {
    this.values = [];
  }
}

/**
 * Demand for PLQ maps: marked on every frame the pipeline would send to the PLQ worker (one clear
 * subject, not captured). `since` is the start of the current run of such frames (a gap longer
 * than `gapMs` ends a run), so a face that just appeared is not counted against the PLQ worker.
 */
export class PlqDemand {
  lastAt = 0;
  since = 0;
  constructor(readonly gapMs = 1000) {}
  mark(now = Date.now()): void {
    if (now - this.lastAt > this.gapMs) this.since = now;
    this.lastAt = now;
  }
  active(now = Date.now()): boolean {
    return this.lastAt > 0 && now - this.lastAt <= this.gapMs;
  }
}

export class KioskMetrics {
  readonly framesIn = new RateMeter();
  readonly tracked = new RateMeter();
  readonly plq = new RateMeter();
  readonly plqDemand = new PlqDemand();
  readonly frameToPlqMs = new LatencySamples();
  readonly trackMs = new LatencySamples();
  readonly plqMs = new LatencySamples();
  readonly eventLoop = new EventLoopLag();
  counters = {
    framesTotal: 0,
    trackedTotal: 0,
    plqTotal: 0,
    droppedTracking: 0,
    droppedPlq: 0,
    captures: 0,
    /** PLQ results not counted towards a capture: their own map showed a blocking occluder. */
    occludedResults: 0,
    errors: 0,
    workerRestarts: 0,
    cameraLost: 0,
    /** Sessions ended because another person stepped in before the leave time (guidance.samePerson). */
    anotherPerson: 0,
    clientThrottled: 0,
  };
  cameraState = 'starting';

  constructor() {
    this.eventLoop.enable();
  }

  snapshot(): Record<string, number | string> {
    return {
      fps: this.tracked.perSecond(),
      inputFps: this.framesIn.perSecond(),
      plqPerSecond: this.plq.perSecond(),
      frameToPlqP50Ms: this.frameToPlqMs.quantile(0.5),
      frameToPlqP95Ms: this.frameToPlqMs.quantile(0.95),
      trackP50Ms: this.trackMs.quantile(0.5),
      plqP50Ms: this.plqMs.quantile(0.5),
      eventLoopLagP99Ms: this.eventLoop.percentileMs(99),
      cameraState: this.cameraState,
      ...this.counters,
    };
  }

  close(): void {
    this.eventLoop.disable();
  }
}
