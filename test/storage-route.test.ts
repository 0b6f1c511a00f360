/** GET /api/storage on a real HTTP server over a real capture store whose disk fails. */
import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { storageRoute } from '../server/kiosk/http/plugins/storage-route.js';
import { CaptureStore } from '../server/kiosk/capture/capture-store.js';
import { nodeStoreFs, type StoreFs } from '../server/kiosk/capture/store-fs.js';
import { captureFixture } from './helpers/capture-fixture.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('GET /api/storage', () => {
  it('reports writable, free space and the in-memory backlog, and follows the disk', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'plq-storage-route-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    let failing = false;
    const fs: StoreFs = {
      ...nodeStoreFs,
      writeFileDurable: async (f, d, m) => {
        if (failing) throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' });
        await nodeStoreFs.writeFileDurable(f, d, m);
      },
    };
    const store = await CaptureStore.open({ dir: path.join(root, 'captures'), retentionMs: Infinity, sweepIntervalMs: 0, fs, minFreeBytes: 1024, retryMinMs: 60_000, retryMaxMs: 60_000, log: () => undefined });
    cleanup.push(() => store.close());
    const app: FastifyInstance = Fastify({ logger: false });
    await app.register(storageRoute, { health: () => store.storeHealth() });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    cleanup.push(() => app.close());
    const get = async (): Promise<Record<string, unknown>> => (await (await fetch(`${url}/api/storage`)).json()) as Record<string, unknown>;

    const ok = await get();
    expect(ok).toMatchObject({ writable: true, lowSpace: false, pending: 0, maxPending: 20, minFreeBytes: 1024, lastError: null });
    expect(ok.freeBytes).toBeGreaterThan(1024);

    failing = true;
    const fx = await captureFixture();
    expect((await store.save({ report: fx.report(Date.now()), images: fx.images })).pending).toBe(true);
    expect(await get()).toMatchObject({ writable: false, pending: 1, lastError: 'ENOSPC' });

    failing = false;
    expect(await store.flush()).toBe(0);
    expect(await get()).toMatchObject({ writable: true, pending: 0, lastError: null });
  });
});
