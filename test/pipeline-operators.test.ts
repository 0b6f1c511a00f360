import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { of, delay, timer, map } from 'rxjs';
import { selectBestAligned } from '../server/kiosk/pipeline/operators/select-best-aligned.js';
import { dropWhileBusy } from '../server/kiosk/pipeline/operators/drop-while-busy.js';
import { latestWhileBusy } from '../server/kiosk/pipeline/operators/latest-while-busy.js';
import { guidanceHysteresis, type GuidanceObservation } from '../server/kiosk/pipeline/operators/guidance-hysteresis.js';
import { captureCondition } from '../server/kiosk/pipeline/operators/capture-condition.js';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('selectBestAligned (marbles)', () => {
  it('passes on the best-scoring item of each window and nothing for empty windows', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      // 10 ms windows; scores are the values, undefined = no usable face
      const src = hot('  a-b-c------d-e------------|', { a: 3, b: 9, c: 1, d: 2, e: 5 });
      const out = src.pipe(selectBestAligned((v: number) => (v === 1 ? undefined : v), 10, ts));
      expectObservable(out).toBe('----------b---------e-----(|)', { b: 9, e: 5 });
    });
  });
});

describe('dropWhileBusy (marbles)', () => {
  it('drops items that arrive while the work is running, never queues them', () => {
    const ts = scheduler();
    ts.run(({ hot, cold, expectObservable }) => {
      const dropped: string[] = [];
      const src = hot('a-b-c-----d-|');
      // each job takes 5 frames
      const out = src.pipe(dropWhileBusy((v: string) => cold('-----(r|)', { r: v.toUpperCase() }), (v) => dropped.push(v)));
      expectObservable(out).toBe('-----A---------(D|)');
      ts.flush();
      expect(dropped).toEqual(['b', 'c']);
    });
  });

  it('accepts the next item as soon as the previous job finished', () => {
    const ts = scheduler();
    ts.run(({ hot, cold, expectObservable }) => {
      const src = hot('a--b--c|');
      const out = src.pipe(dropWhileBusy((v: string) => cold('--(r|)', { r: v })));
      expectObservable(out).toBe('--a--b--(c|)');
    });
  });
});

describe('latestWhileBusy (marbles)', () => {
  it('keeps only the latest item that arrived while busy and starts it right after', () => {
    const ts = scheduler();
    ts.run(({ hot, cold, expectObservable }) => {
      const dropped: string[] = [];
      const src = hot('abcd------------|');
      // each job takes 5 frames: a runs 0-5; b, c, d arrive meanwhile: b and c dropped, d kept
      const out = src.pipe(latestWhileBusy((v: string) => cold('-----(r|)', { r: v.toUpperCase() }), (v) => dropped.push(v)));
      expectObservable(out).toBe('-----A----D-----|');
      ts.flush();
      expect(dropped).toEqual(['b', 'c']);
    });
  });

  it('completes after the kept item is done', () => {
    const ts = scheduler();
    ts.run(({ hot, cold, expectObservable }) => {
      const src = hot('ab|');
      const out = src.pipe(latestWhileBusy((v: string) => cold('---(r|)', { r: v })));
      expectObservable(out).toBe('---a--(b|)');
    });
  });
});

describe('guidanceHysteresis (marbles)', () => {
  const glasses = { id: 'remove-glasses', priority: 5, blocking: true };
  const closer = { id: 'move-closer', priority: 2, blocking: true };
  const dark = { id: 'too-dark', priority: 8, blocking: true };
  const obs = (ts: number, ...c: (typeof glasses)[]): GuidanceObservation => ({ ts, candidates: c });

  it("a candidate with its own showAfterMs (a check failing inside its margin) waits that long instead", () => {
    const ts = scheduler();
    const eyes = { id: 'open-eyes', priority: 6, blocking: true, showAfterMs: 1000 };
    ts.run(({ cold, expectObservable }) => {
      const src = cold('abcde|', {
        a: obs(0, glasses, eyes),
        b: obs(200, glasses, eyes), // glasses held 200 ms -> shown; the eyes wait
        c: obs(900, glasses, eyes),
        d: obs(1000, glasses, eyes), // eyes held 1000 ms -> shown too
        e: obs(1100, glasses),
      });
      const out = src.pipe(guidanceHysteresis({ showAfterMs: 200, hideAfterMs: 250, maxShown: 2 }), map((l) => l.map((c) => c.id).join(',')));
      expectObservable(out).toBe('ab-d-|', { a: '', b: 'remove-glasses', d: 'remove-glasses,open-eyes' });
    });
  });

  it('shows a message only after it held for showAfterMs and keeps it until gone for hideAfterMs', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const src = cold('abcdefgh|', {
        a: obs(0, glasses),
        b: obs(100, glasses),
        c: obs(200, glasses), // held 200 ms -> shown
        d: obs(300),
        e: obs(400), // gone for 100 ms -> still shown
        f: obs(500, glasses), // back: stays, gone timer reset
        g: obs(600),
        h: obs(900), // gone 300 ms -> hidden
      });
      const out = src.pipe(guidanceHysteresis({ showAfterMs: 200, hideAfterMs: 250, maxShown: 2 }), map((l) => l.map((c) => c.id).join(',')));
      expectObservable(out).toBe('a-c----h|', { a: '', c: 'remove-glasses', h: '' });
    });
  });

  it('a flicker shorter than showAfterMs never shows; at most two messages, most important first', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const src = cold('abcd|', {
        a: obs(0, glasses, dark),
        b: obs(100, closer, glasses, dark),
        c: obs(300, closer, glasses, dark),
        d: obs(350, glasses),
      });
      const out = src.pipe(guidanceHysteresis({ showAfterMs: 150, hideAfterMs: 500, maxShown: 2 }), map((l) => l.map((c) => c.id).join(',')));
      expectObservable(out).toBe('a-c-|', { a: '', c: 'move-closer,remove-glasses' });
    });
  });
});

