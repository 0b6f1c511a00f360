/**
 * The kiosk session as data: what the reducer (session-reducer.ts) folds events into, and the
 * effects it asks the pipeline to carry out. `A` is the assessed frame (frame + tracking + PLQ),
 * opaque to the session: it is only kept and handed back in a save effect.
 */
import type { GuidanceCandidate } from '../operators/guidance-hysteresis.js';
import type { CaptureEvent, StateEvent } from '../kiosk-events.js';
import type { KioskState } from '../kiosk-state.js';
import type { GuidanceHistoryEntry } from '../capture-sink.js';
import type { GuidanceId, Language } from '../../guidance/guidance-ids.js';
import type { CameraState } from '../../camera/frame.js';
import type { Actor } from '../../../security/roles.js';
import type { Waiver, WaiversEnded } from '../../guidance/waivers.js';
import type { FaceBox, SamePersonOptions } from './same-person.js';

/** The session's phase is the wire state (`ui/src/protocol.ts`), unchanged. */
export type SessionPhase = KioskState;

/**
 * Escalation runs beside the phase (the person is still adjusting or holding while the kiosk asks
 * for assistance), so it is not a phase: `hint` repeats the most persistent message, `assistance`
 * adds `ask-assistance`.
 */
export type Escalation = 'none' | 'hint' | 'assistance';

export type CaptureTrigger = 'auto' | 'manual';

export interface SessionOptions {
  /** PLQ results in a row that a capture needs (`capture.successive`): `remaining` counts down from it. */
  successive: number;
  /** The captured screen returns to searching this long after the capture. */
  resetAfterMs: number;
  /** ... or when no face was seen this long after a capture. */
  leaveResetMs: number;
  hintAfterMs: number;
  assistanceAfterMs: number;
  /** `presentation-attack`, once shown, blocks auto-capture until the session ends. */
  latchAttack: boolean;
  /** Another person stepping in ends the session (same-person.ts); null: only the leave time does. */
  samePerson: SamePersonOptions | null;
}

export interface Assessment<A> {
  result: A;
  /** Capture time of the assessed frame, epoch ms. */
  frameTs: number;
}

/** A save the session is waiting for; `token` tells its result from a stale one. */
export interface PendingCapture {
  token: number;
  trigger: CaptureTrigger;
}

export interface SessionState<A> {
  phase: SessionPhase;
  /** PLQ results still needed while holding (the `remaining` of the last state event). */
  remaining: number | undefined;
  /** Successive good PLQ results (Q^ over the threshold, every required check passing). */
  goodRun: number;
  /**
   * Advances whenever the phase leaves holding/adjusting for another (and on retake and reset):
   * a PLQ result requested before that is stale; it neither counts nor is captured.
   */
  epoch: number;
  escalation: Escalation;
  /** First face of this session, frame ms. */
  sessionStart: number | undefined;
  /**
   * Since when the face now in view has been there without a gap longer than `leaveResetMs`,
   * frame ms; undefined while nobody is. A new person is not captured before the guidance had
   * `showAfterMs` to say what is wrong.
   */
  faceSince: number | undefined;
  lastFaceTs: number;
  /** Frame time of the captured frame. */
  capturedAt: number;
  latest: Assessment<A> | undefined;
  pending: PendingCapture | undefined;
  nextToken: number;
  lastCapture: CaptureEvent | undefined;
  attackLatched: boolean;
  /** The messages shown now: the hysteresis's, less the waived ones. */
  shown: readonly GuidanceCandidate[];
  /** What the hysteresis shows now, waived messages included (a waiver taken back shows them again at once). */
  hysteresisShown: readonly GuidanceCandidate[];
  /** How long each message has been shown in this session, ms (insertion order breaks ties). */
  persistence: Readonly<Record<string, number>>;
  /** Frame time of the last tracked frame (the guidance clock). */
  lastShownTs: number;
  history: readonly GuidanceHistoryEntry[];
  language: Language;
  /** The last guidance sent (ids, hint, language), so unchanged guidance is not re-sent. */
  guidanceKey: string;
  /** Messages an operator waived for this session: never shown, never blocking (guidance/waivers.ts). */
  waivers: readonly Waiver[];
  /** The subject's box on the last tracked frame; undefined when that frame had no subject. */
  subjectBox: FaceBox | undefined;
  /** The session's person's latest FR embeddings (unit length), oldest first. */
  templates: readonly Float32Array[];
  /**
   * The subject's track broke (a frame without one, a box that jumped): the next PLQ result is
   * compared with `templates` before it joins them, and another person ends the session.
   */
  identityCheck: boolean;
}

