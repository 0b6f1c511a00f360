/**
 * The kiosk session as a pure reducer: (state, event) -> (state, effects). No clocks, no I/O:
 * every time comes in the event, every side effect goes out as an effect description that
 * session-effects.ts carries out. The phase transitions are listed in session-transitions.ts.
 */
import type { StateEvent } from '../kiosk-events.js';
import { escalationOf, guidanceKey, guidanceView } from './session-guidance.js';
import type { Assessment, CaptureTrigger, SessionEffect, SessionEvent, SessionOptions, SessionPhase, SessionState, SessionStep } from './session-state.js';
import type { Actor } from '../../../security/roles.js';
import { withoutWaived, type Waiver, type WaiversEndReason } from '../../guidance/waivers.js';
import { bestSimilarity, trackBroken, type FaceBox } from './same-person.js';

const HISTORY_MAX = 500;

/** The state event's detail when the session ended because another person stepped in (same-person.ts). */
export const ANOTHER_PERSON = 'another person';

type Step<A> = SessionStep<A>;

const step = <A>(state: SessionState<A>, ...effects: SessionEffect<A>[]): Step<A> => ({ state, effects });

/** Chains reducers over a step, collecting their effects in order. */
function then<A>(s: Step<A>, f: (state: SessionState<A>) => Step<A>): Step<A> {
  const next = f(s.state);
  return { state: next.state, effects: [...s.effects, ...next.effects] };
}

/**
 * Moves to `phase`. A state event goes out when the phase changes, always for camera-lost (its
 * detail may be new), and while holding when `remaining` changed; `force` sends it regardless.
 */
function enter<A>(s: SessionState<A>, phase: SessionPhase, opts: { detail?: string; remaining?: number; force?: boolean } = {}): Step<A> {
  const { detail, remaining, force = false } = opts;
  if (!force && phase === s.phase && phase !== 'camera-lost' && (phase !== 'holding' || remaining === s.remaining)) return step(s);
  // a run of good results counts only while it goes on in one stretch of holding/adjusting
  const restart = phase !== 'holding';
  const data: StateEvent = { state: phase, ...(detail ? { detail } : {}), ...(remaining !== undefined ? { remaining } : {}) };
  return step({ ...s, phase, remaining, goodRun: restart ? 0 : s.goodRun, epoch: restart ? s.epoch + 1 : s.epoch }, { kind: 'state', data });
}

/** Sends the guidance when messages, hint or language changed (or `force`), and records it. */
function publish<A>(s: SessionState<A>, o: SessionOptions, now: number, force = false): Step<A> {
  const view = guidanceView(s, o);
  const key = guidanceKey(view, s.language);
  if (!force && key === s.guidanceKey) return step(s);
  const history = view.messages.length ? [...s.history, { ts: s.lastShownTs || now, ids: view.messages.map((m) => m.id) }].slice(-HISTORY_MAX) : s.history;
  return step({ ...s, guidanceKey: key, history }, { kind: 'guidance', messages: view.messages, hint: view.hint, language: s.language });
}

const holdingRemaining = (s: SessionState<unknown>, o: SessionOptions): number => Math.max(0, o.successive - s.goodRun);

function startCapture<A>(s: SessionState<A>, a: Assessment<A>, trigger: CaptureTrigger, actor?: Actor): Step<A> {
  const token = s.nextToken;
  const started: SessionState<A> = { ...s, capturedAt: a.frameTs, pending: { token, trigger }, nextToken: token + 1 };
  return then(enter(started, 'captured'), (c) =>
    step(c, {
      kind: 'save-capture',
      token,
      trigger,
      ...(actor ? { actor } : {}),
      result: a.result,
      guidanceHistory: [...c.history],
      attackSuspected: c.attackLatched || c.shown.some((m) => m.id === 'presentation-attack'),
      waivers: [...c.waivers],
    }),
  );
}

/** A new person: forget the session (not the camera: a lost camera stays lost). */
function endSession<A>(s: SessionState<A>, o: SessionOptions, now: number, reason: WaiversEndReason, detail?: string): Step<A> {
  const cleared: SessionState<A> = {
    ...s,
    latest: undefined,
    pending: undefined,
    lastCapture: undefined,
    attackLatched: false,
    sessionStart: undefined,
    persistence: {},
    history: [],
    goodRun: 0,
    escalation: 'none',
    templates: [],
    identityCheck: false,
  };
  // the operator view hears that the waivers went after the new session's state and guidance
  const unwaived = setWaivers(cleared, [], reason);
  const phase = s.phase === 'camera-lost' ? 'camera-lost' : 'searching';
  return then(then(enter(unwaived.state, phase, { force: true, detail }), (c) => publish(c, o, now, true)), (c) => step(c, ...unwaived.effects));
}

