import { filter, map, scan, type OperatorFunction } from 'rxjs';
import { isAdvisory } from '../../capture/iso-components.js';

export interface CaptureCandidate<T> {
  result: T;
  qualityScaled: number;
  /** A blocking guidance message is shown. */
  blocked: boolean;
  /**
   * The capture checks (ISO components) this result fails, advisory ones included; absent or
   * empty = all pass.
   */
  failed?: readonly string[];
  /** The face mesh's confidence in the face (absent = not known, not held against it). */
  meshConfidence?: number;
}

export interface CaptureConditionOptions {
  /** Q^ must reach this... */
  threshold: number;
  /** ...for this many successive PLQ results. */
  successive: number;
  /** Checks that do not count (names or `Prefix.*` patterns, `capture.advisoryComponents`). */
  advisory?: readonly string[];
  /** A face the mesh is less sure of (half hidden, `capture.minMeshConfidence`) is never captured. */
  minMeshConfidence?: number;
}

/**
 * Whether one result counts towards a capture: the condition below and the holding screen's
 * countdown ask this one question, so that the screen never counts down to a capture that
 * will not come.
 */
export function countsTowardsCapture(c: CaptureCandidate<unknown>, options: Pick<CaptureConditionOptions, 'threshold' | 'advisory' | 'minMeshConfidence'>): boolean {
  return (
    !c.blocked &&
    c.qualityScaled >= options.threshold &&
    (c.meshConfidence ?? 1) >= (options.minMeshConfidence ?? 0) &&
    (c.failed ?? []).every((n) => isAdvisory(n, options.advisory ?? []))
  );
}

/**
 * Emits the best result of a run of `successive` results that all reach the threshold, pass every
 * non-advisory check, come while no blocking message is shown and show a face the mesh is sure of;
 * a failing result restarts the count, and so does an emission.
 */
export function captureCondition<T>(options: CaptureConditionOptions): OperatorFunction<CaptureCandidate<T>, T> {
  const good = (c: CaptureCandidate<T>): boolean => countsTowardsCapture(c, options);
  return (source) =>
    source.pipe(
      scan<CaptureCandidate<T>, { run: CaptureCandidate<T>[]; fire?: CaptureCandidate<T>[] }>(
        ({ run }, c) => {
          if (!good(c)) return { run: [] };
          const next = [...run, c];
          return next.length >= options.successive ? { run: [], fire: next } : { run: next };
        },
        { run: [] },
      ),
      filter((s): s is { run: CaptureCandidate<T>[]; fire: CaptureCandidate<T>[] } => s.fire !== undefined),
      map(({ fire }) => fire.reduce((best, c) => (c.qualityScaled > best.qualityScaled ? c : best)).result),
    );
}
