/**
 * The health checks on their own: PLQ freshness (an empty booth is ready, a face without maps is
 * not), the capture store (really written, free space really read), a stalled event loop, and
 * the watchdog's notifications, received by a real AF_UNIX datagram socket (Python's, since Node
 * has none) from the real systemd-notify.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import { KioskHealth, type HealthReport } from '../server/kiosk/health/kiosk-health.js';
import { CaptureStore } from '../server/kiosk/capture/capture-store.js';
import { StoreHealthTracker, type StoreHealth } from '../server/kiosk/capture/store-health.js';
import { systemdNotifier } from '../server/kiosk/health/sd-notify.js';
import { Watchdog, watchdogPeriodMs } from '../server/kiosk/health/watchdog.js';
import { KioskMetrics } from '../server/kiosk/pipeline/kiosk-metrics.js';

const tmp = (): Promise<string> => mkdtemp(path.join(os.tmpdir(), 'plq-health-'));

const writableStore = (): StoreHealth => new StoreHealthTracker(100 * 1048576, 20).current;

function healthOf(metrics: KioskMetrics, health: Partial<typeof DEFAULT_CONFIG.health> = {}, store: () => StoreHealth = writableStore): KioskHealth {
  return new KioskHealth({ config: { health: { ...DEFAULT_CONFIG.health, ...health } }, metrics, workers: [], store });
}

const check = (r: HealthReport, name: string) => r.checks.find((c) => c.name === name)!;

describe('readiness: PLQ freshness', () => {
  it('an empty booth is ready; a face is owed a map within maxPlqAgeMs, counted from when it appeared or the last map', async () => {
    const m = new KioskMetrics();
    const health = healthOf(m, { maxPlqAgeMs: 3000 });
    const t = 1_000_000;
    m.cameraState = 'streaming';
    m.framesIn.mark(t);
    expect(check(health.readiness(t), 'plq')).toEqual({ name: 'plq', ok: true, reason: 'no face to assess' });
    // a face appears at t; frames keep coming with it
    for (let k = 0; k <= 2500; k += 100) m.plqDemand.mark(t + k);
    expect(check(health.readiness(t + 2500), 'plq').ok).toBe(true);
    for (let k = 2600; k <= 4000; k += 100) m.plqDemand.mark(t + k);
    const stale = check(health.readiness(t + 4000), 'plq');
    expect(stale.ok).toBe(false);
    expect(stale.reason).toMatch(/no PLQ map came for 4000 ms/);
    m.plq.mark(t + 4000);
    expect(check(health.readiness(t + 4000), 'plq')).toMatchObject({ ok: true, reason: 'last map 0 ms ago' });
    // the person leaves: nothing is owed any more, however old the last map is
    expect(check(health.readiness(t + 60_000), 'plq').ok).toBe(true);
    m.close();
  });

  it('the camera must be streaming and sending frames', async () => {
    const m = new KioskMetrics();
    const health = healthOf(m);
    const now = Date.now();
    m.cameraState = 'reconnecting';
    expect(check(health.readiness(now), 'camera')).toEqual({ name: 'camera', ok: false, reason: 'camera reconnecting' });
    m.cameraState = 'streaming';
    m.framesIn.mark(now - 6000);
    expect(check(health.readiness(now), 'camera')).toEqual({ name: 'camera', ok: false, reason: 'no frame for 6000 ms' });
    m.framesIn.mark(now);
    const r = health.readiness(now);
    expect(check(r, 'camera').ok).toBe(true);
    expect(r.status).toBe('ok');
    m.close();
  });
});

describe('readiness: capture store (as the store itself reports it)', () => {
  it('a real store in a temporary folder: writable, with the free space it read', async () => {
    const store = await CaptureStore.open({ dir: await tmp(), retentionMs: 3600_000, minFreeBytes: 1048576, sweepIntervalMs: 0 });
    const m = new KioskMetrics();
    const c = check(healthOf(m, {}, () => store.storeHealth()).readiness(), 'capture-store');
    await store.close();
    m.close();
    expect(c.ok).toBe(true);
    expect(c.reason).toMatch(/^writable, \d+ MB free$/);
  });

  it('low space and failed writes: not ready, with the reason', () => {
    const tracker = new StoreHealthTracker(200 * 1048576, 20);
    const m = new KioskMetrics();
    const health = healthOf(m, {}, () => tracker.current);
    tracker.update({ freeBytes: 50 * 1048576 });
    expect(check(health.readiness(), 'capture-store')).toEqual({ name: 'capture-store', ok: false, reason: '50 MB free, below the minimum 200 MB' });
    tracker.update({ freeBytes: 500 * 1048576, lastError: 'EIO', pending: 2 });
    const r = health.readiness();
    expect(r.status).toBe('fail');
    expect(check(r, 'capture-store')).toEqual({ name: 'capture-store', ok: false, reason: 'not writable (EIO), 2 captures waiting in memory' });
    tracker.update({ lastError: null, pending: 0 });
    expect(check(health.readiness(), 'capture-store')).toMatchObject({ ok: true, reason: 'writable, 500 MB free' });
    m.close();
  });
});

describe('liveness: event loop', () => {
  it('a loop held up longer than maxEventLoopStallMs fails liveness', async () => {
    const m = new KioskMetrics();
    const health = healthOf(m, { maxEventLoopStallMs: 300 });
    health.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(health.liveness().status).toBe('ok');
    const end = performance.now() + 600;
    while (performance.now() < end) {
      /* the loop is stuck */
    }
    await new Promise((r) => setTimeout(r, 150));
    const r = health.liveness();
    health.stop();
    m.close();
    expect(r.status).toBe('fail');
    expect(check(r, 'event-loop').reason).toMatch(/event loop held up (5|6|7)\d\d ms \(limit 300 ms\)/);
  });
});

