import { Observable, from, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';

/**
 * Like dropWhileBusy, but the most recent item that arrived while busy is kept (one slot, never
 * a queue) and started as soon as the running work ends; older ones are dropped and reported.
 * A worker that is slower than the source then never idles waiting for the next item.
 */
export function latestWhileBusy<T, R>(work: (item: T) => ObservableInput<R>, onDrop?: (item: T) => void): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let busy = false;
      let pending: { item: T } | undefined;
      let sourceDone = false;
      let inner: Subscription | undefined;
      const start = (item: T): void => {
        busy = true;
        inner = from(work(item)).subscribe({
          next: (r) => subscriber.next(r),
          error: (err) => subscriber.error(err),
          complete: () => {
            busy = false;
            inner = undefined;
            const next = pending;
            pending = undefined;
            if (next) start(next.item);
            else if (sourceDone) subscriber.complete();
          },
        });
      };
      const outer = source.subscribe({
        next: (item) => {
          if (!busy) return start(item);
          if (pending) onDrop?.(pending.item);
          pending = { item };
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          if (!busy && !pending) subscriber.complete();
        },
      });
      return () => {
        outer.unsubscribe();
        inner?.unsubscribe();
      };
    });
}
