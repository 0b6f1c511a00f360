/**
 * A drift-free frame clock: tick n is due at start + n * period. Ticks are driven by
 * setTimeout, so the event loop is never blocked; a late tick is emitted once and the
 * missed ones are dropped (never a burst of catch-up ticks).
 */
import { Observable } from 'rxjs';

export function checkFps(fps: number, what = 'fps'): number {
  if (!Number.isFinite(fps) || fps <= 0 || fps > 1000) {
    throw new RangeError(`${what} must be a number in (0, 1000], got ${fps}`);
  }
  return fps;
}

/** Emits 0, 1, 2, ... at `fps`, the first tick immediately. */
export function frameClock(fps: number): Observable<number> {
  const period = 1000 / checkFps(fps);
  return new Observable<number>((subscriber) => {
    const start = performance.now();
    let slot = 0;
    let tick = 0;
    let timer: NodeJS.Timeout | undefined;
    const fire = (): void => {
      subscriber.next(tick++);
      const now = performance.now();
      slot = Math.max(slot + 1, Math.floor((now - start) / period) + 1);
      timer = setTimeout(fire, Math.max(0, start + slot * period - now));
    };
    timer = setTimeout(fire, 0);
    return () => clearTimeout(timer);
  });
}

/** A promise that resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
