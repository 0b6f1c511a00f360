/** Capture store: save/list/get/file, restart, delete, traversal, approval, retention. */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readdir, rm, stat, writeFile, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { captureFixture } from './helpers/capture-fixture.js';
import type { CaptureImages } from '../server/kiosk/capture/capture-images.js';
import { buildCaptureReport, newCaptureId, type CaptureReport, type CaptureReportInput } from '../server/kiosk/capture/capture-report.js';
import { CaptureStore, type CaptureStoreOptions } from '../server/kiosk/capture/capture-store.js';

const HOUR = 3_600_000;

let input: Omit<CaptureReportInput, 'capturedAt' | 'id'>;
let images: CaptureImages;
const dirs: string[] = [];
const stores: CaptureStore[] = [];

beforeAll(async () => {
  ({ input, images } = await captureFixture());
});

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tmpDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'capture-store-'));
  dirs.push(d);
  return path.join(d, 'captures');
}

async function openStore(o: CaptureStoreOptions): Promise<CaptureStore> {
  const s = await CaptureStore.open({ log: () => undefined, ...o });
  stores.push(s);
  return s;
}

const report = (capturedAt: number): CaptureReport => buildCaptureReport({ ...input, capturedAt });

describe('capture report', () => {
  it('carries id, time, Q, Q^, measurements, ISO components, PLQ stats, guidance, model, camera and transforms', () => {
    const r = report(Date.UTC(2025, 0, 2, 3, 4, 5, 6));
    expect(r.id).toMatch(/^20250102T030405006Z-[0-9a-f]{8}$/);
    expect(r).toMatchObject({ quality: 0.71, qualityScaled: 0.83, faceCount: 1, plq: { mapImage: { file: 'plq.png' } }, operator: { approved: false } });
    expect(r.measurements.meshPoints).toBeGreaterThanOrEqual(468); // 468 mesh + 10 iris points from Human
    expect(r.measurements.mesh).toBeUndefined();
    // the PLQ result's embedding (a biometric template) is not kept with the capture
    expect(JSON.stringify(r)).not.toMatch(/embedding/i);
    // nor the closed-eye probe's input, the eyes' gradient histograms; the regions' appearance stays
    expect(input.face.appearance.eyeGradients?.left).toHaveLength(240);
    expect(r.measurements.appearance.eyeGradients).toBeUndefined();
    expect(r.measurements.appearance.leftEye).toEqual(input.face.appearance.leftEye);
    expect(r.iso.components.map((c) => c.name)).toContain('HeadPoseYaw');
    expect(r.plq.map.max).toBeLessThanOrEqual(1);
    expect(r.plq.map.mean).toBeGreaterThan(0);
    expect(r.guidance).toEqual([{ ts: 900, ids: ['lookStraight'] }, { ts: 950, ids: [] }]);
    expect(r.transforms.alignedToFrame).toHaveLength(6);
    expect(r.portrait.chinToCrownShare).toBeCloseTo(0.75, 1);
    const embedded = buildCaptureReport({ ...input, capturedAt: 1 }, { plqPng: images['plq.png'], includeMesh: true });
    expect('pngBase64' in embedded.plq.mapImage && embedded.plq.mapImage.pngBase64.length).toBeGreaterThan(100);
    expect(embedded.measurements.mesh).toHaveLength(r.measurements.meshPoints);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('failedChecks lists the required components that failed; advisory ones are only in iso.failed', () => {
    // the astronaut fails MouthClosed (open smile) and InterEyeDistance (42 px) and nothing else
    const strict = report(1);
    expect(new Set(strict.failedChecks)).toEqual(new Set(['MouthClosed', 'InterEyeDistance']));
    expect(strict.iso).toMatchObject({ passed: false, advisory: [] });
    expect(strict.facesDetected).toBe(1);
    const lenient = buildCaptureReport({ ...input, capturedAt: 1, advisory: ['MouthClosed', 'PlqRegion.*'], facesDetected: 3 });
    expect(lenient.failedChecks).toEqual(['InterEyeDistance']);
    expect(new Set(lenient.iso.failed)).toEqual(new Set(['MouthClosed', 'InterEyeDistance']));
    expect(lenient.iso.advisory).toEqual(['MouthClosed', 'PlqRegion.*']);
    expect(lenient.facesDetected).toBe(3);
    const all = buildCaptureReport({ ...input, capturedAt: 1, advisory: ['MouthClosed', 'InterEyeDistance'] });
    expect(all.failedChecks).toEqual([]);
    expect(all.iso.passed).toBe(true);
  });
});

describe('capture store', () => {
  it('saves atomically with 0700/0600 modes, lists newest first, serves files, survives a restart, deletes', async () => {
    const dir = await tmpDir();
    const s = await openStore({ dir, retentionMs: Infinity });
    const t0 = Date.now();
    const a = await s.save({ report: report(t0 - 2000), images });
    const b = await s.save({ report: report(t0 - 1000), images });
    expect(s.list().map((x) => x.id)).toEqual([b.id, a.id]);
    expect(b).toMatchObject({ qualityScaled: 0.83, approved: false, isoPassed: false });
    expect((await readdir(dir)).sort()).toEqual([a.id, b.id].sort()); // no temp leftovers
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, a.id))).mode & 0o777).toBe(0o700);
    for (const n of await readdir(path.join(dir, a.id))) expect((await stat(path.join(dir, a.id, n))).mode & 0o777).toBe(0o600);

    const got = await s.get(a.id);
    expect(got?.id).toBe(a.id);
    const jpg = await s.file(a.id, 'portrait.jpg');
    expect(jpg?.contentType).toBe('image/jpeg');
    expect(jpg?.data.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect((await s.file(a.id, 'plq.png'))?.data.subarray(1, 4).toString()).toBe('PNG');

    const approved = await s.approve(a.id, true, 'desk-3');
    expect(approved).toMatchObject({ approved: true, approvedBy: 'desk-3' });
    await s.close();

    const s2 = await openStore({ dir, retentionMs: Infinity });
    expect(s2.list().map((x) => x.id)).toEqual([b.id, a.id]);
    expect(s2.list()[1]).toMatchObject({ approved: true, approvedBy: 'desk-3' });
    expect((await s2.get(a.id))?.operator.approved).toBe(true);
    expect(await s2.delete(a.id)).toBe(true);
    expect(await s2.delete(a.id)).toBe(false);
    expect(s2.list().map((x) => x.id)).toEqual([b.id]);
    expect(await readdir(dir)).toEqual([b.id]);
    expect(await s2.get(a.id)).toBeUndefined();
  });

  it('rejects traversal and unknown ids and names without touching the disk', async () => {
    const dir = await tmpDir();
    const s = await openStore({ dir, retentionMs: Infinity });
    const a = await s.save({ report: report(Date.now()), images });
    await writeFile(path.join(path.dirname(dir), 'secret.txt'), 'x', { mode: 0o600 });
    for (const id of ['..', '../captures', `../captures/${a.id}`, `${a.id}/..`, '', '.', 'a/b', `${a.id}\0`, newCaptureId(0)]) {
      expect(await s.get(id)).toBeUndefined();
      expect(await s.file(id, 'report.json')).toBeUndefined();
      expect(await s.delete(id)).toBe(false);
      expect(await s.approve(id)).toBeUndefined();
    }
    for (const name of ['../../secret.txt', '../report.json', 'report.json/', 'REPORT.JSON', '', 'frame.png', '/etc/passwd', '.']) {
      expect(await s.file(a.id, name)).toBeUndefined();
    }
    const bad = report(Date.now());
    (bad as { id: string }).id = '../escape';
    await expect(s.save({ report: bad, images })).rejects.toThrow(/invalid/);
    expect(s.list()).toHaveLength(1);
  });

  it('skips corrupt entries with a logged reason and removes leftover temp folders at start', async () => {
    const dir = await tmpDir();
    const s = await openStore({ dir, retentionMs: Infinity });
    const a = await s.save({ report: report(Date.now()), images });
    const b = await s.save({ report: report(Date.now() + 1), images });
    await s.close();
    await writeFile(path.join(dir, b.id, 'report.json'), '{ not json', { mode: 0o600 });
    const broken = newCaptureId(Date.now());
    await mkdir(path.join(dir, broken), { mode: 0o700 });
    await mkdir(path.join(dir, `.tmp-${newCaptureId(Date.now())}-abcd`), { mode: 0o700 });
    const logs: string[] = [];
    const s2 = await openStore({ dir, retentionMs: Infinity, log: (_l, m) => logs.push(m) });
    expect(s2.list().map((x) => x.id)).toEqual([a.id]);
    expect(logs.some((l) => l.includes(b.id) && l.includes('report.json unreadable'))).toBe(true);
    expect(logs.some((l) => l.includes(broken) && l.includes('missing'))).toBe(true);
    expect(logs.some((l) => l.includes('incomplete'))).toBe(true);
    expect((await readdir(dir)).some((n) => n.startsWith('.tmp-'))).toBe(false);
    expect(await s2.delete(b.id)).toBe(true); // corrupt entries can still be deleted
  });

  it('retention deletes captures older than retentionMs and beyond maxCount (injected clock)', async () => {
    const dir = await tmpDir();
    let now = Date.UTC(2025, 5, 1);
    const s = await openStore({ dir, retentionMs: 24 * HOUR, now: () => now, sweepIntervalMs: 0 });
    const old = await s.save({ report: report(now - 20 * HOUR), images });
    const mid = await s.save({ report: report(now - 10 * HOUR), images });
    const fresh = await s.save({ report: report(now), images });
    expect(s.list()).toHaveLength(3);
    now += 5 * HOUR; // old is 25 h old
    expect(await s.sweep()).toEqual([old.id]);
    expect(s.list().map((x) => x.id)).toEqual([fresh.id, mid.id]);
    expect(await readdir(dir)).not.toContain(old.id);
    await s.close();

    now += 10 * HOUR; // mid is 25 h old: enforced at start
    const s2 = await openStore({ dir, retentionMs: 24 * HOUR, now: () => now, sweepIntervalMs: 0 });
    expect(s2.list().map((x) => x.id)).toEqual([fresh.id]);
    await s2.close();

    const s3 = await openStore({ dir, retentionMs: Infinity, maxCount: 2, now: () => now, sweepIntervalMs: 0 });
    const n1 = await s3.save({ report: report(now + 1), images });
    const n2 = await s3.save({ report: report(now + 2), images });
    expect(s3.list().map((x) => x.id)).toEqual([n2.id, n1.id]);
    expect(await readdir(dir)).not.toContain(fresh.id);
  });

  it('the count limit never evicts approved captures; the age limit applies to approved ones too', async () => {
    const dir = await tmpDir();
    let now = Date.UTC(2025, 5, 1);
    const s = await openStore({ dir, retentionMs: 24 * HOUR, maxCount: 2, now: () => now, sweepIntervalMs: 0 });
    const approved: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await s.save({ report: report(now - (10 - i) * HOUR), images });
      await s.approve(c.id, true, 'desk-1');
      approved.push(c.id);
    }
    // three approved, above maxCount 2: all kept, and new captures still get in
    const u1 = await s.save({ report: report(now - 3 * HOUR), images });
    const u2 = await s.save({ report: report(now - 2 * HOUR), images });
    const u3 = await s.save({ report: report(now - 1 * HOUR), images });
    expect(new Set(s.list().map((x) => x.id))).toEqual(new Set([...approved, u2.id, u3.id]));
    expect(await readdir(dir)).not.toContain(u1.id);
    // un-approving makes a capture evictable by count again (it is the oldest unapproved)
    await s.approve(approved[0], false);
    expect(await s.sweep()).toEqual([approved[0]]);
    // age: approved captures go when they pass retentionMs (capture time)
    now += 16 * HOUR; // approved[1] is 25 h old, approved[2] 24 h (not older than the limit)
    expect(await s.sweep()).toEqual([approved[1]]);
    expect(s.list().map((x) => x.id)).toEqual([u3.id, u2.id, approved[2]]);
  });

  it('the periodic sweep runs on its timer', async () => {
    const dir = await tmpDir();
    let now = Date.now();
    const s = await openStore({ dir, retentionMs: HOUR, now: () => now, sweepIntervalMs: 20 });
    await s.save({ report: report(now), images });
    now += 2 * HOUR;
    // nothing but the timer sweeps; on a loaded machine its rm can take longer than a few periods
    await vi.waitFor(() => expect(s.list()).toHaveLength(0), { timeout: 10_000, interval: 20 });
  });

  it('retentionMs 0 keeps captures only for the session: deleted at the next start and on close', async () => {
    const dir = await tmpDir();
    const s = await openStore({ dir, retentionMs: Infinity });
    await s.save({ report: report(Date.now()), images });
    await s.close();
    const s0 = await openStore({ dir, retentionMs: 0 });
    expect(s0.list()).toHaveLength(0); // the previous session's capture is gone
    const c = await s0.save({ report: report(Date.now()), images });
    expect(s0.list().map((x) => x.id)).toEqual([c.id]); // kept while the session runs
    expect(JSON.parse(await readFile(path.join(dir, c.id, 'report.json'), 'utf8')).id).toBe(c.id);
    await s0.close();
    expect(await readdir(dir)).toEqual([]);
    await expect(s0.save({ report: report(Date.now()), images })).rejects.toThrow(/closed/);
  });
});
