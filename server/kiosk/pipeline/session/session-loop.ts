/**
 * The session running: events in, `scan` over the reducer (sessionMachine), effects out. The
 * loop's state is readable synchronously: a dispatch has been reduced when it returns.
 */
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { sessionMachine } from '../operators/session-machine.js';
import { SessionEffects, type SessionEffectPorts } from './session-effects.js';
import type { SessionEvent, SessionOptions, SessionState } from './session-state.js';

export interface SessionLoop<A> {
  dispatch(e: SessionEvent<A>): void;
  readonly state: SessionState<A>;
  /** The state after every event (the current one first). */
  readonly state$: Observable<SessionState<A>>;
  /** The save with this token, while it is being written. */
  settled(token: number): Promise<void> | undefined;
  close(): void;
}

export function sessionLoop<A>(options: SessionOptions, initial: SessionState<A>, ports: Omit<SessionEffectPorts<A>, 'dispatch'>): SessionLoop<A> {
  const events$ = new Subject<SessionEvent<A>>();
  const state$ = new BehaviorSubject<SessionState<A>>(initial);
  const dispatch = (e: SessionEvent<A>): void => events$.next(e);
  const effects = new SessionEffects<A>({ ...ports, dispatch });
  const sub = events$.pipe(sessionMachine(options, initial)).subscribe(({ state, effects: list }) => {
    state$.next(state);
    effects.run(list);
  });
  return {
    dispatch,
    get state() {
      return state$.value;
    },
    state$: state$.asObservable(),
    settled: (token) => effects.settled(token),
    close() {
      sub.unsubscribe();
      events$.complete();
      state$.complete();
    },
  };
}
