import { describe, expect, it } from 'vitest';
import { reduceSession } from '../server/kiosk/pipeline/session/session-reducer.js';
import { initialSession, type SessionEffect, type SessionEvent, type SessionEventType, type SessionOptions, type SessionPhase, type SessionState, type SessionStep } from '../server/kiosk/pipeline/session/session-state.js';
import { SESSION_PHASES, SESSION_TRANSITIONS } from '../server/kiosk/pipeline/session/session-transitions.js';
import type { CaptureEvent } from '../server/kiosk/pipeline/kiosk-events.js';

/** The assessed frame, opaque to the session. */
interface Frame {
  id: string;
}
type S = SessionState<Frame>;
type E = SessionEvent<Frame>;

const O: SessionOptions = { successive: 3, resetAfterMs: 20_000, leaveResetMs: 2500, hintAfterMs: 20_000, assistanceAfterMs: 45_000, latchAttack: true, samePerson: { minSimilarity: 0.28, minBoxOverlap: 0.3, templates: 8 } };
const T = 1_000_000;
const blocking = { id: 'move-closer', priority: 2, blocking: true };
const attack = { id: 'presentation-attack', priority: 0, blocking: true };
const frameA = { id: 'a' };
const glasses = { id: 'remove-glasses', priority: 8, blocking: true };
const waiveEvent = (id: 'remove-glasses' | 'open-eyes', waived = true): E => ({ type: 'waive', now: T, id, waived, by: 'desk-1' });

const state = (phase: SessionPhase, extra: Partial<S> = {}): S => ({ ...initialSession<Frame>('en'), phase, lastShownTs: T - 66, lastFaceTs: T - 66, ...extra });
const captureEvent = (id: string): CaptureEvent => ({ id, ts: T, qualityScaled: 0.7, trigger: 'auto', failedChecks: [], portraitUrl: '', frameUrl: '', reportUrl: '' });

const tracked = (face: boolean, now = T): E => ({ type: 'tracked', now, face });
const assessed = (good: boolean, epoch = 0, now = T): E => ({ type: 'assessed', now, epoch, result: frameA, good });
const due = (epoch = 0, result: Frame = frameA): E => ({ type: 'capture-due', now: T, epoch, result, frameTs: T - 100 });

/** Unit embeddings: `unit(i)` is one person; `near(i)` the same person looking a little different (similarity 0.96). */
const unit = (i: number): Float32Array => Float32Array.from({ length: 8 }, (_, k) => (k === i ? 1 : 0));
const near = (i: number): Float32Array => Float32Array.from({ length: 8 }, (_, k) => (k === i ? 0.96 : k === 7 ? 0.28 : 0));
const BOX_A: [number, number, number, number] = [200, 100, 240, 300];
const BOX_JUMPED: [number, number, number, number] = [420, 100, 200, 260];
const trackedAt = (box: [number, number, number, number], now = T): E => ({ type: 'tracked', now, face: true, box });
const assessedAs = (embedding: Float32Array, epoch: number, good = true, now = T): E => ({ type: 'assessed', now, epoch, result: frameA, good, embedding });

const kinds = (s: SessionStep<Frame>): string[] => s.effects.map((e) => e.kind);
const stateEvents = (s: SessionStep<Frame>) => s.effects.flatMap((e) => (e.kind === 'state' ? [e.data] : []));
const saves = (s: SessionStep<Frame>) => s.effects.flatMap((e) => (e.kind === 'save-capture' ? [e] : []));

/** Runs events through the reducer from `s`, returning every step. */
function run(s: S, ...events: E[]): SessionStep<Frame>[] {
  const steps: SessionStep<Frame>[] = [];
  for (const e of events) {
    const next = reduceSession(steps.at(-1)?.state ?? s, e, O);
    steps.push(next);
  }
  return steps;
}

interface Case {
  given: S;
  event: E;
  check?: (step: SessionStep<Frame>) => void;
}

