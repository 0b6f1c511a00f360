/**
 * Camera lost and reconnect, with an injected capture device (a physical camera that can be
 * unplugged does not exist here; this double is the only mock in the camera tests).
 */
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../server/detect/face-detector.js';
import { CameraFatalError, type CaptureDevice } from '../server/kiosk/camera/capture-device.js';
import type { CameraStatus } from '../server/kiosk/camera/frame.js';
import { backoffDelay, OpenCvSource } from '../server/kiosk/camera/opencv-source.js';
import { memoryLogger } from './helpers/camera-photos.js';

type Step = 'frame' | 'empty' | 'error' | 'hang';

/** A camera that plays a script of reads per connection; opens fail while `unplugged`. */
class FakeCamera {
  opens = 0;
  failedOpens = 0;
  unpluggedOpens: number;
  released = 0;
  releasedWhileReading = 0;
  private value = 0;
  constructor(
    private readonly scripts: Step[][],
    unpluggedOpens = 0,
    private readonly frameMs = 10,
  ) {
    this.unpluggedOpens = unpluggedOpens;
  }

  open = async (): Promise<CaptureDevice> => {
    if (this.opens > 0 && this.unpluggedOpens > 0) {
      this.unpluggedOpens--;
      this.failedOpens++;
      throw new Error('No such device /dev/video0');
    }
    const script = this.scripts[Math.min(this.opens++, this.scripts.length - 1)];
    let i = 0;
    let reading = false;
    const cam = this;
    return {
      nativeFps: 30,
      async read(): Promise<RgbImage | null> {
        const step = script[Math.min(i++, script.length - 1)];
        reading = true;
        try {
          if (step === 'error') throw new Error('VIDIOC_DQBUF: No such device');
          if (step === 'empty') return null;
          if (step === 'hang') await new Promise((r) => setTimeout(r, 400));
          await new Promise((r) => setTimeout(r, cam.frameMs));
          const v = cam.value++ % 256;
          return { width: 2, height: 1, data: new Uint8Array([v, v, v, v, v, v]) };
        } finally {
          reading = false;
        }
      },
      async rewind() {
        return false;
      },
      release() {
        if (reading) cam.releasedWhileReading++;
        cam.released++;
      },
    };
  };
}

const frames = (n: number): Step[] => Array<Step>(n).fill('frame');

