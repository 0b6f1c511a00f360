import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { map } from 'rxjs';
import { sessionMachine } from '../server/kiosk/pipeline/operators/session-machine.js';
import { sessionLoop } from '../server/kiosk/pipeline/session/session-loop.js';
import type { SaveEffect } from '../server/kiosk/pipeline/session/session-effects.js';
import { initialSession, type SessionEvent, type SessionOptions } from '../server/kiosk/pipeline/session/session-state.js';
import type { CaptureEvent, KioskEvent } from '../server/kiosk/pipeline/kiosk-events.js';

type E = SessionEvent<string>;
const O: SessionOptions = { successive: 2, resetAfterMs: 20_000, leaveResetMs: 2500, hintAfterMs: 20_000, assistanceAfterMs: 45_000, latchAttack: true, samePerson: null };
const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Phase letters: s searching, a adjusting, h holding, c captured, l camera-lost. */
const letter = { searching: 's', adjusting: 'a', holding: 'h', captured: 'c', 'camera-lost': 'l' } as const;

describe('sessionMachine (marbles)', () => {
  // the epoch of the first holding stretch is 0; searching, camera-lost, captured, retake, reset each start a new one
  const events: Record<string, E> = {
    f: { type: 'tracked', now: 1000, face: true },
    n: { type: 'tracked', now: 1100, face: false },
    g: { type: 'assessed', now: 1000, epoch: 0, result: 'frame', good: true },
    d: { type: 'capture-due', now: 1000, epoch: 0, result: 'frame', frameTs: 1000 },
    l: { type: 'camera', now: 1000, status: 'lost', detail: 'unplugged' },
    b: { type: 'camera', now: 1000, status: 'streaming' },
    r: { type: 'retake', now: 1000 },
    m: { type: 'manual-capture', now: 1000 },
    // a result requested after the retake below (epoch 2: captured was 1, the retake 2)
    G: { type: 'assessed', now: 1200, epoch: 2, result: 'frame 2', good: true },
  };

  it('camera lost during holding: the capture due from before the loss does not happen; back to searching, then holding again', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const src = hot<E>('-f-g-l-d-b-f-', events);
      const out = src.pipe(sessionMachine<string>(O, initialSession('en')), map((s) => letter[s.state.phase]));
      expectObservable(out).toBe('-h-h-l-l-s-h-');
    });
  });

  it('the person leaves during the countdown: searching, and the run that completes afterwards does not capture', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const src = hot<E>('-f-g-n-g-d-f-', events);
      const out = src.pipe(
        sessionMachine<string>(O, initialSession('en')),
        map((s) => `${letter[s.state.phase]}${s.effects.some((e) => e.kind === 'save-capture') ? '!' : ''}`),
      );
      expectObservable(out).toBe('-h-h-s-s-s-h-');
    });
  });

  it('holding, capture due, retake: captured then adjusting; two manual captures then make one save', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const src = hot<E>('-f-g-d-r-g-G-m-m-', events);
      const out = src.pipe(
        sessionMachine<string>(O, initialSession('en')),
        map((s) => (s.effects.some((e) => e.kind === 'save-capture') ? 'S' : letter[s.state.phase])),
      );
      // the result in flight at the retake is stale (epoch 0) and ignored; the second manual capture joins the first
      expectObservable(out).toBe('-h-h-S-a-a-a-S-c-');
    });
  });
});

/** A save that resolves when the test says so. */
function deferredSaves() {
  const calls: Array<{ effect: SaveEffect<string>; resolve: (c: CaptureEvent) => void; reject: (e: Error) => void }> = [];
  const save = (effect: SaveEffect<string>): Promise<CaptureEvent> => new Promise((resolve, reject) => calls.push({ effect, resolve, reject }));
  return { calls, save };
}
const captureEvent = (id: string, trigger: 'auto' | 'manual' = 'manual'): CaptureEvent => ({ id, ts: 1, qualityScaled: 0.7, trigger, failedChecks: [], portraitUrl: '', frameUrl: '', reportUrl: '' });

function loop() {
  const emitted: KioskEvent[] = [];
  const errors: Error[] = [];
  const saves = deferredSaves();
  const l = sessionLoop<string>(O, initialSession('en'), { emit: (e) => emitted.push(e), save: saves.save, failed: (e) => errors.push(e), cameraLost: () => undefined, now: () => 5000 });
  l.dispatch({ type: 'tracked', now: 1000, face: true });
  l.dispatch({ type: 'assessed', now: 1000, epoch: l.state.epoch, result: 'frame', good: false });
  return { l, emitted, errors, saves, captures: () => emitted.filter((e) => e.type === 'capture') };
}

describe('session loop: saves and their races', () => {
  it('two manual captures at once: one save, both requests wait for it, one capture event', async () => {
    const { l, saves, captures } = loop();
    l.dispatch({ type: 'manual-capture', now: 1 });
    l.dispatch({ type: 'manual-capture', now: 1 });
    expect(saves.calls).toHaveLength(1);
    const token = l.state.pending!.token;
    const waiting = l.settled(token)!;
    saves.calls[0].resolve(captureEvent('one'));
    await waiting;
    expect(captures()).toEqual([{ type: 'capture', data: captureEvent('one') }]);
    expect(l.state.phase).toBe('captured');
    expect(l.settled(token)).toBeUndefined();
  });

  it('retake while a capture is being written: the late result is stored, not shown, and the session stays out of captured', async () => {
    const { l, saves, captures, emitted } = loop();
    l.dispatch({ type: 'manual-capture', now: 1 });
    const waiting = l.settled(l.state.pending!.token)!;
    l.dispatch({ type: 'retake', now: 2 });
    saves.calls[0].resolve(captureEvent('late'));
    await waiting;
    expect(captures()).toEqual([]);
    expect(l.state.phase).toBe('adjusting');
    expect(emitted.filter((e) => e.type === 'state').map((e) => e.type === 'state' && e.data.state)).toEqual(['holding', 'captured', 'adjusting']);
  });

  it('a failed save: an error, back to adjusting with the reason', async () => {
    const { l, saves, errors, emitted } = loop();
    l.dispatch({ type: 'manual-capture', now: 1 });
    const waiting = l.settled(l.state.pending!.token)!;
    saves.calls[0].reject(new Error('disk full'));
    await waiting;
    expect(errors.map((e) => e.message)).toEqual(['disk full']);
    expect(l.state.phase).toBe('adjusting');
    expect(emitted.at(-1)).toEqual({ type: 'state', data: { state: 'adjusting', detail: 'capture failed: disk full' } });
  });
});