/** For each row of the transition table: a state in the row's `from` phase that meets `when`, the event, and what else must hold. */
const FIXTURES: Record<string, (from: SessionPhase) => Case[]> = {
  'tracked/no-face': (p) => [{ given: state(p, { goodRun: 2 }), event: tracked(false), check: (s) => expect(s.state.goodRun).toBe(p === 'searching' ? 2 : 0) }],
  'tracked/blocked': (p) => [
    { given: state(p, { shown: [blocking] }), event: tracked(true) },
    { given: state(p, { attackLatched: true }), event: tracked(true) },
  ],
  'tracked/clear': (p) => [{ given: state(p, { goodRun: p === 'adjusting' ? 1 : 0 }), event: tracked(true), check: (s) => expect(stateEvents(s)).toEqual([{ state: 'holding', remaining: p === 'adjusting' ? 2 : 3 }]) }],
  'tracked/holding': (p) => [{ given: state(p, { remaining: 2, goodRun: 1 }), event: tracked(true), check: (s) => expect(stateEvents(s)).toEqual([]) }],
  'tracked/track-break': (p) => [
    {
      given: state(p, { templates: [unit(0)], subjectBox: BOX_A, epoch: 4, goodRun: 2, remaining: 1, capturedAt: T - 1000, shown: p === 'adjusting' ? [blocking] : [] }),
      event: trackedAt(BOX_JUMPED),
      check: (s) => {
        expect([s.state.identityCheck, s.state.epoch, s.state.goodRun, s.state.subjectBox]).toEqual([true, 5, 0, BOX_JUMPED]);
        expect(stateEvents(s)).toEqual(p === 'holding' ? [{ state: 'holding', remaining: 3 }] : []);
      },
    },
    // after a frame without a subject (the box before is gone)
    { given: state(p, { templates: [unit(0)], subjectBox: undefined, remaining: 3, capturedAt: T - 1000, shown: p === 'adjusting' ? [blocking] : [] }), event: trackedAt(BOX_A), check: (s) => expect(s.state.identityCheck).toBe(true) },
  ],
  'tracked/captured-left': (p) => [
    {
      given: state(p, { lastFaceTs: T - 2600, capturedAt: T - 3000, sessionStart: T - 9000, persistence: { 'move-closer': 500 }, lastCapture: captureEvent('c') }),
      event: tracked(false),
      check: (s) => {
        expect(s.state.sessionStart).toBeUndefined();
        expect(s.state.persistence).toEqual({});
        expect(s.state.lastCapture).toBeUndefined();
        expect(kinds(s)).toEqual(['state', 'guidance']);
      },
    },
  ],
  'tracked/captured-timeout': (p) => [{ given: state(p, { lastFaceTs: T - 1000, capturedAt: T - O.resetAfterMs - 1 }), event: tracked(false) }],
  'tracked/captured-timeout-face': (p) => [
    {
      given: state(p, { lastFaceTs: T - 66, capturedAt: T - O.resetAfterMs - 1, sessionStart: T - 30_000 }),
      event: tracked(true),
      check: (s) => {
        expect(stateEvents(s)).toEqual([{ state: 'searching' }, { state: 'holding', remaining: 3 }]);
        expect(s.state.sessionStart).toBeUndefined(); // set by the next frame with a face
      },
    },
  ],
  'tracked/captured-stay': (p) => [
    { given: state(p, { lastFaceTs: T - 2000, capturedAt: T - 2000 }), event: tracked(false) },
    { given: state(p, { lastFaceTs: T - 66, capturedAt: T - 5000 }), event: tracked(true), check: (s) => expect(s.effects).toEqual([]) },
  ],
  'tracked/camera-lost': (p) => [{ given: state(p), event: tracked(true), check: (s) => expect(stateEvents(s)).toEqual([]) }],
  'assessed/holding': (p) => [
    { given: state(p, { goodRun: 1, remaining: 2 }), event: assessed(true), check: (s) => expect(stateEvents(s)).toEqual([{ state: 'holding', remaining: 1 }]) },
    { given: state(p, { goodRun: 2, remaining: 1 }), event: assessed(false), check: (s) => expect(stateEvents(s)).toEqual([{ state: 'holding', remaining: 3 }]) },
  ],
  'assessed/other': (p) => [
    {
      given: state(p, { goodRun: 1 }),
      event: assessed(true),
      check: (s) => {
        expect(s.state.latest).toEqual({ result: frameA, frameTs: T });
        expect(s.state.goodRun).toBe(p === 'adjusting' ? 2 : 1);
        expect(s.effects).toEqual([]);
      },
    },
  ],
  'assessed/another-person': (p) => [
    {
      given: state(p, { templates: [unit(0), near(0)], identityCheck: true, subjectBox: BOX_JUMPED, goodRun: 1, sessionStart: T - 9000, history: [{ ts: T - 5000, ids: ['remove-glasses'] }], waivers: [{ id: 'remove-glasses', by: 'desk-1', at: T - 4000 }], lastCapture: p === 'captured' ? captureEvent('c1') : undefined }),
      event: assessedAs(unit(1), 0),
      check: (s) => {
        expect(stateEvents(s)).toEqual([{ state: 'searching', detail: 'another person' }]);
        expect(kinds(s)).toEqual(['state', 'guidance', 'waivers']);
        expect(s.state.waivers).toEqual([]);
        expect(s.state.history).toEqual([]);
        expect(s.state.lastCapture).toBeUndefined(); // the first person's portrait leaves the screen
        expect(s.state.templates).toEqual([unit(1)]);
        expect([s.state.identityCheck, s.state.goodRun, s.state.latest, s.state.sessionStart, s.state.faceSince]).toEqual([false, 0, undefined, undefined, T]);
        expect(s.state.epoch).toBeGreaterThan(0);
      },
    },
  ],
  'assessed/stale': (p) => [{ given: state(p, { epoch: 3, goodRun: 1 }), event: assessed(true, 2), check: (s) => expect(s.state).toEqual(state(p, { epoch: 3, goodRun: 1 })) }],
  'capture-due/start': (p) => [
    {
      given: state(p, { nextToken: 7 }),
      event: due(),
      check: (s) => {
        expect(kinds(s)).toEqual(['state', 'save-capture']);
        expect(saves(s)[0]).toMatchObject({ token: 7, trigger: 'auto', result: frameA });
        expect(s.state.pending).toEqual({ token: 7, trigger: 'auto' });
        expect(s.state.capturedAt).toBe(T - 100);
      },
    },
  ],
  'capture-due/stale': (p) => [
    { given: state(p, { epoch: 2 }), event: due(1), check: (s) => expect(s.effects).toEqual([]) },
    { given: state(p, { pending: { token: 1, trigger: 'manual' } }), event: due(), check: (s) => expect(s.effects).toEqual([]) },
  ],
  'capture-due/ignored': (p) => [{ given: state(p), event: due(), check: (s) => expect(s.effects).toEqual([]) }],
  'manual-capture/start': (p) => [
    { given: state(p, { latest: { result: frameA, frameTs: T - 50 } }), event: { type: 'manual-capture', now: T }, check: (s) => expect(saves(s)[0]).toMatchObject({ trigger: 'manual', result: frameA }) },
  ],
  'manual-capture/joins': (p) => [
    { given: state(p, { latest: { result: frameA, frameTs: T }, pending: { token: 1, trigger: 'auto' } }), event: { type: 'manual-capture', now: T }, check: (s) => expect(s.effects).toEqual([]) },
    { given: state(p), event: { type: 'manual-capture', now: T }, check: (s) => expect(s.effects).toEqual([]) },
  ],
  'manual-capture/camera-lost': (p) => [{ given: state(p, { latest: { result: frameA, frameTs: T } }), event: { type: 'manual-capture', now: T }, check: (s) => expect(s.effects).toEqual([]) }],
  'capture-saved/current': (p) => [
    {
      given: state(p, { pending: { token: 4, trigger: 'auto' } }),
      event: { type: 'capture-saved', now: T, token: 4, capture: captureEvent('c4') },
      check: (s) => {
        expect(s.effects).toEqual([{ kind: 'capture', data: captureEvent('c4') }]);
        expect(s.state.lastCapture?.id).toBe('c4');
        expect(s.state.pending).toBeUndefined();
      },
    },
  ],
  'capture-saved/stale': (p) => [
    { given: state(p), event: { type: 'capture-saved', now: T, token: 4, capture: captureEvent('c4') }, check: (s) => expect(s.state.lastCapture).toBeUndefined() },
    { given: state(p, { pending: { token: 5, trigger: 'auto' } }), event: { type: 'capture-saved', now: T, token: 4, capture: captureEvent('c4') }, check: (s) => expect(s.state.pending?.token).toBe(5) },
  ],
  'capture-failed/current': (p) => [
    { given: state(p, { pending: { token: 4, trigger: 'auto' } }), event: { type: 'capture-failed', now: T, token: 4, message: 'disk full' }, check: (s) => expect(stateEvents(s)).toEqual([{ state: 'adjusting', detail: 'capture failed: disk full' }]) },
  ],
  'capture-failed/current-lost': (p) => [{ given: state(p, { pending: { token: 4, trigger: 'auto' } }), event: { type: 'capture-failed', now: T, token: 4, message: 'x' }, check: (s) => expect(s.state.pending).toBeUndefined() }],
  'capture-failed/stale': (p) => [{ given: state(p, { pending: { token: 5, trigger: 'auto' } }), event: { type: 'capture-failed', now: T, token: 4, message: 'x' }, check: (s) => expect(s.effects).toEqual([]) }],
  'camera/lost': (p) =>
    (['lost', 'reconnecting'] as const).map((status) => ({
      given: state(p),
      event: { type: 'camera', now: T, status, detail: 'unplugged' },
      check: (s: SessionStep<Frame>) => expect(s.effects).toEqual([{ kind: 'camera-lost' }, { kind: 'state', data: { state: 'camera-lost', detail: 'unplugged' } }]),
    })),
  'camera/lost-again': (p) => [{ given: state(p), event: { type: 'camera', now: T, status: 'reconnecting', detail: 'retry 2' }, check: (s) => expect(kinds(s)).toEqual(['state']) }],
  'camera/back': (p) => [{ given: state(p, { pending: { token: 3, trigger: 'auto' } }), event: { type: 'camera', now: T, status: 'streaming' }, check: (s) => expect(s.state.pending).toBeUndefined() }],
  'camera/other': (p) => (['streaming', 'starting', 'stopped'] as const).map((status) => ({ given: state(p), event: { type: 'camera', now: T, status }, check: (s: SessionStep<Frame>) => expect(s.effects).toEqual([]) })),
  retake: (p) => [
    {
      given: state(p, { latest: { result: frameA, frameTs: T }, pending: { token: 2, trigger: 'auto' }, sessionStart: T - 5000 }),
      event: { type: 'retake', now: T },
      check: (s) => {
        expect(stateEvents(s)).toEqual([{ state: 'adjusting' }]); // sent even when already adjusting
        expect(s.state.latest).toBeUndefined();
        expect(s.state.pending).toBeUndefined();
        expect(s.state.sessionStart).toBe(T - 5000); // the session goes on
      },
    },
  ],
  'retake/camera-lost': (p) => [{ given: state(p, { latest: { result: frameA, frameTs: T } }), event: { type: 'retake', now: T }, check: (s) => expect(s.state.latest).toBeUndefined() }],
  reset: (p) => [
    {
      given: state(p, { attackLatched: true, sessionStart: T - 5000, history: [{ ts: 1, ids: ['x'] }] }),
      event: { type: 'reset', now: T },
      check: (s) => {
        expect(kinds(s)).toEqual(['state', 'guidance']);
        expect(s.state.attackLatched).toBe(false);
        expect(s.state.history).toEqual([]);
      },
    },
  ],
  'reset/camera-lost': (p) => [{ given: state(p, { attackLatched: true }), event: { type: 'reset', now: T }, check: (s) => expect(s.state.attackLatched).toBe(false) }],
  'guidance-shown': (p) => [
    { given: state(p), event: { type: 'guidance-shown', now: T, shown: [attack] }, check: (s) => expect(s.state.attackLatched).toBe(true) },
    {
      given: state(p),
      event: { type: 'guidance-shown', now: T, shown: [blocking] },
      check: (s) => expect(s.effects).toEqual([{ kind: 'guidance', messages: [{ id: 'move-closer', priority: 2 }], hint: null, language: 'en' }]),
    },
  ],
  language: (p) => [{ given: state(p), event: { type: 'language', now: T, language: 'de' }, check: (s) => expect(s.effects).toEqual([{ kind: 'guidance', messages: [], hint: null, language: 'de' }]) }],
  waive: (p) => [
    {
      given: state(p, { shown: [glasses, blocking], hysteresisShown: [glasses, blocking] }),
      event: waiveEvent('remove-glasses'),
      check: (s) => {
        expect(s.state.waivers).toEqual([{ id: 'remove-glasses', by: 'desk-1', at: T }]);
        expect(s.state.shown).toEqual([blocking]);
        expect(s.effects).toEqual([
          { kind: 'waivers', waivers: [{ id: 'remove-glasses', by: 'desk-1', at: T }] },
          { kind: 'guidance', messages: [{ id: 'move-closer', priority: 2 }], hint: null, language: 'en' },
        ]);
      },
    },
    {
      given: state(p, { waivers: [{ id: 'remove-glasses', by: 'desk-1', at: T - 5 }] }),
      event: waiveEvent('remove-glasses', false),
      check: (s) => expect([s.state.waivers, kinds(s)[0]]).toEqual([[], 'waivers']),
    },
  ],
  'waive/unchanged': (p) => [
    { given: state(p, { waivers: [{ id: 'open-eyes', by: 'desk-1', at: T - 5 }] }), event: waiveEvent('open-eyes'), check: (s) => expect([s.effects, s.state.waivers[0].at]).toEqual([[], T - 5]) },
    { given: state(p), event: waiveEvent('open-eyes', false), check: (s) => expect(s.effects).toEqual([]) },
  ],
};

