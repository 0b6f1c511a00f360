import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readFile } from 'node:fs/promises';
import { initBackend } from '../server/tf/backend.js';
import type { DetectedFace, RgbImage } from '../server/detect/face-detector.js';
import { realFaces, detector } from './helpers/real-faces.js';
import { faceFrame, portraitFrame } from '../server/kiosk/camera/face-frame.js';
import { drawOccluder, type Occluder } from './helpers/occluders.js';
import { startHarness, waitFor, writeFrames, type Harness } from './helpers/kiosk-harness.js';
import { hugePngHeader } from './helpers/bad-images.js';
import { packageFile } from '../server/plq/model-paths.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import { unseenPortrait } from './helpers/unseen-faces.js';
import type { GuidanceEvent, PlqEvent, FrameEvent, CaptureEvent, StateEvent } from '../server/kiosk/pipeline/kiosk-events.js';
import { ONE_SIDE_IDS } from '../server/kiosk/guidance/guidance-rules.js';

/** The frontal, well-lit face of the packaged photos (sample3, first face) framed like a booth camera. */
let good: RgbImage;
const GOOD_FACE_ADVISORY = ['PlqQualityScore', 'PlqRegion.*', 'HeadPoseYaw', 'InterEyeDistance'];
let goodFace: DetectedFace;
/** A person no fit and no threshold saw (validate fold of ../shared/faces), framed like a booth camera. */
let unseen: RgbImage;
let unseenFace: DetectedFace;
const THRESHOLD = DEFAULT_CONFIG.capture.threshold;

beforeAll(async () => {
  await initBackend();
  const faces = await realFaces();
  const f = faces.find((x) => x.photoId === 'face-api/sample3' && x.index === 0)!;
  good = await faceFrame(f.photo, f.face.box);
  [goodFace] = await (await detector()).detect(good);
  const photo = await unseenPortrait();
  const [face] = await (await detector()).detect(photo);
  unseen = portraitFrame(photo, face);
  [unseenFace] = await (await detector()).detect(unseen);
});

