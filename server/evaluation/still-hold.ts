/**
 * When a still image held in front of the kiosk (`GuidanceRunner`) has been held long enough.
 *
 * A message shows once its condition has held for `showAfterMs` on the frames the face detector ran
 * on, timed by the frames' own timestamps. The messages a map brings can start that wait only on the
 * first detector frame the kiosk reads after the map came. On an idle machine that frame follows the
 * map within a frame or two, and `settleMs` after the map covers the wait. On a loaded one the
 * tracker's results come further apart than the camera's period, so the hold also lasts until a
 * detector frame has come `showAfterMs` after that first one: what is measured is what the kiosk
 * says, not how busy the machine was.
 */
export interface StillHoldTiming {
  /** The camera's frame period, ms. */
  periodMs: number;
  /** Hold this long after the first PLQ result. */
  settleMs: number;
  /** The guidance hysteresis's delay before a message shows. */
  showAfterMs: number;
  /** Where no PLQ result is to come: how long the kiosk may take to look for a face again. */
  lookMs: number;
  /** Hold a face the kiosk assesses until it is captured or until this time, whichever comes first. */
  holdUntil?: number;
}

/** One tracker result, as the hold sees it. */
export interface HeldFrame {
  /** The frame's timestamp (ms, the clock `start` and PLQ arrivals are on). */
  ts: number;
  /** The face detector ran on it: the guidance read this frame. */
  detector: boolean;
  /** One clear subject: a PLQ result is to come. */
  plqExpected: boolean;
  /** The kiosk has captured the face by now. */
  captured: boolean;
}

export class StillHold {
  private firstPlqAt: number | undefined;
  /** The first detector frame read after the first map: the map's messages start their wait on it. */
  private firstReadAt: number | undefined;
  private waitedOut = false;
  private stopAt: number | undefined;

  constructor(
    private readonly timing: StillHoldTiming,
    private readonly start: number,
  ) {}

  /** A PLQ result came at `now`. */
  plqArrived(now: number): void {
    this.firstPlqAt ??= now;
  }

  /**
   * A tracker result came. True when the hold is over; that frame is then not counted, and the one
   * before it has been read by the guidance (the stop is decided a frame after it is due).
   */
  over(frame: HeldFrame): boolean {
    if (this.stopAt !== undefined) return frame.ts >= this.stopAt;
    const { periodMs, settleMs, showAfterMs, lookMs, holdUntil } = this.timing;
    if (frame.detector && this.firstPlqAt !== undefined) {
      this.firstReadAt ??= frame.ts;
      if (frame.ts >= this.firstReadAt + showAfterMs) this.waitedOut = true;
    }
    // while a capture is awaited, a face lost for a frame once assessed does not end the hold
    const awaitingCapture = holdUntil !== undefined && !frame.captured && frame.ts < holdUntil;
    if (!frame.plqExpected && (this.firstPlqAt === undefined || holdUntil === undefined) && frame.ts - this.start >= lookMs + settleMs + 2 * periodMs) {
      this.stopAt = frame.ts + periodMs;
    } else if (this.firstPlqAt !== undefined && frame.ts >= this.firstPlqAt + settleMs && this.waitedOut && !awaitingCapture) {
      this.stopAt = frame.ts + periodMs;
    }
    return false;
  }
}