/** Freezes a state deeply, so a reducer that mutates its input throws. */
function frozen<X>(x: X): X {
  // typed arrays (embeddings) cannot be frozen; the reducer replaces, never writes into, them
  if (x && typeof x === 'object' && !ArrayBuffer.isView(x) && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) frozen(v);
  }
  return x;
}

describe('session reducer: the transition table', () => {
  it('has a fixture for every row, and a row for every phase and event', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(SESSION_TRANSITIONS.map((t) => t.id).sort());
    const events: SessionEventType[] = ['camera', 'guidance-shown', 'tracked', 'assessed', 'capture-due', 'manual-capture', 'capture-saved', 'capture-failed', 'retake', 'reset', 'language', 'waive'];
    const missing = SESSION_PHASES.flatMap((p) => events.filter((on) => !SESSION_TRANSITIONS.some((t) => t.on === on && t.from.includes(p))).map((on) => `${p} x ${on}`));
    expect(missing).toEqual([]);
  });

  for (const row of SESSION_TRANSITIONS) {
    for (const from of row.from) {
      it(`${row.id}: ${from} --${row.on} (${row.when})--> ${row.to}`, () => {
        for (const c of FIXTURES[row.id](from)) {
          expect(c.given.phase).toBe(from);
          expect(c.event.type).toBe(row.on);
          const step = reduceSession(frozen(c.given), c.event, O);
          expect(step.state.phase).toBe(row.to === 'unchanged' ? from : row.to);
          if (row.to !== 'unchanged' && row.to !== from) expect(stateEvents(step).at(-1)?.state ?? step.state.phase).toBe(row.to);
          if (row.to === 'unchanged' && from !== 'holding') expect(stateEvents(step)).toEqual([]);
          c.check?.(step);
        }
      });
    }
  }
});

