import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** How often the lag is sampled (ms): a stall shorter than this can be missed. */
export const EVENT_LOOP_SAMPLE_MS = 10;

/**
 * Event-loop lag: how late the loop runs a timer that is due every `resolutionMs`.
 *
 * Node's `monitorEventLoopDelay` records each whole interval between its timer's turns, so an
 * idle loop records the resolution itself (about 10.1 ms at the default 10). The lag is that
 * interval less the resolution, as `@fastify/under-pressure` reads the same histogram.
 */
export class EventLoopLag {
  private readonly histogram: IntervalHistogram;

  constructor(readonly resolutionMs = EVENT_LOOP_SAMPLE_MS) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  }

  enable(): void {
    this.histogram.enable();
  }

  disable(): void {
    this.histogram.disable();
  }

  /** Starts a new window. */
  reset(): void {
    this.histogram.reset();
  }

  /** Samples in this window. */
  get count(): number {
    return this.histogram.count;
  }

  /** The lag's `p`th percentile (0..100) in ms; NaN before the first sample. */
  percentileMs(p: number): number {
    return this.count ? this.toLagMs(this.histogram.percentile(p)) : NaN;
  }

  /** The longest lag in ms; NaN before the first sample. */
  maxMs(): number {
    return this.count ? this.toLagMs(this.histogram.max) : NaN;
  }

  private toLagMs(intervalNs: number): number {
    return Math.max(0, intervalNs / 1e6 - this.resolutionMs);
  }
}
