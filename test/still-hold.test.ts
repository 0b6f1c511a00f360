import { describe, expect, it } from 'vitest';
import { StillHold, type StillHoldTiming } from '../server/evaluation/still-hold.js';

/**
 * The hold's decisions on tracker results as a machine delivers them: a result for every
 * `everyMs` of frames (the tracker drops the frames that come while it is busy), each arriving
 * `latencyMs` after its frame was taken, the face detector on every `detectorEvery`th result, the
 * first PLQ result arriving at `plqAt`. Returns the frames the hold counted.
 */
function hold(
  timing: StillHoldTiming,
  machine: { everyMs: number; latencyMs: number; detectorEvery: number; plqAt: number | null; faceUntil?: number; captureAt?: number },
): { ts: number; detector: boolean }[] {
  const h = new StillHold(timing, 0);
  const counted: { ts: number; detector: boolean }[] = [];
  for (let i = 0; i < 10_000; i++) {
    const ts = i * machine.everyMs;
    const arrival = ts + machine.latencyMs;
    if (machine.plqAt !== null && arrival >= machine.plqAt) h.plqArrived(machine.plqAt);
    const face = machine.faceUntil === undefined || ts < machine.faceUntil;
    const detector = !face || i % machine.detectorEvery === 0;
    const captured = machine.captureAt !== undefined && arrival >= machine.captureAt;
    if (h.over({ ts, detector, plqExpected: face, captured })) return counted;
    counted.push({ ts, detector });
  }
  throw new Error('the hold never ended');
}

const TIMING: StillHoldTiming = { periodMs: 1000 / 30, settleMs: 400 + (2 + 3) * (1000 / 30), showAfterMs: 400, lookMs: 1000 };

/** The detector frames read after the first PLQ result arrived (their results came after it). */
function readAfterPlq(counted: { ts: number; detector: boolean }[], plqAt: number, latencyMs: number): number[] {
  return counted.filter((f) => f.detector && f.ts + latencyMs >= plqAt).map((f) => f.ts);
}

describe('StillHold: how long a still image is held in front of the kiosk', () => {
  it('on an idle machine holds settleMs after the first map, and the guidance read a frame showAfterMs after the map was first read', () => {
    const machine = { everyMs: 1000 / 30, latencyMs: 50, detectorEvery: 3, plqAt: 900 };
    const counted = hold(TIMING, machine);
    const last = counted[counted.length - 1].ts;
    expect(last).toBeGreaterThanOrEqual(machine.plqAt + TIMING.settleMs);
    const read = readAfterPlq(counted, machine.plqAt, machine.latencyMs);
    expect(read[read.length - 1]).toBeGreaterThanOrEqual(read[0] + TIMING.showAfterMs);
    // and not much longer: within two detector periods of settleMs
    expect(last).toBeLessThan(machine.plqAt + TIMING.settleMs + 2 * 3 * machine.everyMs);
  });

  it('on a loaded machine, whose detector frames come far apart, holds until the guidance has read a frame showAfterMs after the map was first read', () => {
    // one result every 250 ms, the detector on every third: a detector frame every 750 ms, so
    // settleMs after the map has passed on frames the guidance does not read
    const machine = { everyMs: 250, latencyMs: 240, detectorEvery: 3, plqAt: 1300 };
    const counted = hold(TIMING, machine);
    const read = readAfterPlq(counted, machine.plqAt, machine.latencyMs);
    expect(read.length).toBeGreaterThanOrEqual(2);
    expect(read[read.length - 1]).toBeGreaterThanOrEqual(read[0] + TIMING.showAfterMs);
    // a hold of settleMs alone would have stopped on a frame the guidance does not read, before it read one showAfterMs later
    const timeOnly = counted.find((f) => f.ts >= machine.plqAt + TIMING.settleMs);
    expect(timeOnly?.detector).toBe(false);
    const readByThen = read.filter((ts) => timeOnly !== undefined && ts <= timeOnly.ts);
    expect(readByThen[readByThen.length - 1]).toBeLessThan(read[0] + TIMING.showAfterMs);
  });

  it('with no PLQ result to come (no face), ends once the kiosk has had time to look again', () => {
    const counted = hold(TIMING, { everyMs: 1000 / 30, latencyMs: 50, detectorEvery: 3, plqAt: null, faceUntil: 0 });
    const last = counted[counted.length - 1].ts;
    expect(last).toBeGreaterThanOrEqual(TIMING.lookMs + TIMING.settleMs + 2 * TIMING.periodMs);
    expect(last).toBeLessThan(TIMING.lookMs + TIMING.settleMs + 4 * TIMING.periodMs);
  });

  it('awaiting a capture, holds until the capture or holdUntil, even when the face is lost once assessed', () => {
    const timing = { ...TIMING, holdUntil: 5000 };
    const lost = hold(timing, { everyMs: 1000 / 30, latencyMs: 50, detectorEvery: 3, plqAt: 900, faceUntil: 2000 });
    expect(lost[lost.length - 1].ts).toBeGreaterThanOrEqual(5000);
    expect(lost[lost.length - 1].ts).toBeLessThan(5000 + 3 * TIMING.periodMs);
    const captured = hold(timing, { everyMs: 1000 / 30, latencyMs: 50, detectorEvery: 3, plqAt: 900, captureAt: 2500 });
    const last = captured[captured.length - 1].ts;
    expect(last).toBeGreaterThanOrEqual(2500 - 50);
    expect(last).toBeLessThan(2500 + 3 * TIMING.periodMs);
  });
});
