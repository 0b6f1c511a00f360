/**
 * Presentation attacks: the guidance rule, the config keys, the antispoof/liveness scores of
 * the real detector, and the kiosk path (no auto-capture, operator called, scores in the live
 * events and the capture report).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../server/tf/backend.js';
import { HumanFaceDetector } from '../server/detect/human-detector.js';
import type { RgbImage } from '../server/detect/face-detector.js';
import { faceFrame, portraitFrame } from '../server/kiosk/camera/face-frame.js';
import { presentationAttackCandidates } from '../server/kiosk/guidance/guidance-rules.js';
import { CATALOGUES } from '../server/kiosk/guidance/message-catalogue.js';
import { LANGUAGES } from '../server/kiosk/guidance/guidance-ids.js';
import { loadConfig } from '../server/kiosk/config/load-config.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import { unseenPortrait } from './helpers/unseen-faces.js';
import { startHarness, waitFor, writeFrames, type Harness } from './helpers/kiosk-harness.js';
import type { CaptureEvent, FrameEvent, GuidanceEvent, StateEvent } from '../server/kiosk/pipeline/kiosk-events.js';

describe('presentation-attack guidance rule', () => {
  const on = { enabled: true, minReal: 0.3, minLive: 0.5 };
  const ids = (m: { antispoof?: number; liveness?: number }, pa = on) => presentationAttackCandidates(m, pa).map((c) => c.id);

  it('emits presentation-attack when either score is below its threshold, blocking and first after no-face', () => {
    expect(ids({ antispoof: 0.2, liveness: 0.99 })).toEqual(['presentation-attack']);
    expect(ids({ antispoof: 0.8, liveness: 0.4 })).toEqual(['presentation-attack']);
    expect(ids({ antispoof: 0.1, liveness: 0.1 })).toEqual(['presentation-attack']);
    const [c] = presentationAttackCandidates({ antispoof: 0.1, liveness: 0.9 }, on);
    expect(c.blocking).toBe(true);
    expect(c.priority).toBeLessThanOrEqual(1);
  });

  it('stays quiet at or above the thresholds, when disabled, for a threshold of 0, and without scores', () => {
    expect(ids({ antispoof: 0.3, liveness: 0.5 })).toEqual([]);
    expect(ids({ antispoof: 0.9, liveness: 0.99 })).toEqual([]);
    expect(ids({ antispoof: 0.01, liveness: 0.01 }, { ...on, enabled: false })).toEqual([]);
    expect(ids({ antispoof: 0.01, liveness: 0.99 }, { ...on, minReal: 0 })).toEqual([]);
    expect(ids({ antispoof: 0.99, liveness: 0.01 }, { ...on, minLive: 0 })).toEqual([]);
    expect(ids({})).toEqual([]);
  });

  it('has a message in every language that calls staff without accusing anyone', () => {
    for (const lang of LANGUAGES) expect(CATALOGUES[lang]['presentation-attack'].length).toBeGreaterThan(10);
    expect(CATALOGUES.en['presentation-attack']).toMatch(/staff/);
  });
});

describe('presentation-attack config', () => {
  it('is off by default and on for border-gate, with thresholds in 0..1', async () => {
    expect(DEFAULT_CONFIG.guidance.presentationAttack.enabled).toBe(false);
    const gate = await loadConfig({ profile: 'border-gate', env: {} });
    expect(gate.guidance.presentationAttack).toMatchObject({ enabled: true, latch: true });
    expect(gate.guidance.presentationAttack.minReal).toBe(DEFAULT_CONFIG.guidance.presentationAttack.minReal);
    for (const p of ['passport-booth', 'enrolment-desk']) expect((await loadConfig({ profile: p, env: {} })).guidance.presentationAttack.enabled).toBe(false);
    const env = await loadConfig({ env: { PLQ_KIOSK__guidance__presentationAttack: '{"enabled":true,"minReal":0.4,"minLive":0.6,"latch":false}' } });
    expect(env.guidance.presentationAttack).toEqual({ enabled: true, minReal: 0.4, minLive: 0.6, latch: false });
  });

  it('names a bad or unknown key', async () => {
    const bad = (pa: Record<string, unknown>) => loadConfig({ env: {}, overrides: { guidance: { presentationAttack: pa } } as never });
    await expect(bad({ minReal: 1.5 })).rejects.toThrow(/"guidance.presentationAttack.minReal" must be <= 1/);
    await expect(bad({ minLive: -0.1 })).rejects.toThrow(/"guidance.presentationAttack.minLive" must be >= 0/);
    await expect(bad({ enabled: 'yes' })).rejects.toThrow(/guidance.presentationAttack.enabled/);
    await expect(bad({ minreal: 0.3 })).rejects.toThrow(/unknown key "guidance.presentationAttack.minreal"/);
  });
});

describe('presentation-attack scores from the real detector', () => {
  let photo: RgbImage;
  beforeAll(async () => {
    await initBackend();
    photo = await unseenPortrait();
  });

  it('antispoof and liveness are numbers in [0, 1] for a real photo; absent with the models off (the CLI default)', async () => {
    const pad = await HumanFaceDetector.create({ antispoof: true, liveness: true });
    const [face] = await pad.detect(photo);
    for (const v of [face.antispoof, face.liveness]) {
      expect(typeof v).toBe('number');
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    const [plain] = await (await HumanFaceDetector.create()).detect(photo);
    expect(plain.antispoof).toBeUndefined();
    expect(plain.liveness).toBeUndefined();
  });

  it('video cadence (models on every 4th frame): every frame of a face has scores, also right after the face count changes', async () => {
    const [face] = await (await HumanFaceDetector.create()).detect(photo);
    const frame = await faceFrame(photo, face.box);
    const blank: RgbImage = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 3) };
    const d = await HumanFaceDetector.create({ antispoof: true, liveness: true, padEveryFrames: 4, padMaxAgeMs: 60_000 });
    const seen: Array<[number, number | undefined, number | undefined]> = [];
    for (const img of [frame, frame, frame, frame, frame, blank, frame, frame]) {
      const faces = await d.detect(img);
      seen.push([faces.length, faces[0]?.antispoof, faces[0]?.liveness]);
    }
    const scored = seen.filter(([n]) => n === 1);
    expect(scored).toHaveLength(7);
    for (const [, real, live] of scored) {
      expect(real).toBe(scored[0][1]);
      expect(live).toBe(scored[0][2]);
    }
  });
});

describe('kiosk: a flagged face is not captured automatically, the operator is called and can capture', () => {
  let h: Harness;
  let frame: RgbImage;

  beforeAll(async () => {
    await initBackend();
    const photo = await unseenPortrait();
    const [face] = await (await HumanFaceDetector.create()).detect(photo);
    frame = await faceFrame(photo, face.box);
  });
  afterAll(async () => h?.close());

  it('bona fide face, thresholds set above its scores: presentation-attack shown, no capture; manual capture reports the scores', async () => {
    // Thresholds no bona fide face meets here (its scores are ~0.75 / 0.93): stands in for an attack.
    h = await startHarness({
      replayDir: await writeFrames([frame]),
      overrides: { guidance: { showAfterMs: 300, hideAfterMs: 600, presentationAttack: { enabled: true, minReal: 0.99, minLive: 0.99, latch: true } } },
    });
    let captured: CaptureEvent | undefined;
    h.client.on('capture', (c: CaptureEvent) => (captured = c));
    const scored = waitFor<FrameEvent>(h.client, 'frame', (f) => f.faces.length === 1 && f.faces[0].antispoof !== undefined, 45_000);
    h.operator.emit('reset');
    const g = await waitFor<GuidanceEvent>(h.client, 'guidance', (e) => e.messages.some((m) => m.id === 'presentation-attack'), 45_000);
    expect(g.messages[0].id).toBe('presentation-attack');
    expect(g.messages.some((m) => m.id === 'ask-assistance')).toBe(false); // its own message calls staff
    const f = await scored;
    for (const v of [f.faces[0].antispoof!, f.faces[0].liveness!]) expect(v).toBeGreaterThanOrEqual(0);
    // a good face otherwise: give auto-capture the time it needs (several PLQ maps), it must not come
    await new Promise((r) => setTimeout(r, 5000));
    expect(captured).toBeUndefined();
    expect(h.server.pipeline.currentState).toBe('adjusting');
    const manual = waitFor<CaptureEvent>(h.client, 'capture', (c) => c.trigger === 'manual', 30_000);
    h.operator.emit('operator:capture');
    const c = await manual;
    const report = (await (await h.fetch(`/api/captures/${c.id}`)).json()) as {
      presentationAttack: { enabled: boolean; antispoof: number; liveness: number; suspected: boolean; minReal: number };
      measurements: { antispoof: number; liveness: number };
    };
    expect(report.presentationAttack).toMatchObject({ enabled: true, suspected: true, minReal: 0.99 });
    expect(report.presentationAttack.antispoof).toBe(report.measurements.antispoof);
    expect(report.presentationAttack.antispoof).toBeLessThan(0.99);
    expect(report.presentationAttack.liveness).toBeGreaterThanOrEqual(0);
    // the operator's reset clears the flag
    const searching = waitFor<StateEvent>(h.client, 'state', (s) => s.state === 'searching', 10_000);
    h.operator.emit('reset');
    await searching;
  });
});

describe('kiosk: with the check on at the shipped thresholds, a bona fide face is still captured automatically', () => {
  it('captures, and the report carries the scores, not suspected', async () => {
    const photo = await unseenPortrait();
    const [face] = await (await HumanFaceDetector.create()).detect(photo);
    const pa = { ...DEFAULT_CONFIG.guidance.presentationAttack, enabled: true };
    const h = await startHarness({ replayDir: await writeFrames([portraitFrame(photo, face)]), overrides: { guidance: { showAfterMs: 300, hideAfterMs: 600, presentationAttack: pa } } });
    try {
      const capture = waitFor<CaptureEvent>(h.client, 'capture', (c) => c.trigger === 'auto', 60_000);
      h.operator.emit('reset');
      const c = await capture;
      const report = (await (await h.fetch(`/api/captures/${c.id}`)).json()) as { presentationAttack: { enabled: boolean; antispoof: number; liveness: number; suspected: boolean } };
      expect(report.presentationAttack.enabled).toBe(true);
      expect(report.presentationAttack.suspected).toBe(false);
      expect(report.presentationAttack.antispoof).toBeGreaterThanOrEqual(pa.minReal);
      expect(report.presentationAttack.liveness).toBeGreaterThanOrEqual(pa.minLive);
    } finally {
      await h.close();
    }
  });
});
