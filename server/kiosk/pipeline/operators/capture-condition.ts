import { filter, map, scan, type OperatorFunction } from 'rxjs';

export interface CaptureCandidate<T> {
  result: T;
  qualityScaled: number;
  /** A blocking guidance message is shown. */
  blocked: boolean;
}

export interface CaptureConditionOptions {
  /** Q^ must reach this... */
  threshold: number;
  /** ...for this many successive PLQ results. */
  successive: number;
}

/**
 * Emits the best result of a run of `successive` results that all reach the threshold while no
 * blocking message is shown; a failing result restarts the count, and so does an emission.
 */
export function captureCondition<T>(options: CaptureConditionOptions): OperatorFunction<CaptureCandidate<T>, T> {
  return (source) =>
    source.pipe(
      scan<CaptureCandidate<T>, { run: CaptureCandidate<T>[]; fire?: CaptureCandidate<T>[] }>(
        ({ run }, c) => {
          if (c.blocked || c.qualityScaled < options.threshold) return { run: [] };
          const next = [...run, c];
          return next.length >= options.successive ? { run: [], fire: next } : { run: next };
        },
        { run: [] },
      ),
      filter((s): s is { run: CaptureCandidate<T>[]; fire: CaptureCandidate<T>[] } => s.fire !== undefined),
      map(({ fire }) => fire.reduce((best, c) => (c.qualityScaled > best.qualityScaled ? c : best)).result),
    );
}