describe('OpenCV source: camera lost and reconnect (injected capture)', () => {
  it('backs off exponentially up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, 100, 1000))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('a read error: lost, reconnecting with doubling delays while unplugged, then streams on', async () => {
    const cam = new FakeCamera([[...frames(5), 'error'], frames(1000)], 3);
    const log = memoryLogger();
    const src = new OpenCvSource({
      target: { kind: 'device-path', path: '/dev/video0' },
      fps: 100, // the fake camera delivers a frame every 10 ms: none is thinned out
      reconnect: { minDelayMs: 20, maxDelayMs: 50 },
      open: cam.open,
      logger: log,
    });
    const statuses: CameraStatus[] = [];
    src.status().subscribe((s) => statuses.push(s));
    const got = await firstValueFrom(src.frames().pipe(take(15), toArray()));

    expect(got.map((f) => f.seq)).toEqual([...Array(15).keys()]);
    expect(got.map((f) => f.image.data[0])).toEqual([...Array(15).keys()]); // no frame lost or repeated
    expect(cam.opens).toBe(2);
    expect(cam.failedOpens).toBe(3);
    expect(statuses).toEqual([
      { state: 'stopped' },
      { state: 'starting' },
      { state: 'streaming' },
      { state: 'lost', detail: 'read error: VIDIOC_DQBUF: No such device' },
      { state: 'reconnecting', detail: 'read error: VIDIOC_DQBUF: No such device', retryInMs: 20 },
      { state: 'reconnecting', detail: 'cannot open: No such device /dev/video0', retryInMs: 40 },
      { state: 'reconnecting', detail: 'cannot open: No such device /dev/video0', retryInMs: 50 },
      { state: 'reconnecting', detail: 'cannot open: No such device /dev/video0', retryInMs: 50 },
      { state: 'streaming' },
      { state: 'stopped' },
    ]);
    expect(cam.released).toBe(2);
    expect(cam.releasedWhileReading).toBe(0);
    expect(log.lines.join('\n')).toMatch(/lost \(read error/);
  });

  it('only empty frames for a while, and a hung read, both count as lost; back-off resets after frames', async () => {
    const cam = new FakeCamera([[...frames(3), 'empty'], [...frames(3), 'hang'], frames(1000)]);
    const src = new OpenCvSource({
      target: { kind: 'index', index: 0 },
      fps: 200,
      emptyTimeoutMs: 60,
      readTimeoutMs: 100,
      reconnect: { minDelayMs: 10, maxDelayMs: 1000 },
      open: cam.open,
      logger: memoryLogger(),
    });
    const statuses: CameraStatus[] = [];
    src.status().subscribe((s) => statuses.push(s));
    const got = await firstValueFrom(src.frames().pipe(take(9), toArray()));
    expect(got.map((f) => f.seq)).toEqual([...Array(9).keys()]);
    const lost = statuses.filter((s) => s.state === 'lost').map((s) => s.detail);
    expect(lost).toHaveLength(2);
    expect(lost[0]).toMatch(/^only empty frames for \d+ ms$/);
    expect(lost[1]).toBe('no frame within 100 ms');
    // each loss came after frames, so each reconnect starts again at the minimum delay
    expect(statuses.filter((s) => s.state === 'reconnecting').map((s) => s.retryInMs)).toEqual([10, 10]);
    await new Promise((r) => setTimeout(r, 500)); // the hung read settles; its device is released then
    expect(cam.released).toBe(3);
    expect(cam.releasedWhileReading).toBe(0);
  });

  it('a camera absent at start keeps retrying; unsubscribing stops and releases', async () => {
    const cam = new FakeCamera([frames(1000)]);
    cam.opens = 1; // make every open go through the unplugged check
    cam.unpluggedOpens = 1_000_000;
    const src = new OpenCvSource({
      target: { kind: 'index', index: 0 },
      reconnect: { minDelayMs: 5, maxDelayMs: 20 },
      open: cam.open,
      logger: memoryLogger(),
    });
    const statuses: CameraStatus[] = [];
    src.status().subscribe((s) => statuses.push(s));
    const sub = src.frames().subscribe();
    await new Promise((r) => setTimeout(r, 150));
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 50));
    const failed = cam.failedOpens;
    expect(failed).toBeGreaterThanOrEqual(3);
    expect(failed).toBeLessThan(40); // backed off, not a busy loop
    expect(statuses[1]).toEqual({ state: 'starting' });
    expect(statuses[2]).toEqual({ state: 'lost', detail: 'cannot open: No such device /dev/video0' });
    expect(statuses.at(-1)).toEqual({ state: 'stopped' });
    await new Promise((r) => setTimeout(r, 60));
    expect(cam.failedOpens).toBe(failed); // nothing retried after unsubscribe
  });

  it('thins a camera faster than the configured fps', async () => {
    const cam = new FakeCamera([frames(1000)], 0, 1);
    const src = new OpenCvSource({ target: { kind: 'index', index: 0 }, fps: 25, open: cam.open, logger: memoryLogger() });
    const got = await firstValueFrom(src.frames().pipe(take(6), toArray()));
    const values = got.map((f) => f.image.data[0]);
    // Stated so that a busy machine cannot break it: after a late frame the source may catch
    // up (the next one may come a quarter period after its due time), but it never runs ahead
    // of 25 fps: five intervals span at least 1/2 + 4 - 1/4 periods (170 ms), no interval is
    // under a quarter period (10 ms), and what was read in between was dropped, not queued.
    for (let k = 1; k < got.length; k++) {
      expect(got[k].ts - got[k - 1].ts).toBeGreaterThanOrEqual(9);
      expect(values[k]).toBeGreaterThan(values[k - 1]);
    }
    expect(got[5].ts - got[0].ts).toBeGreaterThanOrEqual(169);
    expect(values[5] - values[0]).toBeGreaterThan(5 + 5); // more than 5 frames dropped in the 5 gaps
    expect(got.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('unsubscribing while streaming releases the device once, never mid-read', async () => {
    const cam = new FakeCamera([frames(1000)]);
    const src = new OpenCvSource({ target: { kind: 'index', index: 0 }, fps: 100, open: cam.open, logger: memoryLogger() });
    await firstValueFrom(src.frames().pipe(take(3), toArray()));
    await new Promise((r) => setTimeout(r, 50));
    expect(cam.released).toBe(1);
    expect(cam.releasedWhileReading).toBe(0);
  });

  it('a fatal open error (missing file, missing OpenCV) errors the stream without retrying', async () => {
    let opens = 0;
    const src = new OpenCvSource({
      target: { kind: 'file', path: '/nonexistent.avi' },
      open: async () => {
        opens++;
        throw new CameraFatalError('video file not found: /nonexistent.avi');
      },
      logger: memoryLogger(),
    });
    await expect(firstValueFrom(src.frames())).rejects.toThrow('video file not found: /nonexistent.avi');
    expect(opens).toBe(1);
  });
});