describe('captureCondition (marbles)', () => {
  it('captures after N successive good results without a blocking message, choosing the best', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const c = (q: number, blocked = false) => ({ result: `q${q}`, qualityScaled: q, blocked });
      const src = cold('abcdefghi|', {
        a: c(0.9),
        b: c(0.95),
        c: c(0.5), // breaks the run
        d: c(0.8),
        e: c(0.9, true), // blocked: breaks the run
        f: c(0.85),
        g: c(0.97),
        h: c(0.9), // third in a row -> capture the best (0.97)
        i: c(0.9), // the count restarted
      });
      expectObservable(src.pipe(captureCondition({ threshold: 0.8, successive: 3 }))).toBe('-------h-|', { h: 'q0.97' });
    });
  });

  it('counts only results whose required checks all pass; a failed check breaks the run like a low Q^', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const c = (name: string, q: number, failed: string[] = []) => ({ result: name, qualityScaled: q, blocked: false, failed });
      const src = cold('abcdefgh|', {
        a: c('a', 0.9),
        b: c('b', 0.95, ['HeadPoseYaw']), // Q^ fine, yaw 10 deg: breaks the run
        c: c('c', 0.9),
        d: c('d', 0.9, ['InterEyeDistance']), // too small: breaks the run again
        e: c('e', 0.9),
        f: c('f', 0.92, ['PlqRegion.chin', 'PlqQualityScore']), // advisory only: counts
        g: c('g', 0.91), // third in a row -> the best of e, f, g
        h: c('h', 0.99, ['EyesOpen']),
      });
      const out = src.pipe(captureCondition({ threshold: 0.8, successive: 3, advisory: ['PlqQualityScore', 'PlqRegion.*'] }));
      expectObservable(out).toBe('------g-|', { g: 'f' });
    });
  });

  it('with nothing advisory every failed check blocks, and results without checks still count', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const src = cold('abcd|', {
        a: { result: 'a', qualityScaled: 0.9, blocked: false, failed: ['PlqRegion.chin'] },
        b: { result: 'b', qualityScaled: 0.9, blocked: false },
        c: { result: 'c', qualityScaled: 0.9, blocked: false, failed: [] },
        d: { result: 'd', qualityScaled: 0.9, blocked: false, failed: ['HeadPoseRoll'] },
      });
      expectObservable(src.pipe(captureCondition({ threshold: 0.8, successive: 2 }))).toBe('--c-|', { c: 'b' });
    });
  });

  it('a face the mesh doubts (a mask or hand the tracker still follows) breaks the run like a low Q^', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const c = (name: string, meshConfidence?: number) => ({ result: name, qualityScaled: 0.9, blocked: false, meshConfidence });
      const src = cold('abcdef|', {
        a: c('a', 0.98),
        b: c('b', 0.3), // tracked at mesh confidence 0.3: breaks the run
        c: c('c', 0.97),
        d: c('d', 0.49),
        e: c('e', 0.5), // at the minimum: counts
        f: c('f'), // not known: counts
      });
      expectObservable(src.pipe(captureCondition({ threshold: 0.8, successive: 2, minMeshConfidence: 0.5 }))).toBe('-----f|', { f: 'e' });
      // without the minimum the doubted face counts
      expectObservable(src.pipe(captureCondition({ threshold: 0.8, successive: 2 }))).toBe('-b-d-f|', { b: 'a', d: 'c', f: 'e' });
    });
  });
});

describe('operators with real time', () => {
  it('dropWhileBusy reports drops with a slow async job', async () => {
    const dropped: number[] = [];
    const results: number[] = [];
    await new Promise<void>((resolve) => {
      timer(0, 5)
        .pipe(
          map((i) => i),
          (s) => s.pipe(delay(0)),
          dropWhileBusy((i: number) => of(i).pipe(delay(22)), (i) => dropped.push(i)),
        )
        .subscribe((v) => {
          results.push(v);
          if (results.length === 3) resolve();
        });
    });
    expect(results[0]).toBe(0);
    expect(dropped.length).toBeGreaterThan(0);
    expect(results.every((r) => !dropped.includes(r))).toBe(true);
  });
});
