import { describe, expect, it } from 'vitest';
import { PLQ_FRESHNESS, PlqCadence } from '../server/kiosk/pipeline/plq-cadence.js';

/** Results every `everyMs`, each `ageMs` old on arrival; returns the cadence after `n` of them. */
function paced(everyMs: number, ageMs: number, n = 6): PlqCadence {
  const c = new PlqCadence(100);
  for (let i = 0; i < n; i++) c.observe(1_000_000 + i * everyMs, 1_000_000 + i * everyMs + ageMs);
  return c;
}

describe('PlqCadence: how long a PLQ result stands for the face', () => {
  it('a fast box (a map every 300 ms, 200 ms old on arrival) keeps the 1.5 s floor', () => {
    expect(paced(300, 200).freshForMs).toBe(PLQ_FRESHNESS.minMs);
  });

  it('a slow box (a map every 2.5 s, 2 s old on arrival) keeps each result until the one after next could have come', () => {
    const c = paced(2500, 2000);
    expect(c.freshForMs).toBe(2000 + 2 * 2500);
    // the latest result still stands just before the next one arrives, and one more interval
    expect(c.isFresh(0, 2000 + 2500)).toBe(true);
    expect(c.isFresh(0, 2000 + 2 * 2500)).toBe(false);
  });

  it('before a second result: its age on arrival, and intervals of the selection window', () => {
    const c = new PlqCadence(2500);
    expect(c.freshForMs).toBe(2 * 2500);
    c.observe(10_000, 11_000);
    expect(c.freshForMs).toBe(1000 + 2 * 2500);
    const fast = new PlqCadence(100);
    fast.observe(10_000, 10_200);
    expect(fast.freshForMs).toBe(PLQ_FRESHNESS.minMs);
  });

  it('is capped: a map that old may be of someone else', () => {
    expect(paced(6000, 3000).freshForMs).toBe(PLQ_FRESHNESS.maxMs);
  });

  it('a gap (nobody in view, the captured screen) is not taken for the pace, and one slow result does not move the median', () => {
    const c = paced(300, 200);
    c.observe(1_000_000 + 60_000, 1_000_000 + 60_200);
    expect(c.freshForMs).toBe(PLQ_FRESHNESS.minMs);
    c.observe(1_000_000 + 64_000, 1_000_000 + 64_200);
    expect(c.freshForMs).toBe(PLQ_FRESHNESS.minMs);
  });

  it('follows a box that slows down', () => {
    const c = paced(300, 200);
    for (let i = 1; i <= 5; i++) c.observe(2_000_000 + i * 3000, 2_000_000 + i * 3000 + 1000);
    expect(c.freshForMs).toBe(1000 + 2 * 3000);
  });
});