describe('session reducer: another person steps in', () => {
  const holding = (extra: Partial<S> = {}): S => state('holding', { remaining: 3, templates: [unit(0)], subjectBox: BOX_A, ...extra });
  const waived = { id: 'remove-glasses' as const, by: 'desk-1', at: T - 1000 };

  it('replaced with no gap (the box jumped) and another face: the waiver goes with the first person, the run starts again', () => {
    const steps = run(holding({ waivers: [waived], goodRun: 2, remaining: 1 }), trackedAt(BOX_JUMPED), assessedAs(unit(1), 1), trackedAt(BOX_JUMPED, T + 66));
    expect(stateEvents(steps[0])).toEqual([{ state: 'holding', remaining: 3 }]);
    expect(stateEvents(steps[1])).toEqual([{ state: 'searching', detail: 'another person' }]);
    expect(steps[1].effects.filter((e) => e.kind === 'waivers')).toEqual([{ kind: 'waivers', waivers: [], ended: { waivers: [waived], reason: 'another person' } }]);
    expect(stateEvents(steps[2])).toEqual([{ state: 'holding', remaining: 3 }]);
    expect(steps[2].state.templates).toEqual([unit(1)]);
  });

  it('the same person back after a short gap, or whose box jumped, keeps the session and its waiver', () => {
    const gap = run(holding({ waivers: [waived] }), tracked(false), tracked(false, T + 500), trackedAt(BOX_A, T + 1000));
    const epoch = gap.at(-1)!.state.epoch;
    expect(gap.at(-1)!.state.identityCheck).toBe(true);
    const back = reduceSession(gap.at(-1)!.state, assessedAs(near(0), epoch, true, T + 1100), O);
    expect(back.state.waivers).toEqual([waived]);
    expect([back.state.identityCheck, back.state.templates.length]).toEqual([false, 2]);
    expect(stateEvents(back)).toEqual([{ state: 'holding', remaining: 2 }]);

    const jumped = run(holding({ waivers: [waived] }), trackedAt(BOX_JUMPED), assessedAs(near(0), 1));
    expect(jumped[1].state.waivers).toEqual([waived]);
    expect(stateEvents(jumped[1])).toEqual([{ state: 'holding', remaining: 2 }]);
  });

  it('an unbroken track keeps the session whatever the embedding (a person taking off a mask), and learns the new look', () => {
    const moved: [number, number, number, number] = [210, 104, 236, 296];
    const steps = run(holding({ waivers: [waived] }), trackedAt(moved), assessedAs(unit(1), 0), trackedAt(BOX_JUMPED), assessedAs(unit(1), 1));
    expect(steps[1].state.waivers).toEqual([waived]);
    expect(steps[1].state.templates).toEqual([unit(0), unit(1)]);
    // and after a break, the new look is the person's
    expect(steps[3].state.waivers).toEqual([waived]);
    expect(steps[3].effects.some((e) => e.kind === 'state' && e.data.detail === 'another person')).toBe(false);
  });

  it('a latched presentation attack stays latched for the next face (photos swapped in front of the camera)', () => {
    const broke = reduceSession(state('adjusting', { attackLatched: true, templates: [unit(0)], subjectBox: BOX_A }), trackedAt(BOX_JUMPED), O);
    const next = reduceSession(broke.state, assessedAs(unit(1), broke.state.epoch), O);
    expect(stateEvents(next)).toEqual([{ state: 'searching', detail: 'another person' }]);
    expect(next.state.attackLatched).toBe(true);
  });

  it('a result requested before the break neither counts nor decides; the first one after it does', () => {
    const steps = run(holding({ goodRun: 1, remaining: 2 }), trackedAt(BOX_JUMPED), assessedAs(unit(0), 0), assessedAs(unit(2), 1));
    expect(steps[1].state.identityCheck).toBe(true);
    expect(steps[1].state.goodRun).toBe(0);
    expect(stateEvents(steps[2])).toEqual([{ state: 'searching', detail: 'another person' }]);
  });

  it('the person templates are the latest few: an old look does not vouch for a newcomer', () => {
    const looks = Array.from({ length: 9 }, (_, i) => assessedAs(i === 0 ? unit(3) : unit(0), 0));
    const learnt = run(holding({ templates: [] }), ...looks).at(-1)!.state;
    expect(learnt.templates).toHaveLength(O.samePerson!.templates);
    const steps = run(learnt, trackedAt(BOX_JUMPED), assessedAs(unit(3), 1));
    expect(stateEvents(steps[1])).toEqual([{ state: 'searching', detail: 'another person' }]);
  });

  it('off (guidance.samePerson.enabled false): a jump and another face change nothing', () => {
    const off = { ...O, samePerson: null };
    let s = holding({ waivers: [waived] });
    for (const e of [trackedAt(BOX_JUMPED), assessedAs(unit(1), 0)]) s = reduceSession(s, e, off).state;
    expect(s.waivers).toEqual([waived]);
    expect([s.identityCheck, s.epoch]).toEqual([false, 0]);
  });
});