const python = spawnSync('python3', ['--version']).status === 0;
const systemdNotify = spawnSync('systemd-notify', ['--version']).status === 0;

/** A real notification socket: Python binds an AF_UNIX datagram socket and prints each message. */
async function notifySocket(): Promise<{ path: string; messages: string[]; close(): void }> {
  const dir = await tmp();
  const sock = path.join(dir, 'notify.sock');
  const script = 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("up",flush=True)\nwhile True:\n  print(s.recv(4096).decode().replace("\\n","|"),flush=True)\n';
  const child: ChildProcess = spawn('python3', ['-c', script, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: string[] = [];
  await new Promise<void>((resolve) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) l === 'up' ? resolve() : messages.push(l);
    });
  });
  return { path: sock, messages, close: () => child.kill() };
}

describe.skipIf(!python || !systemdNotify)('sd_notify and the watchdog (real systemd-notify, real datagram socket)', () => {
  let sock: Awaited<ReturnType<typeof notifySocket>>;
  beforeAll(async () => {
    sock = await notifySocket();
  });
  afterAll(() => sock?.close());

  it('no NOTIFY_SOCKET: a no-op, and no watchdog', async () => {
    const n = systemdNotifier({ PATH: process.env.PATH });
    expect(n.enabled).toBe(false);
    expect(await n.notify(['READY=1'])).toBe(false);
    expect(watchdogPeriodMs({ WATCHDOG_USEC: '2000000' })).toBeUndefined();
    expect(watchdogPeriodMs({ NOTIFY_SOCKET: '/x', WATCHDOG_USEC: '2000000', WATCHDOG_PID: String(process.pid + 1) })).toBeUndefined();
  });

  it('pings WATCHDOG=1 four times per WatchdogSec while alive, and withholds them while not', async () => {
    sock.messages.length = 0;
    const env = { PATH: process.env.PATH, NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '800000', WATCHDOG_PID: String(process.pid) };
    let alive = true;
    const report = (): HealthReport =>
      alive ? { status: 'ok', checks: [{ name: 'event-loop', ok: true }] } : { status: 'fail', checks: [{ name: 'worker:plq', ok: false, reason: 'down for 61 s' }] };
    const wd = new Watchdog({ notifier: systemdNotifier(env), liveness: report, env });
    expect(watchdogPeriodMs(env)).toBe(200);
    expect(wd.start()).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    alive = false;
    await new Promise((r) => setTimeout(r, 600)); // the ping in flight lands (a spawned systemd-notify; slow on a busy machine)
    const whileAlive = sock.messages.filter((m) => m.includes('WATCHDOG=1')).length;
    sock.messages.length = 0;
    await new Promise((r) => setTimeout(r, 1000));
    wd.stop();
    await new Promise((r) => setTimeout(r, 200));
    console.log(`watchdog: ${whileAlive} pings in 1 s while alive; then ${sock.messages.length} messages: ${sock.messages.slice(0, 2).join(' / ')}`);
    expect(whileAlive).toBeGreaterThanOrEqual(4);
    expect(sock.messages.some((m) => m.includes('WATCHDOG=1'))).toBe(false);
    expect(sock.messages.some((m) => m.includes('STATUS=unhealthy: worker:plq: down for 61 s'))).toBe(true);
    expect(wd.withheld).toBeGreaterThanOrEqual(4);
  });
});