export type SessionEvent<A> =
  | { type: 'camera'; now: number; status: CameraState; detail?: string }
  | { type: 'guidance-shown'; now: number; shown: readonly GuidanceCandidate[] }
  /** A tracked frame; `face`: there is a subject, `box` its box. `now` is the frame's time. */
  | { type: 'tracked'; now: number; face: boolean; box?: FaceBox }
  /**
   * A PLQ result; `good`: it counts towards a capture. `now` is the frame's time, `epoch` the
   * session's epoch when the result was requested, `embedding` the subject's FR embedding (unit length).
   */
  | { type: 'assessed'; now: number; epoch: number; result: A; good: boolean; embedding?: Float32Array }
  /** The capture condition fired on `result` (auto-capture), over results of `epoch`. */
  | { type: 'capture-due'; now: number; epoch: number; result: A; frameTs: number }
  /** The operator's capture; `actor` is who asked (for the report and the audit trail). */
  | { type: 'manual-capture'; now: number; actor?: Actor }
  | { type: 'capture-saved'; now: number; token: number; capture: CaptureEvent }
  | { type: 'capture-failed'; now: number; token: number; message: string }
  | { type: 'retake'; now: number }
  /** Staff reset the kiosk, or the person accepted their capture (`accepted`). */
  | { type: 'reset'; now: number; accepted?: boolean }
  | { type: 'language'; now: number; language: Language }
  /** An operator waives message `id` for this session (`waived` false: takes the waiver back). */
  | { type: 'waive'; now: number; id: GuidanceId; waived: boolean; by: string };

export type SessionEventType = SessionEvent<unknown>['type'];

export interface GuidanceRef {
  id: GuidanceId;
  priority: number;
}

export type SessionEffect<A> =
  | { kind: 'state'; data: StateEvent }
  | { kind: 'guidance'; messages: GuidanceRef[]; hint: GuidanceRef | null; language: Language }
  | {
      kind: 'save-capture';
      token: number;
      trigger: CaptureTrigger;
      actor?: Actor;
      result: A;
      guidanceHistory: GuidanceHistoryEntry[];
      attackSuspected: boolean;
      waivers: Waiver[];
    }
  | { kind: 'capture'; data: CaptureEvent }
  /** The camera went from working to lost (counted once per loss). */
  | { kind: 'camera-lost' }
  /** The session's waivers changed (for the operator view); `ended` when they went with the session. */
  | { kind: 'waivers'; waivers: Waiver[]; ended?: WaiversEnded };

export interface SessionStep<A> {
  state: SessionState<A>;
  effects: SessionEffect<A>[];
}

export function initialSession<A>(language: Language): SessionState<A> {
  return {
    phase: 'searching',
    remaining: undefined,
    goodRun: 0,
    epoch: 0,
    escalation: 'none',
    sessionStart: undefined,
    faceSince: undefined,
    lastFaceTs: 0,
    capturedAt: 0,
    latest: undefined,
    pending: undefined,
    nextToken: 1,
    lastCapture: undefined,
    attackLatched: false,
    shown: [],
    hysteresisShown: [],
    persistence: {},
    lastShownTs: 0,
    history: [],
    language,
    guidanceKey: '',
    waivers: [],
    subjectBox: undefined,
    templates: [],
    identityCheck: false,
  };
}
