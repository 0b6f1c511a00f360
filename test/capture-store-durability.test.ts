/**
 * Capture store under faults: the fsync order of the write path, injected write failures
 * (ENOSPC, EIO), the in-memory backlog and its retries, the free-space minimum, and a real
 * 2 MB tmpfs that fills up (when this process may mount one: root in a container that allows
 * it; otherwise that part is skipped and says so).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { captureFixture, type CaptureFixture } from './helpers/capture-fixture.js';
import { CaptureStore, CaptureStoreFullError, type CaptureStoreOptions, type StoreHealth } from '../server/kiosk/capture/capture-store.js';
import { nodeStoreFs, type StoreFs } from '../server/kiosk/capture/store-fs.js';

let fx: CaptureFixture;
const dirs: string[] = [];
const stores: CaptureStore[] = [];

beforeAll(async () => {
  fx = await captureFixture();
});

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tmpDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'capture-durability-'));
  dirs.push(d);
  return path.join(d, 'captures');
}

async function openStore(o: Partial<CaptureStoreOptions> & { dir: string }): Promise<CaptureStore> {
  const s = await CaptureStore.open({ log: () => undefined, sweepIntervalMs: 0, retentionMs: Infinity, ...o });
  stores.push(s);
  return s;
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** The real filesystem, with every call recorded and writes failing while `failWith` is set. */
function faultyFs(): { fs: StoreFs; calls: string[]; failWith: string | null; failAfterFiles: number; free: number | null } {
  const ctl = { calls: [] as string[], failWith: null as string | null, failAfterFiles: 0, free: null as number | null, fs: undefined as unknown as StoreFs };
  let files = 0;
  ctl.fs = {
    mkdir: async (d, m) => {
      ctl.calls.push(`mkdir ${path.basename(d)}`);
      files = 0;
      await nodeStoreFs.mkdir(d, m);
    },
    writeFileDurable: async (f, data, m) => {
      ctl.calls.push(`write+fsync ${path.basename(path.dirname(f))}/${path.basename(f)}`);
      if (ctl.failWith && files++ >= ctl.failAfterFiles) throw errno(ctl.failWith);
      await nodeStoreFs.writeFileDurable(f, data, m);
    },
    syncDir: async (d) => {
      ctl.calls.push(`fsync-dir ${path.basename(d)}`);
      await nodeStoreFs.syncDir(d);
    },
    rename: async (a, b) => {
      ctl.calls.push(`rename ${path.basename(a)} ${path.basename(b)}`);
      await nodeStoreFs.rename(a, b);
    },
    remove: (t) => nodeStoreFs.remove(t),
    freeBytes: async (d) => ctl.free ?? nodeStoreFs.freeBytes(d),
  };
  return ctl;
}

/** Resolves with the first health state (now or later) that satisfies `pred`. */
function healthWhere(store: CaptureStore, pred: (h: StoreHealth) => boolean): Promise<StoreHealth> {
  if (pred(store.storeHealth())) return Promise.resolve(store.storeHealth());
  return new Promise((resolve) => {
    const off = store.onHealth((h) => {
      if (!pred(h)) return;
      off();
      resolve(h);
    });
  });
}

const visible = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();

describe('capture store: crash safety', () => {
  it('fsyncs every file, then the temp folder, renames, then fsyncs the capture folder; approval syncs its folder', async () => {
    const dir = await tmpDir();
    const f = faultyFs();
    const s = await openStore({ dir, fs: f.fs });
    f.calls.length = 0;
    const c = await s.save({ report: fx.report(Date.now()), images: fx.images });
    const tmp = f.calls[0].replace('mkdir ', '');
    expect(tmp).toMatch(new RegExp(`^\\.tmp-${c.id}-`));
    expect(f.calls).toEqual([
      `mkdir ${tmp}`,
      ...['frame.jpg', 'portrait.jpg', 'plq.png', 'overlay.png', 'report.json'].map((n) => `write+fsync ${tmp}/${n}`),
      `fsync-dir ${tmp}`,
      `rename ${tmp} ${c.id}`,
      `fsync-dir ${path.basename(dir)}`,
    ]);
    f.calls.length = 0;
    await s.approve(c.id, true, 'desk-1');
    expect(f.calls).toHaveLength(3);
    expect(f.calls[0]).toMatch(new RegExp(`^write\\+fsync ${c.id}/\\.tmp-report-`));
    expect(f.calls[1]).toMatch(new RegExp(`^rename \\.tmp-report-[0-9a-f]+\\.json report\\.json$`));
    expect(f.calls[2]).toBe(`fsync-dir ${c.id}`);
  });
});

