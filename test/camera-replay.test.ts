import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplaySource, EMPTY_SCENE_GREY, ImageReplaySource } from '../server/kiosk/camera/replay-source.js';
import type { CameraStatus, Frame } from '../server/kiosk/camera/frame.js';
import { memoryLogger, photoFolder, SAMPLE_PHOTOS, tempDir } from './helpers/camera-photos.js';
import { EventLoopLag } from '../server/kiosk/pipeline/event-loop-lag.js';

describe('replay source over a folder of real face photos', () => {
  let dir: string;
  const log = memoryLogger();
  let source: ImageReplaySource;

  beforeAll(async () => {
    dir = await photoFolder('replay');
    // a corrupt file with an image name, and a small real photo that must not be upscaled
    await writeFile(path.join(dir, '07-broken.jpg'), Buffer.from('not a jpeg at all\n'.repeat(50)));
    const small = await sharp(await readFile(SAMPLE_PHOTOS[4])).resize({ width: 200 }).png().toBuffer();
    await writeFile(path.join(dir, '08-small.png'), small);
    await writeFile(path.join(dir, 'notes.txt'), 'not an image, ignored by extension');
    source = new ImageReplaySource(dir, { fps: 30, logger: log });
  });

  afterAll(() => {
    log.lines.length = 0;
  });

  it('decodes once, downsizes to 640 wide, never upscales, skips the corrupt file with a reason', async () => {
    const first = source.load();
    expect(source.load()).toBe(first); // cached, decoded once
    const { images, skipped } = await first;
    expect(images.map((i) => i.file)).toEqual([
      '01-sample1.jpg',
      '02-sample2.jpg',
      '03-sample3.jpg',
      '04-sample4.jpg',
      '05-sample5.jpg',
      '06-sample6.jpg',
      '08-small.png',
    ]);
    for (const { image } of images.slice(0, 6)) {
      expect(image.width).toBe(640);
      expect(image.height).toBeGreaterThan(400);
      expect(image.height).toBeLessThan(520);
      expect(image.data.length).toBe(image.width * image.height * 3);
    }
    expect(images[6].image.width).toBe(200);
    expect(skipped).toEqual([{ file: '07-broken.jpg', reason: expect.stringMatching(/not an image/) }]);
    const warn = log.lines.filter((l) => l.startsWith('warn'));
    expect(warn).toHaveLength(1);
    expect(warn[0]).toContain('07-broken.jpg');
    expect(warn[0]).not.toContain(dir); // file name only
    expect(warn[0].length).toBeLessThan(200); // a reason, never pixel data
  });

  it('plays at the set fps, loops in name order, and each frame owns its pixels', async () => {
    const { images } = await source.load();
    const statuses: CameraStatus[] = [];
    const sub = source.status().subscribe((s) => statuses.push(s));
    const lag = new EventLoopLag(5);
    const n = 2 * images.length + 3; // 17 frames: more than two loops
    const t0 = performance.now();
    lag.enable();
    const frames: Frame[] = await firstValueFrom(source.frames().pipe(take(n), toArray()));
    lag.disable();
    const elapsed = performance.now() - t0;
    sub.unsubscribe();

    // at 30 fps, 17 frames span 16 periods (533 ms): never faster; slower only under heavy load
    expect(elapsed).toBeGreaterThan(16 * (1000 / 30) * 0.85);
    expect(elapsed).toBeLessThan(10_000);
    // emission by timer does not block the event loop
    expect(lag.maxMs()).toBeLessThan(250);

    expect(frames.map((f) => f.seq)).toEqual([...Array(n).keys()].map((k) => k + frames[0].seq));
    for (let k = 1; k < n; k++) expect(frames[k].ts).toBeGreaterThanOrEqual(frames[k - 1].ts);
    for (const [k, f] of frames.entries()) {
      const want = images[k % images.length].image;
      expect([f.image.width, f.image.height]).toEqual([want.width, want.height]);
      expect(Buffer.from(f.image.data).equals(Buffer.from(want.data))).toBe(true);
      expect(f.image.data.buffer).not.toBe(want.data.buffer);
    }
    frames[0].image.data.fill(0);
    expect(Buffer.from(frames[images.length].image.data).equals(Buffer.from(images[0].image.data))).toBe(true);
    expect(statuses.map((s) => s.state)).toEqual(['stopped', 'starting', 'streaming', 'stopped']);
  });

  it('gapFrames: an empty scene between two images, as when one person leaves and the next steps in; none in a replay of one image', async () => {
    const { images } = await source.load();
    const gapped = new ImageReplaySource(dir, { fps: 60, holdFrames: 2, gapFrames: 3, logger: memoryLogger() });
    const frames = await firstValueFrom(gapped.frames().pipe(take(2 * 5 + 2), toArray()));
    const kinds = frames.map((f, k) => {
      const image = images[Math.floor(k / 5) % images.length].image;
      expect([f.image.width, f.image.height]).toEqual([image.width, image.height]);
      if (Buffer.from(f.image.data).equals(Buffer.from(image.data))) return 'I';
      expect(f.image.data.every((v) => v === EMPTY_SCENE_GREY)).toBe(true);
      return '_';
    });
    expect(kinds.join('')).toBe('II___II___II');
    const one = createReplaySource(SAMPLE_PHOTOS[0], { fps: 60, holdFrames: 2, gapFrames: 3, logger: memoryLogger() });
    const still = await firstValueFrom(one.frames().pipe(take(6), toArray()));
    for (const f of still) expect(Buffer.from(f.image.data).equals(Buffer.from(still[0].image.data))).toBe(true);
    expect(still[0].image.data.some((v) => v !== EMPTY_SCENE_GREY)).toBe(true);
  });

  it('a new subscription reuses the cache and continues the sequence numbers', async () => {
    const a = await firstValueFrom(source.frames().pipe(take(2), toArray()));
    const b = await firstValueFrom(source.frames().pipe(take(2), toArray()));
    expect(b[0].seq).toBeGreaterThan(a[1].seq);
    expect(b[0].image.width).toBe(640);
  });

  it('plays a single image file, and errors clearly on a folder with nothing decodable', async () => {
    const one = createReplaySource(SAMPLE_PHOTOS[0], { fps: 60, maxWidth: 320, logger: memoryLogger() });
    const frames = await firstValueFrom(one.frames().pipe(take(3), toArray()));
    expect(frames.map((f) => f.image.width)).toEqual([320, 320, 320]);

    const bad = await tempDir('replay-bad');
    await writeFile(path.join(bad, 'empty.jpg'), Buffer.alloc(0));
    const log2 = memoryLogger();
    const empty = createReplaySource(bad, { logger: log2 });
    await expect(firstValueFrom(empty.frames())).rejects.toThrow(/no decodable images/);
    expect(log2.lines.join('\n')).toMatch(/skipped empty\.jpg: empty file/);
    expect(() => createReplaySource(path.join(bad, 'nope'))).toThrow(/replay path not found/);
  });
});