describe('kiosk server: an unseen good face is captured automatically on the default threshold', () => {
  let h: Harness;
  const seen: { states: string[] } = { states: [] };
  let capture: CaptureEvent;

  beforeAll(async () => {
    expect(THRESHOLD).toBe(0.5);
    h = await startHarness({ replayDir: await writeFrames([unseen]) });
    // Start a session from here, whatever the pipeline did before this client was connected.
    const searching = waitFor<StateEvent>(h.client, 'state', (s) => s.state === 'searching', 30_000);
    h.operator.emit('reset');
    await searching;
    h.client.on('state', (s: StateEvent) => seen.states.push(s.state));
    capture = await waitFor<CaptureEvent>(h.client, 'capture', () => true, 60_000);
  });
  afterAll(async () => h?.close());

  it('went through holding to captured, and the capture is stored with an ICAO portrait and a report', async () => {
    expect(seen.states).toContain('holding');
    expect(seen.states).toContain('captured');
    expect(capture.trigger).toBe('auto');
    const list = (await (await h.fetch(`/api/captures`)).json()) as Array<{ id: string }>;
    expect(list.map((c) => c.id)).toContain(capture.id);
    const portrait = Buffer.from(await (await h.fetch(`${capture.portraitUrl}`)).arrayBuffer());
    const pm = await sharp(portrait).metadata();
    expect(pm.format).toBe('jpeg');
    expect(pm.width! / pm.height!).toBeCloseTo(35 / 45, 2);
    const report = (await (await h.fetch(`/api/captures/${capture.id}`)).json()) as Record<string, unknown>;
    expect(report.qualityScaled).toBeGreaterThanOrEqual(THRESHOLD);
    expect(JSON.stringify(report)).toMatch(/HeadPoseYaw/);
    // the capture passes its own checks on the default configuration
    const iso = report.iso as { failed: string[]; passed: boolean; advisory: string[] };
    expect(report.failedChecks).toEqual([]);
    expect(capture.failedChecks).toEqual([]);
    expect(iso.passed).toBe(true);
    expect(Array.isArray(report.guidance)).toBe(true);
  });

  it('serves health, status and Prometheus metrics', async () => {
    expect(((await (await h.fetch(`/healthz`)).json()) as { status: string }).status).toBe('ok');
    const metrics = await (await h.fetch(`/metrics`)).text();
    for (const name of ['plq_kiosk_tracking_fps', 'plq_kiosk_plq_per_second', 'plq_kiosk_frame_to_plq_ms', 'plq_kiosk_dropped_frames_total', 'plq_kiosk_errors_total']) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/plq_kiosk_captures_total [1-9]/);
  });

  it('retake clears the capture; previews and PLQ maps with frame timestamps keep coming', async () => {
    h.client.emit('retake');
    await waitFor<StateEvent>(h.client, 'state', (s) => s.state !== 'captured', 10_000);
    const p = await waitFor<PlqEvent>(h.client, 'plq', () => true, 30_000);
    const f = await waitFor<FrameEvent>(h.client, 'frame', () => true, 30_000);
    expect(Buffer.from(f.jpeg).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(p.qualityScaled).toBeGreaterThanOrEqual(THRESHOLD);
    // the FR embedding the guidance probes read stays in the server: a template is not for screens
    expect(p).not.toHaveProperty('embedding');
    expect(p.frameTs).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - p.frameTs).toBeLessThan(60_000);
    const meta = await sharp(Buffer.from(p.png)).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([112, 112, 4]);
    // the aligned-to-frame transform lands the crop's centre on the face
    const [a, b, tx, c, d, ty] = p.transform;
    const cx = a * 56 + b * 56 + tx, cy = c * 56 + d * 56 + ty;
    const [bx, by, bw, bh] = unseenFace.box;
    expect(cx).toBeGreaterThan(bx);
    expect(cx).toBeLessThan(bx + bw);
    expect(cy).toBeGreaterThan(by);
    expect(cy).toBeLessThan(by + bh);
  });

  it('a capture can be deleted; ids are validated', async () => {
    const del = await h.fetch(`/api/captures/${capture.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await h.fetch(`/api/captures/${capture.id}`)).status).toBe(404);
    expect((await h.fetch(`/api/captures/..%2F..%2Fetc/report.json`)).status).toBe(400);
  });
});

describe('kiosk server: the unseen face blurred or occluded scores lower, and is not captured', () => {
  /** Runs the kiosk on one still frame until `n` PLQ maps came; Q^ of each, guidance ids seen, whether it captured. */
  async function live(frame: RgbImage, n: number, overrides: Record<string, unknown> = {}) {
    const h = await startHarness({ replayDir: await writeFrames([frame]), overrides });
    const q: number[] = [];
    const guidance = new Set<string>();
    let captured = false;
    h.client.on('capture', () => (captured = true));
    h.client.on('plq', (p: PlqEvent) => q.push(p.qualityScaled));
    h.client.on('guidance', (g: GuidanceEvent) => g.messages.forEach((m) => guidance.add(m.id)));
    try {
      h.operator.emit('reset');
      // n maps, or what came in 45 s (an occluded face is sometimes lost by the tracker for a while)
      await waitFor<PlqEvent>(h.client, 'plq', () => q.length >= n, 45_000).catch(() => undefined);
    } finally {
      await h.close();
    }
    expect(q.length, 'PLQ maps of the still frame').toBeGreaterThanOrEqual(3);
    return { meanQ: q.reduce((a, b) => a + b, 0) / q.length, guidance, captured, maps: q.length };
  }
  let clean: Awaited<ReturnType<typeof live>>;
  beforeAll(async () => {
    clean = await live(unseen, 8, { capture: { threshold: 1 } });
  });

  const copies: Array<[string, () => Promise<RgbImage>]> = [
    ['blurred (sigma 6 px at 640x480)', async () => blurred(unseen, 6)],
    ['with drawn sunglasses', async () => drawOccluder(unseen, unseenFace, 'sunglasses')],
  ];
  for (const [label, make] of copies) {
    it(label, async () => {
      const r = await live(await make(), 12);
      expect(clean.meanQ).toBeGreaterThanOrEqual(THRESHOLD);
      expect(r.meanQ).toBeLessThan(clean.meanQ);
      // Q^ alone may stay above the threshold (blur sigma 2 at the model's scale costs ~0.1 on
      // the validate fold); the sharpness check and the occlusion guidance hold the capture back
      expect(r.captured).toBe(false);
      expect(r.guidance.size).toBeGreaterThan(0);
    });
  }
});

describe('kiosk server: a face that fails its own checks', () => {
  it('is not captured automatically but told what to do; the operator can capture it, and the report says what failed', async () => {
    // default checks: the eyes ~75 px apart (minimum 90) fail InterEyeDistance; Q^ is not what is tested here
    const h = await startHarness({ replayDir: await writeFrames([good]), overrides: { capture: { threshold: 0 } } });
    let captured = false;
    h.client.on('capture', () => (captured = true));
    try {
      h.operator.emit('reset');
      await waitFor<GuidanceEvent>(h.client, 'guidance', (e) => e.messages.some((m) => m.id === 'move-closer'), 45_000);
      // more results than the capture needs (any Q^ passes threshold 0), and still no capture
      let results = 0;
      await waitFor<PlqEvent>(h.client, 'plq', () => ++results >= 6, 60_000);
      expect(captured).toBe(false);
      const manual = waitFor<CaptureEvent>(h.client, 'capture', () => true, 30_000);
      h.operator.emit('operator:capture');
      const c = await manual;
      expect(c.trigger).toBe('manual');
      expect(c.failedChecks).toContain('InterEyeDistance');
      const report = (await (await h.fetch(`/api/captures/${c.id}`)).json()) as { failedChecks: string[]; iso: { passed: boolean } };
      expect(report.failedChecks).toEqual(c.failedChecks);
      expect(report.iso.passed).toBe(false);
    } finally {
      await h.close();
    }
  });

  it('two people side by side: multiple-faces, and no capture', async () => {
    // sample3's third face framed like a booth camera: her neighbour, as tall, is cut by the frame's edge
    const f = (await realFaces()).find((x) => x.photoId === 'face-api/sample3' && x.index === 2)!;
    const h = await startHarness({ replayDir: await writeFrames([await faceFrame(f.photo, f.face.box)]), overrides: { capture: { threshold: 0 } } });
    let captured = false;
    h.client.on('capture', () => (captured = true));
    try {
      h.operator.emit('reset');
      await waitFor<GuidanceEvent>(h.client, 'guidance', (e) => e.messages.some((m) => m.id === 'multiple-faces'), 45_000);
      await new Promise((r) => setTimeout(r, 3000));
      expect(captured).toBe(false);
    } finally {
      await h.close();
    }
  });
});

describe('kiosk server: occluded faces get the matching guidance', () => {
  const cases: Array<[Occluder, string]> = [
    ['left-eye-square', 'uncover-left-eye'],
    ['right-cheek-square', 'uncover-right-cheek'],
    ['sunglasses', 'remove-sunglasses'],
    ['mouth-band', 'uncover-mouth'],
  ];
  for (const [occluder, id] of cases) {
    it(`${occluder} -> ${id}, and no capture`, async () => {
      // This face sits at the yaw limit (10.0 degrees) and the square on its right cheek takes it
      // to 11.1: the cheek is then said right after look-straight, and move-closer ranks first.
      // Three messages shown, so the cheek's comes into view; its order is asserted below.
      const h = await startHarness({ replayDir: await writeFrames([drawOccluder(good, goodFace, occluder)]), overrides: { guidance: { maxShown: 3 } } });
      let captured = false;
      h.client.on('capture', () => (captured = true));
      try {
        // a reset re-sends the current guidance, should it have been shown before this client connected
        h.operator.emit('reset');
        const g = await waitFor<GuidanceEvent>(h.client, 'guidance', (e) => e.messages.some((m) => m.id === id), 45_000);
        const m = g.messages.find((x) => x.id === id)!;
        expect(m.text.length).toBeGreaterThan(5);
        const straight = g.messages.findIndex((x) => x.id === 'look-straight');
        if (straight >= 0 && ONE_SIDE_IDS.has(id)) expect(g.messages.indexOf(m)).toBeGreaterThan(straight);
        expect(g.language).toBe('en');
        h.client.emit('language', 'de');
        const de = await waitFor<GuidanceEvent>(h.client, 'guidance', (e) => e.language === 'de', 10_000);
        expect(de.messages.find((x) => x.id === id)?.text).not.toBe(m.text);
        expect(captured).toBe(false);
      } finally {
        await h.close();
      }
    });
  }
});

describe('kiosk server: faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ replayDir: await writeFrames([good]), overrides: { capture: { threshold: 1 } } });
    await waitFor<PlqEvent>(h.client, 'plq', () => true, 60_000);
  });
  afterAll(async () => h?.close());

  it('POST /api/assess: a real photo in, the engine JSON and map out; bad input gets clear errors', async () => {
    const url = '/api/assess';
    const photo = await readFile(packageFile('@vladmandic/face-api', 'demo/sample1.jpg'));
    const ok = await h.fetch(url, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(photo) });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { faces: Array<{ qualityScaled: number; plqPng: string; regions: object }> };
    expect(body.faces.length).toBe(3);
    expect(Buffer.from(body.faces[0].plqPng, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const post = (b: Buffer, type = 'application/octet-stream') => h.fetch(url, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(b) });
    const empty = await post(Buffer.alloc(0));
    expect(empty.status).toBe(400);
    const text = await post(Buffer.from('not a picture at all'.repeat(10)));
    expect(text.status).toBe(415);
    const bomb = await post(hugePngHeader(), 'image/png');
    expect(bomb.status).toBe(413);
    expect(((await bomb.json()) as { message: string }).message).toMatch(/20000x20000/);
    const tooBig = await post(Buffer.alloc(16 * 1024 * 1024, 1));
    expect(tooBig.status).toBe(413);
    const noFace = await post(await sharp({ create: { width: 300, height: 200, channels: 3, background: '#7a9' } }).png().toBuffer(), 'image/png');
    expect(noFace.status).toBe(422);
    expect(((await noFace.json()) as { error: string }).error).toBe('no-face');
  });

  it('a crashed PLQ worker is restarted and the maps keep coming', async () => {
    const restarted = new Promise<void>((resolve) => h.server.workers.plq.once('restart', () => resolve()));
    void h.server.workers.plq.terminate();
    await restarted;
    const before = h.server.pipeline.metrics.counters.plqTotal;
    await waitFor<PlqEvent>(h.client, 'plq', () => h.server.pipeline.metrics.counters.plqTotal > before, 60_000);
    expect(h.server.pipeline.metrics.counters.workerRestarts).toBeGreaterThanOrEqual(1);
    expect(((await (await h.fetch(`/healthz`)).json()) as { status: string }).status).toBe('ok');
  });

  it('a client flooding events is throttled, the server stays up', async () => {
    const throttled = waitFor<{ message: string }>(h.client, 'error', (e) => /too many/.test(e.message), 10_000);
    for (let i = 0; i < 300; i++) h.client.emit('language', i % 2 ? 'fr' : 'en');
    await throttled;
    expect(h.server.pipeline.metrics.counters.clientThrottled).toBeGreaterThan(0);
    expect((await h.fetch(`/healthz`)).status).toBe(200);
  });
});

describe('kiosk server: a camera that disappears mid-stream', () => {
  it('reports camera-lost, reconnects with back-off and the pipeline goes on', async () => {
    const { OpenCvSource } = await import('../server/kiosk/camera/opencv-source.js');
    // The only double in these tests: a physical camera cannot exist here. It streams the real
    // face frame until the test unplugs it, refuses one reopen, then comes back.
    let opens = 0;
    let unplugged = false;
    const camera = new OpenCvSource({
      target: { kind: 'device-path', path: '/dev/video0' },
      fps: 15,
      reconnect: { minDelayMs: 200, maxDelayMs: 800 },
      logger: { info: () => undefined, warn: () => undefined },
      open: async () => {
        opens++;
        if (opens === 2) throw new Error('no such device');
        let reads = 0;
        return {
          nativeFps: 15,
          read: async () => {
            await new Promise((r) => setTimeout(r, 30));
            if (opens === 1 && unplugged && ++reads > 3) throw new Error('device unplugged');
            return { width: good.width, height: good.height, data: Uint8Array.from(good.data) };
          },
          rewind: async () => false,
          release: () => undefined,
        };
      },
    });
    const h = await startHarness({ camera, overrides: { capture: { threshold: 1 } } });
    try {
      const lost = waitFor<StateEvent>(h.client, 'state', (s) => s.state === 'camera-lost', 30_000);
      unplugged = true;
      await lost;
      const lostAt = h.server.pipeline.metrics.counters.trackedTotal;
      await waitFor<StateEvent>(h.client, 'state', (s) => s.state !== 'camera-lost', 30_000);
      await waitFor<PlqEvent>(h.client, 'plq', () => h.server.pipeline.metrics.counters.trackedTotal > lostAt, 30_000);
      expect(opens).toBeGreaterThanOrEqual(3);
      expect(h.server.pipeline.metrics.counters.cameraLost).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
    }
  });
});

describe('kiosk server: live AD-MAM_H from a stored MAM_H', () => {
  it('emits the deviation map beside the PLQ map, and refuses a MAM_H of another model', async () => {
    const { writeMamFixture } = await import('./helpers/mam-fixture.js');
    const { serialiseMam } = await import('../server/xai/mam-file.js');
    const { writeFile } = await import('node:fs/promises');
    const { file, mam } = await writeMamFixture();
    const h = await startHarness({ replayDir: await writeFrames([good]), overrides: { capture: { threshold: 1 }, xai: { mamFile: file, everyNthPlq: 1 } } });
    try {
      const ad = await waitFor<{ png: ArrayBuffer; mean: number; width: number; transform: number[] }>(h.client, 'admam', () => true, 60_000);
      const meta = await sharp(Buffer.from(ad.png)).metadata();
      expect([meta.width, meta.height, meta.channels]).toEqual([112, 112, 4]);
      expect(ad.mean).toBeGreaterThan(0);
      expect(ad.mean).toBeLessThan(1);
      expect(ad.transform).toHaveLength(6);
    } finally {
      await h.close();
    }
    await writeFile(file, serialiseMam({ ...mam, model: 'faceres' }));
    await expect(startHarness({ replayDir: await writeFrames([good]), overrides: { xai: { mamFile: file, everyNthPlq: 1 } } })).rejects.toThrow(
      /is for model faceres, the kiosk runs mobileface/,
    );
  });
});

async function blurred(img: RgbImage, sigma: number): Promise<RgbImage> {
  const data = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).blur(sigma).raw().toBuffer();
  return { width: img.width, height: img.height, data: new Uint8Array(data) };
}