describe('capture store: write failures keep the capture in memory', () => {
  it('ENOSPC mid-capture: nothing half-written, the capture is listed and served as pending, retried and written when the disk is back', async () => {
    const dir = await tmpDir();
    const f = faultyFs();
    const s = await openStore({ dir, fs: f.fs, retryMinMs: 5, retryMaxMs: 20 });
    const seen: StoreHealth[] = [];
    s.onHealth((h) => seen.push(h));
    f.failWith = 'ENOSPC';
    f.failAfterFiles = 2; // frame and portrait written, then the disk is full
    const c = await s.save({ report: fx.report(Date.now()), images: fx.images });
    expect(c.pending).toBe(true);
    expect(await visible(dir)).toEqual([]); // no temp folder left, no partial capture
    expect(s.list()).toMatchObject([{ id: c.id, pending: true }]);
    expect((await s.file(c.id, 'portrait.jpg'))?.data.equals(fx.images['portrait.jpg'])).toBe(true);
    expect((await s.get(c.id))?.id).toBe(c.id);
    expect(s.storeHealth()).toMatchObject({ writable: false, lastError: 'ENOSPC', pending: 1 });
    expect(seen.some((h) => !h.writable && h.pending === 1)).toBe(true);

    f.failWith = null;
    await healthWhere(s, (h) => h.pending === 0 && h.writable);
    expect(await visible(dir)).toEqual([c.id]);
    expect(s.list()).toMatchObject([{ id: c.id, pending: false }]);
    await s.close();
    const again = await openStore({ dir });
    expect(again.list().map((x) => x.id)).toEqual([c.id]);
    for (const name of ['frame.jpg', 'portrait.jpg', 'plq.png', 'overlay.png'] as const) {
      expect((await readFile(path.join(dir, c.id, name))).equals(fx.images[name])).toBe(true);
    }
  });

  it('a bounded backlog: beyond maxPending a capture is refused (not dropped silently); pending ones can be approved and deleted', async () => {
    const dir = await tmpDir();
    const f = faultyFs();
    const s = await openStore({ dir, fs: f.fs, maxPending: 2, retryMinMs: 60_000, retryMaxMs: 60_000 });
    f.failWith = 'EIO';
    const a = await s.save({ report: fx.report(Date.now() - 2), images: fx.images });
    const b = await s.save({ report: fx.report(Date.now() - 1), images: fx.images });
    await expect(s.save({ report: fx.report(Date.now()), images: fx.images })).rejects.toThrow(CaptureStoreFullError);
    await expect(s.save({ report: fx.report(Date.now()), images: fx.images })).rejects.toThrow(/EIO.*2 capture\(s\) already wait/);
    expect(s.list().map((x) => [x.id, x.pending])).toEqual([[b.id, true], [a.id, true]]);
    expect(s.storeHealth()).toMatchObject({ pending: 2, maxPending: 2, writable: false, lastError: 'EIO' });

    expect(await s.approve(a.id, true, 'desk-2')).toMatchObject({ approved: true, pending: true });
    expect(await s.delete(b.id)).toBe(true);
    expect(s.storeHealth().pending).toBe(1);
    f.failWith = null;
    expect(await s.flush()).toBe(0);
    expect(await visible(dir)).toEqual([a.id]);
    const report = JSON.parse(await readFile(path.join(dir, a.id, 'report.json'), 'utf8'));
    expect(report.operator).toMatchObject({ approved: true, by: 'desk-2' });
  });

  it('a successful write also writes the backlog at once', async () => {
    const dir = await tmpDir();
    const f = faultyFs();
    const s = await openStore({ dir, fs: f.fs, retryMinMs: 60_000, retryMaxMs: 60_000 });
    f.failWith = 'EIO';
    const a = await s.save({ report: fx.report(Date.now() - 1), images: fx.images });
    f.failWith = null;
    const b = await s.save({ report: fx.report(Date.now()), images: fx.images });
    expect(b.pending).toBe(false);
    expect(await visible(dir)).toEqual([a.id, b.id].sort());
    expect(s.storeHealth()).toMatchObject({ pending: 0, writable: true, lastError: null });
  });

  it('below the free-space minimum nothing is written: the capture waits and the operator is told', async () => {
    const dir = await tmpDir();
    const f = faultyFs();
    const s = await openStore({ dir, fs: f.fs, minFreeBytes: 50 * 1024 * 1024, retryMinMs: 60_000, retryMaxMs: 60_000 });
    f.free = 10 * 1024 * 1024;
    expect(await s.checkSpace()).toMatchObject({ lowSpace: true, writable: false, freeBytes: 10 * 1024 * 1024, minFreeBytes: 50 * 1024 * 1024 });
    f.calls.length = 0;
    const c = await s.save({ report: fx.report(Date.now()), images: fx.images });
    expect(c.pending).toBe(true);
    expect(f.calls.filter((x) => !x.startsWith('fsync-dir'))).toEqual([]); // not even a temp folder
    expect(s.storeHealth()).toMatchObject({ lastError: 'low-space', pending: 1 });
    f.free = null; // the real disk, with room
    expect(await s.flush()).toBe(0);
    expect(s.storeHealth()).toMatchObject({ lowSpace: false, writable: true, pending: 0 });
  });

  it('opens on an unwritable folder and says so; closing with captures it still cannot write logs the loss', async () => {
    const dir = await tmpDir();
    const f = faultyFs();
    f.failWith = 'EROFS';
    const logs: string[] = [];
    const s = await openStore({ dir, fs: f.fs, log: (_l, m) => logs.push(m), retryMinMs: 60_000, retryMaxMs: 60_000 });
    expect(s.storeHealth()).toMatchObject({ writable: false, lastError: 'EROFS' });
    const c = await s.save({ report: fx.report(Date.now()), images: fx.images });
    await s.close();
    expect(logs.some((l) => l.includes('lost') && l.includes(c.id))).toBe(true);
  });
});

