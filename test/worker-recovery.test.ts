/**
 * Self-healing workers on the live pipeline: a real kiosk server (real tracker and PLQ workers,
 * real models) replays a real face frame; each worker is killed (Worker.terminate, as SIGKILL),
 * crashed, hung and poisoned (its init fails after the restart), and the time from the fault to
 * the next PLQ map of a frame taken after the fault is measured and printed. /readyz names the
 * worker while it is out; /healthz fails only when a worker stays down beyond maxWorkerDownMs.
 */
import { copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoFrames, DEMO_DIR } from '../server/kiosk/camera/demo-frames.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import type { WorkerClient } from '../server/kiosk/workers/worker-client.js';
import { clearInitFailures } from '../server/kiosk/workers/worker-faults.js';
import type { PlqEvent } from '../server/kiosk/pipeline/kiosk-events.js';
import { startHarness, waitFor, type Harness } from './helpers/kiosk-harness.js';
import { detector } from './helpers/real-faces.js';

// test-only worker faults (the workers read this when they start)
process.env.PLQ_FAULT_INJECTION = 'workers';

interface Health {
  status: string;
  failing: string[];
  checks: Array<{ name: string; ok: boolean; reason?: string }>;
}

const MAX_WORKER_DOWN_MS = 4000;
let h: Harness;
const figures: string[] = [];

async function get(route: string): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${h.server.url}${route}`);
  return { code: res.status, body: (await res.json()) as Health };
}

/** Polls `route` until `pred` holds; returns the body then. */
async function until(route: string, pred: (r: { code: number; body: Health }) => boolean, timeoutMs = 20_000): Promise<{ code: number; body: Health }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await get(route);
    if (pred(r)) return r;
    if (Date.now() > end) throw new Error(`${route} never matched; last: ${r.code} ${JSON.stringify(r.body.checks.filter((c) => !c.ok))}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

const nextMap = (afterTs: number, timeoutMs = 60_000): Promise<PlqEvent> => waitFor<PlqEvent>(h.client, 'plq', (e) => e.frameTs > afterTs, timeoutMs);

