import type { RgbImage } from '../detect/face-detector.js';
import { applyAffine, type Affine } from './similarity.js';

/** Channel `c` of `src` at (x, y), bilinear, unrounded; outside the source reads black. */
export function bilinearAt(src: RgbImage, x: number, y: number, c: number): number {
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

/**
 * Samples an output image of size w x h where output pixel (u, v) reads the source at
 * `outToSrc(u, v)` with bilinear interpolation; outside the source reads black.
 */
export function warpAffine(src: RgbImage, outToSrc: Affine, w: number, h: number): RgbImage {
  const out = new Uint8Array(w * h * 3);
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      const [x, y] = applyAffine(outToSrc, [u, v]);
      const o = (v * w + u) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(bilinearAt(src, x, y, c));
    }
  }
  return { width: w, height: h, data: out };
}