/**
 * The session with these waivers: the shown messages are the hysteresis's less the waived ones
 * (neither shown nor held against the capture); the operator view is told when they changed, and
 * why when they ended with the session (`ended`).
 */
function setWaivers<A>(s: SessionState<A>, waivers: readonly Waiver[], ended?: WaiversEndReason): Step<A> {
  const next = { ...s, waivers, shown: withoutWaived(s.hysteresisShown, waivers) };
  if (s.waivers.length === 0 && waivers.length === 0) return step(next);
  return step(next, { kind: 'waivers', waivers: [...waivers], ...(ended ? { ended: { waivers: [...s.waivers], reason: ended } } : {}) });
}

function waive<A>(s: SessionState<A>, o: SessionOptions, e: Extract<SessionEvent<A>, { type: 'waive' }>): Step<A> {
  const has = s.waivers.some((w) => w.id === e.id);
  if (has === e.waived) return step(s);
  const waivers = e.waived ? [...s.waivers, { id: e.id, by: e.by, at: e.now }] : s.waivers.filter((w) => w.id !== e.id);
  const { [e.id]: _dropped, ...persistence } = s.persistence;
  return then(setWaivers({ ...s, persistence: e.waived ? persistence : s.persistence }, waivers), (c) => publish(c, o, e.now));
}

/**
 * The subject's track broke (no subject on the frame before, or a box that jumped): the next PLQ
 * result is checked against the person's templates, and the capture run starts again (a new
 * epoch), so that no result of the person before counts for whoever is there now. On the
 * captured screen too: the next person in a queue does not wait for it, nor see the first
 * person's portrait on it.
 */
function trackBreak<A>(s: SessionState<A>, o: SessionOptions, face: boolean, box: FaceBox | undefined): SessionState<A> {
  const sp = o.samePerson;
  const broke = face && box !== undefined && sp !== null && s.templates.length > 0 && !s.identityCheck && s.phase !== 'camera-lost' && trackBroken(s.subjectBox, box, sp.minBoxOverlap);
  const next = { ...s, subjectBox: face ? box : undefined };
  return broke ? { ...next, identityCheck: true, epoch: s.epoch + 1, goodRun: 0 } : next;
}

function onTracked<A>(before: SessionState<A>, o: SessionOptions, now: number, face: boolean, box: FaceBox | undefined): Step<A> {
  const s0 = trackBreak(before, o, face, box);
  const broke = s0.identityCheck && !before.identityCheck;
  const stayed = s0.faceSince !== undefined && now - s0.lastFaceTs <= o.leaveResetMs;
  // nobody in view for longer than the leave time: the person left
  const left = !face && now - s0.lastFaceTs > o.leaveResetMs;
  let s: Step<A> = step(
    face ? { ...s0, lastFaceTs: now, sessionStart: s0.sessionStart ?? now, faceSince: stayed ? s0.faceSince : now } : left ? { ...s0, faceSince: undefined } : s0,
  );
  if (s.state.phase === 'captured' && (left || now - s.state.capturedAt > o.resetAfterMs)) {
    s = then(s, (c) => endSession(c, o, now, left ? 'person left' : 'captured screen timed out'));
  }
  // a waiver is for the person it was made for: gone with them, whoever comes next
  if (left && s.state.waivers.length > 0) s = then(s, (c) => setWaivers(c, [], 'person left'));
  // how long each shown message has been up (frame clock; gaps count at most a second)
  s = then(s, (c) => {
    const dt = c.lastShownTs ? Math.min(now - c.lastShownTs, 1000) : 0;
    const persistence = { ...c.persistence };
    for (const m of c.shown) persistence[m.id] = (persistence[m.id] ?? 0) + dt;
    const next = { ...c, lastShownTs: now, persistence };
    return step({ ...next, escalation: escalationOf(next, o) });
  });
  const { phase } = s.state;
  if (phase === 'camera-lost' || phase === 'captured') return s;
  if (!face) s = then(s, (c) => enter(c, 'searching'));
  else if (s.state.attackLatched || s.state.shown.some((m) => m.blocking)) s = then(s, (c) => enter(c, 'adjusting'));
  else if (phase !== 'holding' || broke) s = then(s, (c) => enter(c, 'holding', { remaining: holdingRemaining(c, o) }));
  return then(s, (c) => publish(c, o, now));
}

