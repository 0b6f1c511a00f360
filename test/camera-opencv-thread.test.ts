/**
 * OpenCV I/O off the event loop: an RTSP camera whose server accepts the connection and never
 * answers (a local TCP server) is opened and retried by the real OpenCV binding, on the camera
 * thread. The main event loop's delay is measured (EventLoopLag, sampled every 1 ms) while it happens;
 * the same opens on the main thread (how it was before) are the control.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraStatus } from '../server/kiosk/camera/frame.js';
import { isOpenCvAvailable, loadOpenCv } from '../server/kiosk/camera/opencv-loader.js';
import { OpenCvSource } from '../server/kiosk/camera/opencv-source.js';
import { openOpenCvCapture } from '../server/kiosk/camera/opencv-capture.js';
import { openCvThreadHealth } from '../server/kiosk/camera/opencv-thread.js';
import type { CaptureOpener } from '../server/kiosk/camera/capture-device.js';
import { EventLoopLag } from '../server/kiosk/pipeline/event-loop-lag.js';
import { memoryLogger } from './helpers/camera-photos.js';

const opencvAvailable = isOpenCvAvailable();
// FFmpeg's RTSP socket timeout (µs), read by OpenCV from the process environment at each open:
// 0.5 s instead of the 30 s default, so the test sees several attempts.
process.env.OPENCV_FFMPEG_CAPTURE_OPTIONS = 'timeout;500000';

/** A TCP server that accepts every connection and never says a word. */
async function blackHole(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `rtsp://127.0.0.1:${port}/stream1`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Event-loop delay (p99, max, in ms) and camera statuses while the source runs for `ms`. */
async function runFor(source: OpenCvSource, ms: number): Promise<{ p99: number; max: number; statuses: CameraStatus[] }> {
  const statuses: CameraStatus[] = [];
  const st = source.status().subscribe((s) => statuses.push(s));
  const h = new EventLoopLag(1);
  h.enable();
  const sub = source.frames().subscribe({ error: () => undefined });
  await new Promise((r) => setTimeout(r, ms));
  h.disable();
  sub.unsubscribe();
  st.unsubscribe();
  return { p99: h.percentileMs(99), max: h.maxMs(), statuses };
}

describe.skipIf(!opencvAvailable)('OpenCV camera thread: an unreachable RTSP camera does not hold the event loop', () => {
  let hole: Awaited<ReturnType<typeof blackHole>>;
  beforeAll(async () => {
    hole = await blackHole();
  });
  afterAll(async () => hole?.close());

  it('retries on the camera thread with event-loop lag p99 <= 20 ms', async () => {
    const idle = new EventLoopLag(1);
    idle.enable();
    await new Promise((r) => setTimeout(r, 2000));
    idle.disable();
    const idleP99 = idle.percentileMs(99);
    console.log(`idle baseline on this machine: event-loop lag p99 ${idleP99.toFixed(1)} ms`);
    const source = new OpenCvSource({ target: { kind: 'url', url: hole.url }, reconnect: { minDelayMs: 100, maxDelayMs: 400 }, logger: memoryLogger() });
    const before = hole.connections();
    const { p99, max, statuses } = await runFor(source, 6000);
    const attempts = hole.connections() - before;
    console.log(`camera thread: ${attempts} connection attempts in 6 s, event-loop lag p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(statuses.some((s) => s.state === 'reconnecting' && /cannot open/.test(s.detail ?? ''))).toBe(true);
    expect(statuses.some((s) => s.state === 'streaming')).toBe(false);
    // 20 ms (DESIGN's budget) above what this machine shows with nothing running: a loaded CI
    // machine lifts both, while an open on the main loop puts ~0.5 s on every attempt
    expect(p99).toBeLessThanOrEqual(Math.max(20, idleP99 + 20));
    // p99 alone would not see a few long blocks among thousands of samples; one open on the
    // main loop blocks for the FFmpeg timeout (~0.5-0.6 s here, the control below)
    expect(max).toBeLessThan(300);
    expect(openCvThreadHealth()).toMatchObject({ ok: true, reason: 'running' });
  });

  it('control: the same opens on the main thread hold the event loop for each attempt', async () => {
    const cv = loadOpenCv();
    const open: CaptureOpener = () => openOpenCvCapture({ kind: 'url', url: hole.url }, { cv });
    const source = new OpenCvSource({ target: { kind: 'url', url: hole.url }, reconnect: { minDelayMs: 100, maxDelayMs: 400 }, open, logger: memoryLogger() });
    const { p99, max } = await runFor(source, 3000);
    console.log(`main thread (control): event-loop lag p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    expect(max).toBeGreaterThan(300);
  });
});
