import { scan, type OperatorFunction } from 'rxjs';
import { reduceSession } from '../session/session-reducer.js';
import type { SessionEvent, SessionOptions, SessionState, SessionStep } from '../session/session-state.js';

/** Folds session events into steps (the new state and the effects of that event), one per event. */
export function sessionMachine<A>(options: SessionOptions, initial: SessionState<A>): OperatorFunction<SessionEvent<A>, SessionStep<A>> {
  return (source) => source.pipe(scan<SessionEvent<A>, SessionStep<A>>((prev, e) => reduceSession(prev.state, e, options), { state: initial, effects: [] }));
}