describe('session reducer: races', () => {
  it('camera lost during holding: no capture while lost, and the run starts again when it is back', () => {
    const holding = run(state('searching'), tracked(true), assessed(true), assessed(true)).at(-1)!.state;
    expect([holding.phase, holding.remaining]).toEqual(['holding', 1]);
    const steps = run(holding, { type: 'camera', now: T, status: 'lost', detail: 'gone' }, due(holding.epoch), assessed(true, holding.epoch), tracked(true), { type: 'camera', now: T + 900, status: 'streaming' }, tracked(true, T + 1000));
    expect(steps[0].state.phase).toBe('camera-lost');
    expect(saves(steps[1])).toEqual([]); // the capture condition fired on results from before the loss
    expect(steps[2].state.goodRun).toBe(0);
    expect(steps[3].state.phase).toBe('camera-lost'); // a frame still in flight changes nothing
    expect(steps[4].state.phase).toBe('searching');
    expect(stateEvents(steps[5])).toEqual([{ state: 'holding', remaining: 3 }]);
  });

  it('a capture completing after a retake does not put the new attempt into captured', () => {
    const steps = run(state('holding'), due(0), { type: 'retake', now: T + 10 });
    const token = saves(steps[0])[0].token;
    const after = steps[1].state;
    expect(after.phase).toBe('adjusting');
    const late = run(after, { type: 'capture-saved', now: T + 500, token, capture: captureEvent('old') }, tracked(true, T + 600));
    expect(late[0].effects).toEqual([]);
    expect(late[0].state.lastCapture).toBeUndefined();
    expect(late[1].state.phase).toBe('holding');
    // a late failure of the old save does not move the new attempt either
    expect(reduceSession(after, { type: 'capture-failed', now: T, token, message: 'x' }, O).effects).toEqual([]);
    // the next capture is the new attempt's own
    const next = run(late[1].state, due(late[1].state.epoch, { id: 'b' }));
    const save = saves(next[0])[0];
    expect(save.result).toEqual({ id: 'b' });
    expect(save.token).not.toBe(token);
    const saved = reduceSession(next[0].state, { type: 'capture-saved', now: T, token: save.token, capture: captureEvent('new') }, O);
    expect(saved.effects).toEqual([{ kind: 'capture', data: captureEvent('new') }]);
  });

  it('a capture completing after a reset does not show on the next person', () => {
    const steps = run(state('holding'), due(0), { type: 'reset', now: T + 10 }, tracked(true, T + 2000));
    const token = saves(steps[0])[0].token;
    const saved = reduceSession(steps[2].state, { type: 'capture-saved', now: T, token, capture: captureEvent('old') }, O);
    expect(saved.state.phase).toBe('holding');
    expect(saved.effects).toEqual([]);
  });

  it('the person leaving during the countdown: back to searching, the run is void', () => {
    const holding = run(state('searching'), tracked(true), assessed(true), assessed(true)).at(-1)!.state;
    expect(holding.remaining).toBe(1);
    const epoch = holding.epoch;
    const steps = run(holding, tracked(false, T + 66), assessed(true, epoch, T + 66), due(epoch), tracked(true, T + 3000), assessed(true, steps0Epoch(holding), T + 3000));
    expect(stateEvents(steps[0])).toEqual([{ state: 'searching' }]);
    expect(steps[1].state.latest?.frameTs).toBe(T); // the result in flight (for the person who left) is not kept
    expect(saves(steps[2])).toEqual([]); // so was the run that completed
    expect(stateEvents(steps[3])).toEqual([{ state: 'holding', remaining: 3 }]); // the next person starts from zero
    expect(stateEvents(steps[4])).toEqual([{ state: 'holding', remaining: 2 }]);
  });

  it('a new person: faceSince starts with their first face, survives short dropouts, and restarts after they leave', () => {
    const first = run(state('searching', { lastFaceTs: 0 }), tracked(true, T), tracked(true, T + 66), tracked(false, T + 500), tracked(true, T + 1000));
    expect(first.map((st) => st.state.faceSince)).toEqual([T, T, T, T]); // a missed frame or two is the same person
    const left = run(first.at(-1)!.state, tracked(false, T + 1000 + O.leaveResetMs + 1), tracked(true, T + 5000));
    expect(left[0].state.faceSince).toBeUndefined();
    expect(left[1].state.faceSince).toBe(T + 5000); // someone new: their guidance gets its time again
  });

  it('two manual captures at once: one save', () => {
    const given = state('adjusting', { latest: { result: frameA, frameTs: T } });
    const steps = run(given, { type: 'manual-capture', now: T }, { type: 'manual-capture', now: T });
    expect(steps.flatMap(saves)).toHaveLength(1);
    expect(steps[1].state.pending).toEqual(steps[0].state.pending);
    // and an auto-capture due meanwhile joins it too
    expect(saves(reduceSession(steps[1].state, due(steps[1].state.epoch), O))).toEqual([]);
  });

  it('escalation: a hint after hintAfterMs, ask-assistance after assistanceAfterMs, not with a presentation attack', () => {
    let s = run(state('searching'), { type: 'guidance-shown', now: T, shown: [blocking] }, tracked(true, T)).at(-1)!.state;
    const at = (ms: number, st: S): SessionStep<Frame> => reduceSession(st, tracked(true, T + ms), O);
    let step = at(O.hintAfterMs - 500, s);
    for (let t = 500; t < O.hintAfterMs; t += 500) s = at(t, s).state;
    expect(s.escalation).toBe('none');
    step = at(O.hintAfterMs + 100, s);
    expect(step.state.escalation).toBe('hint');
    const hinted = step.effects.find((e): e is Extract<SessionEffect<Frame>, { kind: 'guidance' }> => e.kind === 'guidance');
    expect(hinted?.hint?.id).toBe('move-closer');
    for (let t = O.hintAfterMs + 100; t <= O.assistanceAfterMs + 100; t += 500) s = at(t, s).state;
    expect(s.escalation).toBe('assistance');
    const g = reduceSession(s, { type: 'language', now: T, language: 'fr' }, O).effects[0];
    expect(g.kind === 'guidance' && g.messages.map((m) => m.id)).toEqual(['move-closer', 'ask-assistance']);
    const latched = reduceSession(s, { type: 'guidance-shown', now: T, shown: [attack] }, O).effects[0];
    expect(latched.kind === 'guidance' && latched.messages.map((m) => m.id)).toEqual(['presentation-attack']);
  });
});

