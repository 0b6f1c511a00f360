/**
 * The event-loop lag the kiosk reports (`/metrics`, `npm run bench:live`, the soak) is how late a
 * timer runs, not the interval of the timer that samples it.
 */
import { describe, expect, it } from 'vitest';
import { EventLoopLag } from '../server/kiosk/pipeline/event-loop-lag.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const block = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('EventLoopLag', () => {
  it('reads an idle loop as on time, not as its 20 ms sampling interval', async () => {
    const lag = new EventLoopLag(20);
    expect(lag.percentileMs(99)).toBeNaN();
    lag.enable();
    await sleep(800);
    lag.disable();
    expect(lag.count).toBeGreaterThanOrEqual(10);
    // each raw sample of monitorEventLoopDelay is a whole interval of its 20 ms timer, >= 20 ms
    expect(lag.percentileMs(50)).toBeLessThan(10);
  });

  it('reads a 150 ms block of the loop as a lag of at least 140 ms', async () => {
    const lag = new EventLoopLag(10);
    lag.enable();
    await sleep(50);
    block(150);
    await sleep(50);
    lag.disable();
    expect(lag.maxMs()).toBeGreaterThanOrEqual(140);
    expect(lag.percentileMs(50)).toBeLessThan(lag.maxMs());
    lag.reset();
    expect(lag.count).toBe(0);
    expect(lag.maxMs()).toBeNaN();
  });
});
