/**
 * Crop fuzzing for the tracker's second look: for any frame size and any square (centre anywhere,
 * also off the frame; any side), `squareInside` gives a rectangle of whole pixels inside the frame
 * or nothing, `cropRgb` copies exactly those pixels, and `shiftFace` puts a face found in the crop
 * back where those pixels are in the frame; `letterboxRgb` puts any frame in a black square whose
 * every other pixel is black, and `shiftFace` maps the square's pixels back to the frame's.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cropRgb, letterboxRgb, squareInside } from '../server/image/rgb-crop.js';
import { shiftFace } from '../server/detect/second-look.js';
import type { DetectedFace, RgbImage } from '../server/detect/face-detector.js';
import { fuzzRuns, fuzzSeed } from './helpers/fuzz.js';

const RUNS = fuzzRuns();

/** A frame whose every pixel says where it is: R, G = x, y (mod 256), B = (x + y) / 256 parts. */
function positional(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x & 255, y & 255, ((x >> 8) * 16 + (y >> 8)) & 255], (y * width + x) * 3);
  }
  return { width, height, data };
}

const frameSize = fc.record({ width: fc.integer({ min: 1, max: 700 }), height: fc.integer({ min: 1, max: 500 }) });
const square = fc.record({
  cx: fc.double({ min: -1000, max: 2000, noNaN: true }),
  cy: fc.double({ min: -1000, max: 2000, noNaN: true }),
  side: fc.double({ min: 0, max: 3000, noNaN: true }),
});

describe('second-look crops', () => {
  it('squareInside is whole pixels inside the frame, at least 16 on a side, or nothing', () => {
    fc.assert(
      fc.property(frameSize, square, (size, sq) => {
        const r = squareInside(size, sq.cx, sq.cy, sq.side);
        if (!r) return;
        for (const v of [r.x, r.y, r.width, r.height]) expect(Number.isInteger(v)).toBe(true);
        expect(r.x).toBeGreaterThanOrEqual(0);
        expect(r.y).toBeGreaterThanOrEqual(0);
        expect(r.x + r.width).toBeLessThanOrEqual(size.width);
        expect(r.y + r.height).toBeLessThanOrEqual(size.height);
        expect(Math.min(r.width, r.height)).toBeGreaterThanOrEqual(16);
        expect(Math.max(r.width, r.height)).toBeLessThanOrEqual(Math.round(sq.side) + 1);
      }),
      { numRuns: RUNS, seed: fuzzSeed() },
    );
  });

  it('cropRgb copies the rectangle\'s pixels, and shiftFace maps crop pixels back to the same frame pixels', () => {
    const frame = positional(640, 480);
    fc.assert(
      fc.property(square, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 8 }), (sq, spots) => {
        const r = squareInside(frame, sq.cx, sq.cy, sq.side);
        if (!r) return;
        const crop = cropRgb(frame, r);
        expect(crop.data.length).toBe(r.width * r.height * 3);
        const points = spots.map(([u, v]) => [Math.floor(u * (r.width - 1)), Math.floor(v * (r.height - 1))] as [number, number]);
        const face: DetectedFace = { score: 1, box: [points[0][0], points[0][1], 10, 12], landmarks5: points.slice(0, 5), mesh: points, pose: { yaw: 0, pitch: 0, roll: 0 } };
        const back = shiftFace(face, r.x, r.y);
        expect(back.box).toEqual([points[0][0] + r.x, points[0][1] + r.y, 10, 12]);
        back.mesh.forEach(([x, y], i) => {
          const [cx, cy] = points[i];
          const inCrop = crop.data.subarray((cy * crop.width + cx) * 3, (cy * crop.width + cx) * 3 + 3);
          const inFrame = frame.data.subarray((y * frame.width + x) * 3, (y * frame.width + x) * 3 + 3);
          expect([...inCrop]).toEqual([...inFrame]);
        });
      }),
      { numRuns: RUNS, seed: fuzzSeed() },
    );
  });

  it('letterboxRgb centres the frame in a black square; shiftFace by minus its offset maps square pixels back to the frame', () => {
    fc.assert(
      fc.property(frameSize, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 8 }), (size, spots) => {
        const frame = positional(size.width, size.height);
        const { image, dx, dy } = letterboxRgb(frame);
        const side = Math.max(size.width, size.height);
        expect([image.width, image.height]).toEqual([side, side]);
        expect(Math.min(dx, dy)).toBe(0);
        expect(Math.abs(side - size.width - 2 * dx) + Math.abs(side - size.height - 2 * dy)).toBeLessThanOrEqual(1);
        // the bands are black: count the square's non-black pixels outside the frame
        let outside = 0;
        for (let y = 0; y < side; y++) {
          for (let x = 0; x < side; x++) {
            const inFrame = x >= dx && x < dx + size.width && y >= dy && y < dy + size.height;
            const o = (y * side + x) * 3;
            if (!inFrame && (image.data[o] | image.data[o + 1] | image.data[o + 2]) !== 0) outside++;
          }
        }
        expect(outside).toBe(0);
        const points = spots.map(([u, v]) => [dx + Math.floor(u * (size.width - 1)), dy + Math.floor(v * (size.height - 1))] as [number, number]);
        const face: DetectedFace = { score: 1, box: [points[0][0], points[0][1], 10, 12], landmarks5: points.slice(0, 5), mesh: points, pose: { yaw: 0, pitch: 0, roll: 0 } };
        shiftFace(face, -dx, -dy).mesh.forEach(([x, y], i) => {
          const [sx, sy] = points[i];
          const inSquare = image.data.subarray((sy * side + sx) * 3, (sy * side + sx) * 3 + 3);
          const inFrame = frame.data.subarray((y * size.width + x) * 3, (y * size.width + x) * 3 + 3);
          expect([...inSquare]).toEqual([...inFrame]);
        });
      }),
      { numRuns: Math.min(RUNS, 300), seed: fuzzSeed() },
    );
  });
});
