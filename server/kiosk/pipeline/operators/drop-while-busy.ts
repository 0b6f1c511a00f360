import { defer, exhaustMap, finalize, from, tap, type ObservableInput, type OperatorFunction } from 'rxjs';

/**
 * Runs `work` for an item only when no earlier work is still running; items arriving while busy
 * are dropped (never queued) and reported to `onDrop`. Back-pressure by dropping.
 */
export function dropWhileBusy<T, R>(work: (item: T) => ObservableInput<R>, onDrop?: (item: T) => void): OperatorFunction<T, R> {
  return (source) =>
    defer(() => {
      let busy = false;
      return source.pipe(
        tap((item) => {
          if (busy) onDrop?.(item);
        }),
        exhaustMap((item) => {
          busy = true;
          return from(work(item)).pipe(
            finalize(() => {
              busy = false;
            }),
          );
        }),
      );
    });
}