describe('session reducer: operator waivers', () => {
  it('a waived message stops blocking at the next frame, stays hidden while the hysteresis still shows it, and goes with the capture', () => {
    const told = run(state('searching'), { type: 'guidance-shown', now: T, shown: [glasses] }, tracked(true, T)).at(-1)!.state;
    expect(told.phase).toBe('adjusting');
    const steps = run(
      told,
      waiveEvent('remove-glasses'),
      tracked(true, T + 66),
      // the hysteresis hides a message only after hideAfterMs: the session already does
      { type: 'guidance-shown', now: T + 100, shown: [glasses] },
      tracked(true, T + 133),
    );
    expect(steps[0].state.phase).toBe('adjusting');
    expect(stateEvents(steps[1])).toEqual([{ state: 'holding', remaining: 3 }]);
    expect(steps[2].state.shown).toEqual([]);
    expect(steps[2].effects).toEqual([]);
    expect(steps[3].state.phase).toBe('holding');
    const holding = steps[3].state;
    const [save] = saves(reduceSession(holding, due(holding.epoch), O));
    expect(save.waivers).toEqual([{ id: 'remove-glasses', by: 'desk-1', at: T }]);
    // what the person was told before the waiver stays in the history
    expect(save.guidanceHistory.map((h) => h.ids)).toEqual([['remove-glasses']]);
  });

  it('end with the session: after a reset the next person is told again', () => {
    const waived = run(state('adjusting', { shown: [glasses], hysteresisShown: [glasses] }), waiveEvent('remove-glasses')).at(-1)!.state;
    const reset = reduceSession(waived, { type: 'reset', now: T + 10 }, O);
    expect(reset.state.waivers).toEqual([]);
    expect(kinds(reset)).toEqual(['state', 'guidance', 'waivers']);
    expect(reset.effects.at(-1)).toEqual({ kind: 'waivers', waivers: [], ended: { waivers: waived.waivers, reason: 'reset' } });
    const accepted = reduceSession(waived, { type: 'reset', now: T + 10, accepted: true }, O);
    expect(accepted.effects.at(-1)).toEqual({ kind: 'waivers', waivers: [], ended: { waivers: waived.waivers, reason: 'capture accepted' } });
    const next = run(reset.state, { type: 'guidance-shown', now: T + 20, shown: [glasses] }, tracked(true, T + 30)).at(-1)!.state;
    expect([next.phase, next.shown.map((m) => m.id)]).toEqual(['adjusting', ['remove-glasses']]);
  });

  it('taken back while the hysteresis still shows the message: shown again at once', () => {
    const shown = run(state('searching'), { type: 'guidance-shown', now: T, shown: [glasses] }, tracked(true, T)).at(-1)!.state;
    // the hysteresis keeps a message for hideAfterMs after its condition went: it still shows it here
    const steps = run(shown, waiveEvent('remove-glasses'), tracked(true, T + 66), waiveEvent('remove-glasses', false), tracked(true, T + 133));
    expect(steps[1].state.phase).toBe('holding');
    expect(steps[2].state.shown).toEqual([glasses]);
    expect(steps[2].effects.find((e) => e.kind === 'guidance')).toMatchObject({ messages: [{ id: 'remove-glasses' }] });
    // staff took it back: the operator view hears the change, not that it ended with the session
    expect(steps[2].effects.find((e) => e.kind === 'waivers')).toEqual({ kind: 'waivers', waivers: [] });
    expect(steps[3].state.phase).toBe('adjusting');
  });

  it('end when the person leaves without a capture: nobody in view for leaveResetMs', () => {
    const waived = run(state('adjusting', { shown: [glasses], hysteresisShown: [glasses], lastFaceTs: T }), waiveEvent('remove-glasses')).at(-1)!.state;
    const away = run(waived, tracked(false, T + 1000), tracked(false, T + O.leaveResetMs + 100));
    expect(away[0].state.waivers).toHaveLength(1); // a moment out of view keeps it
    expect(away[1].state.waivers).toEqual([]);
    expect(away[1].effects.filter((e) => e.kind === 'waivers')).toEqual([{ kind: 'waivers', waivers: [], ended: { waivers: waived.waivers, reason: 'person left' } }]);
  });

  it('end with the captured screen, saying whether the person left or the screen timed out', () => {
    const waivers = [{ id: 'remove-glasses' as const, by: 'desk-1', at: T - 5000 }];
    const ended = (s: S, e: E) => reduceSession(s, e, O).effects.filter((x) => x.kind === 'waivers');
    const captured = (extra: Partial<S>): S => state('captured', { waivers, lastFaceTs: T - 66, capturedAt: T - 1000, ...extra });
    expect(ended(captured({ capturedAt: T - O.resetAfterMs - 1 }), tracked(true))).toEqual([{ kind: 'waivers', waivers: [], ended: { waivers, reason: 'captured screen timed out' } }]);
    expect(ended(captured({ lastFaceTs: T - O.leaveResetMs - 1 }), tracked(false))).toEqual([{ kind: 'waivers', waivers: [], ended: { waivers, reason: 'person left' } }]);
    expect(ended(captured({}), tracked(false))).toEqual([]);
  });

  it('a waived message is not the hint either', () => {
    let s = run(state('searching'), { type: 'guidance-shown', now: T, shown: [glasses, blocking] }, tracked(true, T)).at(-1)!.state;
    for (let t = 500; t < 3000; t += 500) s = reduceSession(s, tracked(true, T + t), O).state;
    expect(s.persistence['remove-glasses']).toBeGreaterThan(0);
    s = reduceSession(s, waiveEvent('remove-glasses'), O).state;
    expect(Object.keys(s.persistence)).toEqual(['move-closer']);
  });
});

/** The epoch after a person left a holding state (searching starts a new one). */
function steps0Epoch(holding: S): number {
  return reduceSession(holding, tracked(false, T + 66), O).state.epoch;
}