export function reduceSession<A>(s: SessionState<A>, e: SessionEvent<A>, o: SessionOptions): Step<A> {
  switch (e.type) {
    case 'camera':
      if (e.status === 'lost' || e.status === 'reconnecting') {
        const counted: SessionEffect<A>[] = s.phase === 'camera-lost' ? [] : [{ kind: 'camera-lost' }];
        const lost = enter(s, 'camera-lost', { detail: e.detail });
        return { state: lost.state, effects: [...counted, ...lost.effects] };
      }
      // the captured screen did not survive the loss: a save still in flight becomes stale
      if (e.status === 'streaming' && s.phase === 'camera-lost') return enter({ ...s, pending: undefined }, 'searching');
      return step(s);

    case 'guidance-shown': {
      const latch = o.latchAttack && e.shown.some((m) => m.id === 'presentation-attack');
      return publish({ ...s, hysteresisShown: e.shown, attackLatched: s.attackLatched || latch, shown: withoutWaived(e.shown, s.waivers) }, o, e.now);
    }

    case 'tracked':
      return onTracked(s, o, e.now, e.face, e.box);

    case 'assessed': {
      if (e.epoch !== s.epoch) return step(s); // requested before the person left, a retake or a reset
      const sp = o.samePerson;
      if (sp && e.embedding) {
        if (s.identityCheck && bestSimilarity(s.templates, e.embedding) < sp.minSimilarity) {
          // another person: a session of their own, from this face on. A suspected presentation
          // attack stays latched (photos swapped in front of the camera); leaving or staff clear it
          const embedding = e.embedding;
          return then(endSession(s, o, e.now, 'another person', ANOTHER_PERSON), (c) => step({ ...c, templates: [embedding], faceSince: e.now, attackLatched: s.attackLatched }));
        }
        s = { ...s, identityCheck: false, templates: [...s.templates, e.embedding].slice(-sp.templates) };
      }
      const next: SessionState<A> = { ...s, latest: { result: e.result, frameTs: e.now } };
      if (s.phase !== 'holding' && s.phase !== 'adjusting') return step(next);
      const counted = { ...next, goodRun: e.good ? s.goodRun + 1 : 0 };
      return s.phase === 'holding' ? enter(counted, 'holding', { remaining: holdingRemaining(counted, o) }) : step(counted);
    }

    case 'capture-due':
      if (s.phase === 'captured' || s.phase === 'camera-lost' || s.pending || e.epoch !== s.epoch) return step(s);
      return startCapture(s, { result: e.result, frameTs: e.frameTs }, 'auto');

    case 'manual-capture':
      // one capture at a time: a second request while one is being written joins it
      if (!s.latest || s.pending || s.phase === 'camera-lost') return step(s);
      return startCapture(s, s.latest, 'manual', e.actor);

    case 'capture-saved':
      if (s.pending?.token !== e.token) return step(s); // stale: written for a session that moved on
      return step({ ...s, pending: undefined, lastCapture: e.capture }, { kind: 'capture', data: e.capture });

    case 'capture-failed': {
      if (s.pending?.token !== e.token) return step(s);
      const cleared = { ...s, pending: undefined };
      return s.phase === 'captured' ? enter(cleared, 'adjusting', { detail: `capture failed: ${e.message}` }) : step(cleared);
    }

    case 'retake': {
      // keep the session, clear the capture; a save still in flight becomes stale
      const cleared: SessionState<A> = { ...s, latest: undefined, pending: undefined, lastCapture: undefined };
      return s.phase === 'camera-lost' ? step(cleared) : enter(cleared, 'adjusting', { force: true });
    }

    case 'reset':
      return endSession(s, o, e.now, e.accepted ? 'capture accepted' : 'reset');

    case 'language':
      return publish({ ...s, language: e.language }, o, e.now, true);

    case 'waive':
      return waive(s, o, e);
  }
}