async function standbyReady(worker: WorkerClient, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (worker.health().standby === 'starting') {
    if (Date.now() > end) throw new Error(`${worker.name}: no standby worker after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** ms from the fault to the next PLQ map of a frame taken after it; the worker must have restarted. */
async function recovery(worker: WorkerClient, label: string, fault: () => void, timeoutMs: number, duringOutage?: () => Promise<void>): Promise<number> {
  await standbyReady(worker); // as configured: a standby is there (it is after a few seconds)
  await nextMap(Date.now()); // maps are flowing
  const restartsBefore = worker.restartCount;
  const restarted = new Promise<void>((resolve) => worker.once('restart', () => resolve()));
  const faultAt = Date.now();
  const t0 = performance.now();
  fault();
  const map = nextMap(faultAt, timeoutMs);
  // watched from the fault on: a standby worker can make the outage end within one heartbeat
  // of the restart, too soon for a look that starts after it
  await Promise.all([restarted, duringOutage?.()]);
  await map;
  const ms = performance.now() - t0;
  expect(worker.restartCount).toBeGreaterThan(restartsBefore);
  figures.push(`${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  (restarts ${restartsBefore} -> ${worker.restartCount})`);
  console.log(`recovery: ${label}: ${ms.toFixed(0)} ms from the fault to the next PLQ map`);
  return ms;
}

beforeAll(async () => {
  const demo = await ensureDemoFrames(() => detector(), DEMO_DIR);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-recovery-'));
  await copyFile(path.join(demo, 'demo-00.jpg'), path.join(dir, 'demo-00.jpg'));
  h = await startHarness({
    replayDir: dir,
    overrides: {
      // the kiosk's defaults (standby workers on), faster back-off and heartbeat for the test
      workers: { tracker: { standby: DEFAULT_CONFIG.workers.tracker.standby }, plq: { standby: DEFAULT_CONFIG.workers.plq.standby }, restartMaxDelayMs: 1000 },
      health: { heartbeatIntervalMs: 300, heartbeatTimeoutMs: 500, maxWorkerDownMs: MAX_WORKER_DOWN_MS },
    },
  });
  await waitFor<PlqEvent>(h.client, 'plq', () => true, 120_000);
});

afterAll(async () => {
  clearInitFailures('plq');
  clearInitFailures('tracker');
  console.log(`main process RSS with tracker, PLQ and their standby workers: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
  await h?.close();
  if (figures.length) console.log(`recovery times (fault -> next PLQ map of a later frame):\n${figures.join('\n')}`);
});

describe('live pipeline: healthy', () => {
  it('/healthz and /readyz pass and list every check', async () => {
    const live = await until('/healthz', (r) => r.code === 200);
    expect(live.body.checks.map((c) => c.name)).toEqual(['event-loop', 'worker:tracker', 'worker:plq', 'camera-thread']);
    const ready = await until('/readyz', (r) => r.code === 200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.checks.map((c) => c.name)).toEqual(['camera', 'worker:tracker', 'worker:plq', 'plq', 'capture-store']);
    expect(ready.body.checks.find((c) => c.name === 'plq')?.reason).toMatch(/last map \d+ ms ago/);
  });
});

describe.each(['plq', 'tracker'] as const)('live pipeline: the %s worker', (which) => {
  const worker = (): WorkerClient => h.server.workers[which];

  it('killed (terminate, as SIGKILL): replaced, maps again within 2 s', async () => {
    const ms = await recovery(worker(), `${which} killed`, () => void worker().terminate(), 30_000);
    expect(ms).toBeLessThan(4000); // the target is 2 s (the figure is printed); the bound allows for a loaded machine
  });

  it('crashed (exits by itself): replaced, maps again within 2 s', async () => {
    const ms = await recovery(worker(), `${which} crashed`, () => worker().injectFault({ kind: 'crash' }), 30_000);
    expect(ms).toBeLessThan(4000);
  });

  it('hung: its call times out, it is terminated and restarted; /readyz names it meanwhile', async () => {
    const timeout = DEFAULT_CONFIG.workers[which].callTimeoutMs;
    const ms = await recovery(worker(), `${which} hung (call timeout ${timeout} ms)`, () => worker().injectFault({ kind: 'hang' }), 60_000, async () => {
      // the hung worker misses its heartbeat before its call times out: it is named
      const r = await until('/readyz', (x) => x.code === 503 && x.body.failing.includes(`worker:${which}`));
      expect(r.body.status).toBe('fail');
    });
    expect(ms).toBeLessThan(timeout + 5000);
    await until('/readyz', (r) => r.code === 200);
  });

  it('poisoned (its next inits fail twice): the standby takes over, the failed inits are retried with back-off until one works', async () => {
    const before = worker().health();
    const ms = await recovery(worker(), `${which} poisoned (2 failed inits)`, () => worker().injectFault({ kind: 'poison', initFailures: 2 }), 60_000);
    expect(ms).toBeLessThan(5000);
    await standbyReady(worker());
    const after = worker().health();
    expect(after.initFailures - before.initFailures).toBe(2);
    expect(after.state).toBe('ready');
    await expect(worker().start()).resolves.toBeUndefined(); // ready is not left rejected
  });
});

describe('live pipeline: a worker that cannot come back', () => {
  it('/healthz fails (watchdog stops) once the PLQ worker has been down beyond maxWorkerDownMs, and passes again when it recovers', async () => {
    const plq = h.server.workers.plq;
    await standbyReady(plq);
    await nextMap(Date.now());
    // every init fails from now on: the crash is taken over by the standby, whose replacement
    // cannot start; the second crash leaves the worker down, its init retried with back-off
    const failuresBefore = plq.health().initFailures;
    const switched = new Promise<void>((resolve) => plq.once('restart', () => resolve()));
    plq.injectFault({ kind: 'poison', initFailures: 1000 });
    await switched;
    plq.injectFault({ kind: 'crash' });
    const dead = await until('/healthz', (r) => r.code === 503, MAX_WORKER_DOWN_MS + 15_000);
    expect(dead.body.failing).toEqual(['worker:plq']);
    expect(dead.body.checks.find((c) => c.name === 'worker:plq')?.reason).toMatch(/down for \d+ s \(plq (standby )?worker (init failed: injected init failure|exited with code 3)/);
    const notReady = await get('/readyz');
    expect(notReady.code).toBe(503);
    expect(notReady.body.failing).toContain('worker:plq');
    const failures = plq.health().initFailures - failuresBefore;
    clearInitFailures('plq');
    const t0 = performance.now();
    await until('/healthz', (r) => r.code === 200, 20_000);
    await nextMap(Date.now(), 30_000);
    const ms = performance.now() - t0;
    figures.push(`${'plq restarted without standby'.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  (from the end of the poison; ${failures} failed inits before)`);
    expect(failures).toBeGreaterThanOrEqual(1);
    await until('/readyz', (r) => r.code === 200);
  });
});
