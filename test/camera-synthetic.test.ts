import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { patternFrame, SyntheticSource } from '../server/kiosk/camera/synthetic-source.js';
import type { RgbImage } from '../server/detect/face-detector.js';

const solid = (v: number): RgbImage => ({ width: 4, height: 2, data: new Uint8Array(24).fill(v) });

describe('synthetic source', () => {
  it('generates the same moving pattern every time', async () => {
    const a = await firstValueFrom(new SyntheticSource({ fps: 200, count: 5, width: 64, height: 48 }).frames().pipe(toArray()));
    const b = await firstValueFrom(new SyntheticSource({ fps: 200, count: 5, width: 64, height: 48 }).frames().pipe(toArray()));
    expect(a.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4]);
    for (let k = 0; k < 5; k++) {
      expect(a[k].image.width).toBe(64);
      expect(a[k].image.data.length).toBe(64 * 48 * 3);
      expect(Buffer.from(a[k].image.data).equals(Buffer.from(b[k].image.data))).toBe(true);
      expect(Buffer.from(a[k].image.data).equals(Buffer.from(patternFrame(k, 64, 48).data))).toBe(true);
    }
    // it moves
    expect(Buffer.from(a[0].image.data).equals(Buffer.from(a[1].image.data))).toBe(false);
  });

  it('cycles a given list of images and completes after count', async () => {
    const src = new SyntheticSource({ images: [solid(10), solid(20), solid(30)], fps: 200, count: 7 });
    const frames = await firstValueFrom(src.frames().pipe(toArray()));
    expect(frames.map((f) => f.image.data[0])).toEqual([10, 20, 30, 10, 20, 30, 10]);
  });

  it('paces at the set fps (never faster)', async () => {
    const t0 = performance.now();
    const frames = await firstValueFrom(new SyntheticSource({ fps: 50 }).frames().pipe(take(11), toArray()));
    const elapsed = performance.now() - t0;
    expect(frames).toHaveLength(11);
    expect(elapsed).toBeGreaterThan(10 * 20 * 0.85);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('reports streaming then stopped, and refuses bad options', async () => {
    const src = new SyntheticSource({ fps: 100, count: 2 });
    const states: string[] = [];
    src.status().subscribe((s) => states.push(s.state));
    await firstValueFrom(src.frames().pipe(toArray()));
    expect(states).toEqual(['stopped', 'streaming', 'stopped']);
    expect(() => new SyntheticSource({ fps: 0 })).toThrow(/fps/);
    expect(() => new SyntheticSource({ images: [] })).toThrow(/empty image list/);
    expect(() => new SyntheticSource({ images: [{ width: 2, height: 2, data: new Uint8Array(3) }] })).toThrow(/not RGB/);
    expect(() => new SyntheticSource({ count: -1 })).toThrow(/count/);
  });
});
