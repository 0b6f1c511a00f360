/**
 * WorkerClient on its own, with the real PLQ worker thread (real model): a first start that
 * fails is reported and can be tried again; a call waiting through a restart is told when the
 * client closes; a hung worker's call times out and the worker is replaced.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import { plqWorker } from '../server/kiosk/workers/kiosk-workers.js';
import { WorkerClient, WorkerCrashedError, WorkerTimeoutError } from '../server/kiosk/workers/worker-client.js';

process.env.PLQ_FAULT_INJECTION = 'workers';

const entry = new URL('../server/kiosk/workers/plq-worker.ts', import.meta.url);

describe('WorkerClient with the real PLQ worker', () => {
  it('a first start whose init fails rejects with the reason, and start() tries again (never a stale rejection)', async () => {
    const w = new WorkerClient({ name: 'plq', entry, init: { backend: 'wasm', model: 'no-such-model', mamFile: null } });
    await expect(w.start()).rejects.toThrow(/no-such-model/);
    await expect(w.start()).rejects.toThrow(/no-such-model/);
    expect(w.health()).toMatchObject({ state: 'starting', initFailures: 2 });
    await w.close();
  });

  it('a hung call times out, the worker is terminated and a new one answers; a call waiting through a restart is rejected on close', async () => {
    const config = { ...DEFAULT_CONFIG, engine: { ...DEFAULT_CONFIG.engine, backend: 'wasm' as const } };
    const w = plqWorker({ ...config, workers: { ...config.workers, plq: { ...config.workers.plq, callTimeoutMs: 300, firstCallTimeoutMs: 300, standby: false }, restartMinDelayMs: 50 } });
    await w.start();
    expect(await w.call('stats', null)).toMatchObject({ numTensors: expect.any(Number) });
    w.injectFault({ kind: 'hang' });
    const t0 = performance.now();
    await expect(w.call('stats', null)).rejects.toBeInstanceOf(WorkerTimeoutError);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(w.health().state).toBe('restarting');
    expect(await w.call('stats', null)).toMatchObject({ numTensors: expect.any(Number) }); // waits for the new worker
    expect(w.restartCount).toBe(1);

    // a long back-off: the call waits for the restart; close() must not leave it waiting
    const slow = plqWorker({ ...config, workers: { ...config.workers, plq: { ...config.workers.plq, standby: false }, restartMinDelayMs: 60_000 } });
    await slow.start();
    await slow.terminate();
    await new Promise((r) => setTimeout(r, 50));
    const waiting = slow.call('stats', null);
    await slow.close();
    await expect(waiting).rejects.toBeInstanceOf(WorkerCrashedError);
    await w.close();
  });
});
