/**
 * The OpenCV source over a REAL video: written here with OpenCV's VideoWriter (MJPG in AVI)
 * from the real face photos, read back through VideoCapture. Skipped only where
 * @u4/opencv4nodejs does not load (CI installs it).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../server/detect/face-detector.js';
import { createCameraSource } from '../server/kiosk/camera/camera-spec.js';
import type { CameraStatus } from '../server/kiosk/camera/frame.js';
import { isOpenCvAvailable, loadOpenCv } from '../server/kiosk/camera/opencv-loader.js';
import { OpenCvSource } from '../server/kiosk/camera/opencv-source.js';
import { createReplaySource } from '../server/kiosk/camera/replay-source.js';
import { memoryLogger, SAMPLE_PHOTOS, tempDir } from './helpers/camera-photos.js';

const opencvAvailable = isOpenCvAvailable();
const W = 640;
const H = 480;
const REPEAT = 3; // frames per photo
const FRAMES = SAMPLE_PHOTOS.length * REPEAT;

function meanRgb(img: RgbImage): [number, number, number] {
  const s = [0, 0, 0];
  for (let i = 0; i < img.data.length; i += 3) for (let c = 0; c < 3; c++) s[c] += img.data[i + c];
  const n = img.data.length / 3;
  return [s[0] / n, s[1] / n, s[2] / n];
}

describe.skipIf(!opencvAvailable)('OpenCV source over a real video file', () => {
  let video: string;
  const means: [number, number, number][] = [];

  beforeAll(async () => {
    const cv = loadOpenCv();
    video = path.join(await tempDir('video'), 'faces.avi');
    const writer = new cv.VideoWriter(video, cv.VideoWriter.fourcc('MJPG'), 30, new cv.Size(W, H), true);
    for (const file of SAMPLE_PHOTOS) {
      const { data } = await sharp(await readFile(file))
        .resize(W, H, { fit: 'cover' })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      means.push(meanRgb({ width: W, height: H, data: new Uint8Array(data) }));
      const rgb = new cv.Mat(data, H, W, cv.CV_8UC3);
      const bgr = rgb.cvtColor(cv.COLOR_RGB2BGR);
      for (let k = 0; k < REPEAT; k++) writer.write(bgr);
      rgb.release();
      bgr.release();
    }
    writer.release();
  });

  const expectPhoto = (img: RgbImage, k: number): void => {
    const want = means[Math.floor((k % FRAMES) / REPEAT)];
    const got = meanRgb(img);
    for (let c = 0; c < 3; c++) expect(Math.abs(got[c] - want[c]), `frame ${k} channel ${c}`).toBeLessThan(8);
  };

  it('the binding does not report Mat memory to V8 (a Mat freed by the GC would otherwise start a collection inside one and hang)', () => {
    const cv = loadOpenCv();
    expect(cv.isCustomMatAllocatorEnabled, 'this build of the binding has no such allocator').toBeTypeOf('function');
    expect(cv.isCustomMatAllocatorEnabled!()).toBe(false);
  });

  it('reads the frames back as RGB (not BGR), downscaled, looping at the end of the file', async () => {
    // sample5 is warm (mean R - B > 40): a BGR/RGB swap would fail the colour check
    expect(means[4][0] - means[4][2]).toBeGreaterThan(40);
    const src = new OpenCvSource({ target: { kind: 'file', path: video }, fps: 120, maxWidth: 320, logger: memoryLogger() });
    const statuses: CameraStatus[] = [];
    src.status().subscribe((s) => statuses.push(s));
    const frames = await firstValueFrom(src.frames().pipe(take(2 * FRAMES + 4), toArray()));
    expect(frames.map((f) => f.seq)).toEqual([...Array(2 * FRAMES + 4).keys()]);
    for (const [k, f] of frames.entries()) {
      expect([f.image.width, f.image.height]).toEqual([320, 240]);
      expect(f.image.data.length).toBe(320 * 240 * 3);
      expect(f.image.data.byteOffset).toBe(0);
      expect(f.image.data.buffer.byteLength).toBe(320 * 240 * 3); // owns its buffer
      expectPhoto(f.image, k);
    }
    expect(statuses.map((s) => s.state)).toEqual(['stopped', 'starting', 'streaming', 'stopped']);
  });

  it('paces a file at the configured fps', async () => {
    const src = new OpenCvSource({ target: { kind: 'file', path: video }, fps: 30, logger: memoryLogger() });
    const t0 = performance.now();
    const frames = await firstValueFrom(src.frames().pipe(take(16), toArray()));
    const elapsed = performance.now() - t0;
    expect(frames[0].image.width).toBe(W); // no maxWidth: full size
    expect(elapsed).toBeGreaterThan(15 * (1000 / 30) * 0.85);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('without loop, completes at the end of the file', async () => {
    const src = new OpenCvSource({ target: { kind: 'file', path: video }, fps: 200, loop: false, logger: memoryLogger() });
    const frames = await firstValueFrom(src.frames().pipe(toArray()));
    expect(frames).toHaveLength(FRAMES);
  });

  it('works through the specs: opencv:FILE and replay:VIDEO (640 wide by default)', async () => {
    const a = createCameraSource(`opencv:${video}`, { fps: 100, maxWidth: 200, logger: memoryLogger() });
    const fa = await firstValueFrom(a.frames().pipe(take(4), toArray()));
    expect(fa.map((f) => f.image.width)).toEqual([200, 200, 200, 200]);
    fa.forEach((f, k) => expectPhoto(f.image, k));
    const r = createReplaySource(video, { fps: 100, logger: memoryLogger() });
    const fr = await firstValueFrom(r.frames().pipe(take(REPEAT + 1), toArray()));
    expect(fr.map((f) => [f.image.width, f.image.height])).toEqual(Array(REPEAT + 1).fill([640, 480]));
    expectPhoto(fr[REPEAT].image, REPEAT);
  });

  it('a missing video file is a clear error, not a reconnect loop', async () => {
    const src = createCameraSource('opencv:/nonexistent/faces.avi', { logger: memoryLogger() });
    await expect(firstValueFrom(src.frames())).rejects.toThrow('video file not found: /nonexistent/faces.avi');
  });

  it('a device that does not exist is lost and retried, not fatal', async () => {
    const src = createCameraSource('opencv:/dev/video97', { reconnect: { minDelayMs: 20, maxDelayMs: 40 }, logger: memoryLogger() });
    const statuses: CameraStatus[] = [];
    src.status().subscribe((s) => statuses.push(s));
    const sub = src.frames().subscribe({ error: (e: unknown) => statuses.push({ state: 'stopped', detail: String(e) }) });
    // waited for rather than counted in a fixed time: each open goes through the camera thread
    await expect.poll(() => statuses.filter((s) => s.state === 'reconnecting').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    sub.unsubscribe();
    expect(statuses[2]).toMatchObject({ state: 'lost', detail: expect.stringMatching(/^cannot open: cannot open camera \/dev\/video97/) });
    expect(statuses.some((s) => s.state === 'stopped' && s.detail !== undefined)).toBe(false); // never fatal
  });
});
