/**
 * The bilinear warp (server/align/warp.ts) that aligns every face crop, frames the booth frames and
 * the portrait, and the aligned grey levels the appearance measurements sample
 * (region-appearance.ts `alignedGreyAt`): both work out the four corner weights once for the
 * three channels, and must give exactly the pixels of the per-channel sampler they replaced
 * (`bilinearAt` below; the probes were fit on measurements taken that way). Random images and affines (fast-check,
 * sampling inside, across the border and outside the source), and a real photo aligned as the
 * FR model's crop and its 3x fine crop.
 */
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { warpAffine } from '../server/align/warp.js';
import { applyAffine, estimateSimilarity, invertAffine, type Affine, type Point } from '../server/align/similarity.js';
import { alignedGreyAt } from '../server/kiosk/pipeline/region-appearance.js';
import { luma } from '../server/image/luma.js';
import { decodeImage } from '../server/image/decode-image.js';
import type { RgbImage } from '../server/detect/face-detector.js';
import { readManifest } from '../server/plq/model-manifest.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import { SAMPLE_PHOTOS } from './helpers/camera-photos.js';

/** Channel `c` of `src` at (x, y), bilinear, unrounded; outside reads black: the sampler as it was written before. */
function bilinearAt(src: RgbImage, x: number, y: number, c: number): number {
  const { width: sw, height: sh, data } = src;
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  let acc = 0;
  for (let j = 0; j < 2; j++) {
    const yy = y0 + j;
    if (yy < 0 || yy >= sh) continue;
    const wy = j ? fy : 1 - fy;
    for (let i = 0; i < 2; i++) {
      const xx = x0 + i;
      if (xx < 0 || xx >= sw) continue;
      acc += wy * (i ? fx : 1 - fx) * data[(yy * sw + xx) * 3 + c];
    }
  }
  return acc;
}

/** The warp as it was written before: applyAffine and bilinearAt, a channel at a time. */
function referenceWarp(src: RgbImage, outToSrc: Affine, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) {
    const [x, y] = applyAffine(outToSrc, [u, v]);
    for (let c = 0; c < 3; c++) out[(v * w + u) * 3 + c] = Math.round(bilinearAt(src, x, y, c));
  }
  return out;
}

const image = (w: number, h: number, seed: number): RgbImage => {
  const data = new Uint8Array(w * h * 3);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { width: w, height: h, data };
};

describe('the bilinear warp', () => {
  it('gives exactly the per-channel sampler\'s pixels, inside, across the border and outside the source', () => {
    const coef = fc.double({ min: -3, max: 3, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer(), fc.tuple(coef, coef, fc.double({ min: -20, max: 20, noNaN: true }), coef, coef, fc.double({ min: -20, max: 20, noNaN: true })), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), (sw, sh, seed, m, w, h) => {
        const src = image(sw, sh, seed);
        expect(Buffer.from(warpAffine(src, m, w, h).data).equals(Buffer.from(referenceWarp(src, m, w, h)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('aligns a real photo\'s face to the FR model\'s crop and to the 3x fine crop exactly as before; the aligned grey levels are the warped pixels\' luma', async () => {
    const photo = await decodeImage(await readFile(SAMPLE_PHOTOS[1]));
    const m = await readManifest(DEFAULT_CONFIG.engine.model);
    // a face-sized five points in the photo: the template scaled up and moved, a little turned
    const t = m.alignmentTemplate;
    const landmarks: Point[] = t.map(([x, y]) => [200 + 1.7 * x + 0.2 * y, 90 - 0.2 * x + 1.7 * y]);
    for (const k of [1, 3]) {
      const template = t.map(([x, y]) => [k * x, k * y] as Point);
      const [w, h] = [k * m.inputSize[0], k * m.inputSize[1]];
      const toPhoto = invertAffine(estimateSimilarity(landmarks, template));
      const warped = warpAffine(photo, toPhoto, w, h);
      expect(Buffer.from(warped.data).equals(Buffer.from(referenceWarp(photo, toPhoto, w, h)))).toBe(true);
      const at = alignedGreyAt(photo, landmarks, template, [w, h]);
      for (let v = 0; v < h; v += 7) for (let u = 0; u < w; u += 5) {
        const i = (v * w + u) * 3;
        expect(at(u, v)).toBe(Math.fround(luma(warped.data[i], warped.data[i + 1], warped.data[i + 2])));
      }
    }
  });
});
