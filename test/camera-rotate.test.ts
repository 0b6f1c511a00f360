/**
 * A camera mounted on its side (`camera.rotate`): the rotation itself, the source that turns every
 * frame, the config key, and the kiosk end to end with a real unseen face whose frames arrive
 * sideways, as from a landscape camera turned for a portrait booth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import sharp from 'sharp';
import { firstValueFrom, take, toArray } from 'rxjs';
import { rotateRgb, QUARTER_TURNS, type QuarterTurn } from '../server/image/rotate-rgb.js';
import { rotatedSource } from '../server/kiosk/camera/rotated-source.js';
import { ImageReplaySource } from '../server/kiosk/camera/replay-source.js';
import { cropRgb } from '../server/image/rgb-crop.js';
import { portraitFrame } from '../server/kiosk/camera/face-frame.js';
import { ConfigError, loadConfig } from '../server/kiosk/config/load-config.js';
import type { RgbImage } from '../server/detect/face-detector.js';
import type { CaptureEvent, FrameEvent } from '../server/kiosk/pipeline/kiosk-events.js';
import { initBackend } from '../server/tf/backend.js';
import { detector } from './helpers/real-faces.js';
import { unseenPortrait } from './helpers/unseen-faces.js';
import { photoFolder, tempDir } from './helpers/camera-photos.js';
import { startHarness, waitFor, type Harness } from './helpers/kiosk-harness.js';

const px = (img: RgbImage, x: number, y: number): number[] => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
const image = fc
  .record({ width: fc.integer({ min: 1, max: 9 }), height: fc.integer({ min: 1, max: 9 }) })
  .chain(({ width, height }) => fc.uint8Array({ minLength: width * height * 3, maxLength: width * height * 3 }).map((data) => ({ width, height, data })));
const turn = fc.constantFrom(...QUARTER_TURNS);

describe('rotateRgb', () => {
  it('turns clockwise: a row of three pixels becomes a column, its left end on top', () => {
    const row: RgbImage = { width: 3, height: 1, data: Uint8Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3]) };
    const cw = rotateRgb(row, 90);
    expect([cw.width, cw.height]).toEqual([1, 3]);
    expect([px(cw, 0, 0), px(cw, 0, 2)]).toEqual([[1, 1, 1], [3, 3, 3]]);
    const ccw = rotateRgb(row, 270);
    expect([px(ccw, 0, 0), px(ccw, 0, 2)]).toEqual([[3, 3, 3], [1, 1, 1]]);
    const half = rotateRgb(row, 180);
    expect([half.width, half.height, px(half, 0, 0)[0], px(half, 2, 0)[0]]).toEqual([3, 1, 3, 1]);
    expect(rotateRgb(row, 0)).toBe(row);
  });

  it('any two turns make their sum, four quarter turns give the image back, pixels are only moved', () => {
    fc.assert(
      fc.property(image, turn, turn, (img, a, b) => {
        const ab = rotateRgb(rotateRgb(img, a), b);
        const sum = rotateRgb(img, ((a + b) % 360) as QuarterTurn);
        expect([ab.width, ab.height]).toEqual([sum.width, sum.height]);
        expect(Buffer.from(ab.data).equals(Buffer.from(sum.data))).toBe(true);
        expect([...rotateRgb(img, a).data].sort()).toEqual([...img.data].sort());
      }),
    );
  });
});

describe('a camera mounted on its side', () => {
  it('every frame of the source comes turned; its status passes through', async () => {
    const dir = await photoFolder('rotate');
    const plain = new ImageReplaySource(dir, { fps: 30 });
    const inner = new ImageReplaySource(dir, { fps: 30 });
    const turned = rotatedSource(inner, 270);
    const states: string[] = [];
    const watching = turned.status().subscribe((st) => states.push(st.state));
    const [a, b] = await Promise.all([firstValueFrom(plain.frames().pipe(take(2), toArray())), firstValueFrom(turned.frames().pipe(take(2), toArray()))]);
    watching.unsubscribe();
    expect(turned.description).toBe(`${inner.description}, turned 270° clockwise`);
    for (const k of [0, 1]) {
      expect([b[k].image.width, b[k].image.height]).toEqual([a[k].image.height, a[k].image.width]);
      expect(Buffer.from(b[k].image.data).equals(Buffer.from(rotateRgb(a[k].image, 270).data))).toBe(true);
    }
    expect(states).toContain('streaming');
  });

  it('camera.rotate takes quarter turns only', async () => {
    const ok = await loadConfig({ env: {}, overrides: { camera: { rotate: 90 } } });
    expect(ok.camera.rotate).toBe(90);
    expect((await loadConfig({ env: {} })).camera.rotate).toBe(0);
    await expect(loadConfig({ env: {}, overrides: { camera: { rotate: 45 } } })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ env: { PLQ_KIOSK__camera__rotate: '270' } })).resolves.toMatchObject({ camera: { rotate: 270 } });
  });
});

describe('kiosk end to end: an unseen face from a camera turned on its side (camera.rotate 90)', () => {
  let h: Harness;
  let capture: CaptureEvent;
  let frame: FrameEvent;

  beforeAll(async () => {
    await initBackend();
    // an upright portrait frame (360 x 480) of a person no fit and no threshold saw, as the
    // booth should see it; the camera delivers it turned a quarter anticlockwise (480 x 360)
    const photo = await unseenPortrait();
    const [face] = await (await detector()).detect(photo);
    const upright = cropRgb(portraitFrame(photo, face), { x: 140, y: 0, width: 360, height: 480 });
    const sideways = rotateRgb(upright, 270);
    const dir = await tempDir('rotate-kiosk');
    await sharp(Buffer.from(sideways.data), { raw: { width: sideways.width, height: sideways.height, channels: 3 } }).png().toFile(path.join(dir, 'sideways.png'));
    h = await startHarness({ replayDir: dir, overrides: { camera: { rotate: 90 } } });
    frame = await waitFor<FrameEvent>(h.client, 'frame', (f) => f.faces.length > 0, 60_000);
    capture = await waitFor<CaptureEvent>(h.client, 'capture', () => true, 90_000);
  }, 150_000);
  afterAll(async () => h?.close());

  it('tracks the face upright in portrait frames and captures it by itself, level', async () => {
    expect(frame.height).toBeGreaterThan(frame.width);
    expect(frame.width / frame.height).toBeCloseTo(360 / 480, 2);
    expect(capture.trigger).toBe('auto');
    const report = (await (await h.fetch(`/api/captures/${capture.id}`)).json()) as { failedChecks: string[]; frame: { width: number; height: number }; measurements: { roll: number } };
    expect(report.failedChecks).toEqual([]);
    expect([report.frame.width, report.frame.height]).toEqual([360, 480]);
    expect(Math.abs(report.measurements.roll)).toBeLessThan(8);
    const portrait = await sharp(Buffer.from(await (await h.fetch(capture.portraitUrl)).arrayBuffer())).metadata();
    expect(portrait.width! / portrait.height!).toBeCloseTo(35 / 45, 2);
  });
});