/** A 2 MB tmpfs, when this process may mount one. */
async function mountSmallFs(): Promise<string | null> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const mnt = await mkdtemp(path.join(os.tmpdir(), 'capture-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mnt], { stdio: 'ignore' });
    return mnt;
  } catch {
    await rm(mnt, { recursive: true, force: true });
    return null;
  }
}

const small = await mountSmallFs();
if (!small) console.log('capture-store-durability: cannot mount a tmpfs here (needs root and mount permission): the real disk-full test is skipped');

describe.runIf(small !== null)('capture store on a real 2 MB filesystem that fills up', () => {
  afterAll(() => {
    if (!small) return;
    execFileSync('umount', [small]);
    execFileSync('rmdir', [small]);
  });

  it('real ENOSPC: captures wait in memory, nothing partial on disk; after a delete frees space they are written and survive a restart', async () => {
    const dir = path.join(small!, 'captures');
    await mkdir(dir);
    // free space reported as unlimited, so the write itself hits the kernel's ENOSPC
    const fs: StoreFs = { ...nodeStoreFs, freeBytes: async () => Number.MAX_SAFE_INTEGER };
    const s = await openStore({ dir, fs, retryMinMs: 60_000, retryMaxMs: 60_000 });
    const saved: Array<{ id: string; pending: boolean }> = [];
    for (let i = 0; i < 40 && !saved.some((c) => c.pending); i++) saved.push(await s.save({ report: fx.report(Date.now() + i), images: fx.images }));
    const onDisk = saved.filter((c) => !c.pending);
    expect(onDisk.length).toBeGreaterThan(0);
    expect(saved.at(-1)!.pending).toBe(true);
    expect(s.storeHealth()).toMatchObject({ writable: false, lastError: 'ENOSPC', pending: 1 });
    expect(await visible(dir)).toEqual(onDisk.map((c) => c.id).sort()); // the failed one left nothing

    // a second store on the same full filesystem with a 1 MB minimum: refused before writing
    const strict = await openStore({ dir: path.join(small!, 'strict'), minFreeBytes: 1024 * 1024, retryMinMs: 60_000, retryMaxMs: 60_000 });
    expect(strict.storeHealth()).toMatchObject({ lowSpace: true, writable: false });
    expect(strict.storeHealth().freeBytes!).toBeLessThan(1024 * 1024);
    expect((await strict.save({ report: fx.report(Date.now()), images: fx.images })).pending).toBe(true);
    expect(strict.storeHealth().lastError).toBe('low-space');
    await strict.close();

    for (const c of onDisk.slice(0, 2)) expect(await s.delete(c.id)).toBe(true);
    expect(await s.flush()).toBe(0);
    const kept = [...onDisk.slice(2), saved.at(-1)!].map((c) => c.id).sort();
    expect(await visible(dir)).toEqual(kept);
    await s.close();
    const again = await openStore({ dir });
    expect(again.list().map((x) => x.id).sort()).toEqual(kept);
    expect((await again.file(saved.at(-1)!.id, 'frame.jpg'))?.data.equals(fx.images['frame.jpg'])).toBe(true);
  });
});
