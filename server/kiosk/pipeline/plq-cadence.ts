/**
 * How long a PLQ result stands for the face in front of the camera. The messages that read the
 * map (eyeglasses, a mask, a head covering, a covered cheek) are judged on tracked frames with the
 * latest result while it is this fresh. A fixed window made them blink on a box whose maps come
 * further apart than it: the message lapsed between two maps and came back `showAfterMs` after the
 * next. The window follows the pace at which results come instead, within bounds.
 */
import { median } from '../../xai/map-stats.js';

export interface PlqFreshnessOptions {
  /** The window on a fast box. */
  minMs: number;
  /** Never longer: a map this old may be of someone who has since stepped in. */
  maxMs: number;
  /** Intervals between results the window spans beyond a result's age on arrival (one may be missed). */
  intervals: number;
  /** The medians of this many recent intervals and ages are the pace. */
  history: number;
  /** An interval longer than this is a gap (nobody in view, the captured screen), not the pace. */
  gapMs: number;
}

export const PLQ_FRESHNESS: PlqFreshnessOptions = { minMs: 1500, maxMs: 8000, intervals: 2, history: 5, gapMs: 10_000 };

/**
 * A result is already as old as its frame when it arrives (the best-aligned frame of a selection
 * window, then the PLQ call), and the next one comes an interval later at that age again: the
 * window is the age on arrival plus `intervals` intervals.
 */
export class PlqCadence {
  private lastTs: number | undefined;
  private readonly intervalsMs: number[] = [];
  private readonly agesMs: number[] = [];

  /**
   * `requestEveryMs`: the least interval at which results are asked for (the selection window),
   * the pace taken before two results have come.
   */
  constructor(
    private readonly requestEveryMs: number,
    private readonly options: PlqFreshnessOptions = PLQ_FRESHNESS,
  ) {}

  /** A result for the frame taken at `frameTs` arrived at `arrivedAt` (the frames' clock). */
  observe(frameTs: number, arrivedAt: number): void {
    keepRecent(this.agesMs, Math.max(0, arrivedAt - frameTs), this.options.history);
    const interval = this.lastTs === undefined ? undefined : frameTs - this.lastTs;
    this.lastTs = frameTs;
    if (interval !== undefined && interval > 0 && interval <= this.options.gapMs) keepRecent(this.intervalsMs, interval, this.options.history);
  }

  /** The current freshness window, ms. */
  get freshForMs(): number {
    const { minMs, maxMs, intervals } = this.options;
    const interval = this.intervalsMs.length > 0 ? median(this.intervalsMs) : this.requestEveryMs;
    const age = this.agesMs.length > 0 ? median(this.agesMs) : 0;
    return Math.min(maxMs, Math.max(minMs, age + intervals * interval));
  }

  /** Whether a result for the frame taken at `resultTs` still stands for the frame taken at `now`. */
  isFresh(resultTs: number, now: number): boolean {
    return now - resultTs < this.freshForMs;
  }
}

function keepRecent(values: number[], value: number, n: number): void {
  values.push(value);
  if (values.length > n) values.shift();
}
