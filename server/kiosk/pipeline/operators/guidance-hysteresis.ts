import { distinctUntilChanged, map, scan, type OperatorFunction } from 'rxjs';

export interface GuidanceCandidate {
  id: string;
  /** Lower is more important. */
  priority: number;
  /** A blocking message prevents capture while shown. */
  blocking: boolean;
  /** This candidate's own delay before it shows, instead of the operator's `showAfterMs`. */
  showAfterMs?: number;
}

/** The candidates that hold at time `ts` (epoch or virtual ms). */
export interface GuidanceObservation {
  ts: number;
  candidates: GuidanceCandidate[];
}

export interface HysteresisOptions {
  /** A message appears only after its condition held continuously this long. */
  showAfterMs: number;
  /** A shown message stays until its condition has been gone this long. */
  hideAfterMs: number;
  /** At most this many messages at once, the most important first. */
  maxShown: number;
}

interface State {
  activeSince: Map<string, number>;
  goneSince: Map<string, number>;
  shown: Map<string, GuidanceCandidate>;
}

/** Observations -> the messages to show, with hysteresis; emits only when the shown list changes. */
export function guidanceHysteresis(options: HysteresisOptions): OperatorFunction<GuidanceObservation, GuidanceCandidate[]> {
  return (source) =>
    source.pipe(
      scan<GuidanceObservation, State>(
        (state, { ts, candidates }) => {
          const active = new Map(candidates.map((c) => [c.id, c]));
          for (const id of active.keys()) {
            if (!state.activeSince.has(id)) state.activeSince.set(id, ts);
            state.goneSince.delete(id);
          }
          for (const id of [...state.activeSince.keys()]) if (!active.has(id)) state.activeSince.delete(id);
          for (const id of state.shown.keys()) if (!active.has(id) && !state.goneSince.has(id)) state.goneSince.set(id, ts);
          for (const [id, c] of active) {
            if (ts - (state.activeSince.get(id) ?? ts) >= (c.showAfterMs ?? options.showAfterMs)) state.shown.set(id, c);
          }
          for (const id of [...state.shown.keys()]) {
            const gone = state.goneSince.get(id);
            if (gone !== undefined && ts - gone >= options.hideAfterMs) {
              state.shown.delete(id);
              state.goneSince.delete(id);
            }
          }
          return state;
        },
        { activeSince: new Map(), goneSince: new Map(), shown: new Map() },
      ),
      map((state) => [...state.shown.values()].sort((a, b) => a.priority - b.priority).slice(0, options.maxShown)),
      distinctUntilChanged((a, b) => a.length === b.length && a.every((c, i) => c.id === b[i].id)),
    );
}
