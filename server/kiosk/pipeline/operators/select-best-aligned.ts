import { asyncScheduler, bufferTime, filter, map, type OperatorFunction, type SchedulerLike } from 'rxjs';

/**
 * In each window of `windowMs`, passes on the single item with the highest `score` (the
 * best-aligned frame); windows without candidates emit nothing.
 */
export function selectBestAligned<T>(
  score: (item: T) => number | undefined,
  windowMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, T> {
  return (source) =>
    source.pipe(
      bufferTime(windowMs, scheduler),
      map((items) => {
        let best: T | undefined;
        let bestScore = -Infinity;
        for (const item of items) {
          const s = score(item);
          if (s !== undefined && s > bestScore) {
            best = item;
            bestScore = s;
          }
        }
        return best;
      }),
      filter((best): best is T => best !== undefined),
    );
}
