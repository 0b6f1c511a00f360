import type { RgbImage } from '../detect/face-detector.js';
import type { Affine } from './similarity.js';

/**
 * All three channels of `src` at (x, y) into `out` (bilinear, unrounded; outside the source reads
 * black), the corner weights worked out once for the three. Each channel's sum runs in the same
 * order as a sampler of one channel would (warp.test.ts checks it to the last bit).
 */
export function bilinearRgbAt(src: RgbImage, x: number, y: number, out: Float64Array): void {
  const { width: sw, height: sh, data } = src;
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  let r = 0, g = 0, b = 0;
  for (let j = 0; j < 2; j++) {
    const yy = y0 + j;
    if (yy < 0 || yy >= sh) continue;
    const wy = j ? fy : 1 - fy;
    for (let i = 0; i < 2; i++) {
      const xx = x0 + i;
      if (xx < 0 || xx >= sw) continue;
      const w = wy * (i ? fx : 1 - fx);
      const k = (yy * sw + xx) * 3;
      r += w * data[k];
      g += w * data[k + 1];
      b += w * data[k + 2];
    }
  }
  out[0] = r;
  out[1] = g;
  out[2] = b;
}

/**
 * Samples an output image of size w x h where output pixel (u, v) reads the source at
 * `outToSrc(u, v)` with bilinear interpolation; outside the source reads black.
 */
export function warpAffine(src: RgbImage, outToSrc: Affine, w: number, h: number): RgbImage {
  const out = new Uint8Array(w * h * 3);
  const [a, b, c, d, e, f] = outToSrc;
  const rgb = new Float64Array(3);
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      // applyAffine's arithmetic, without a tuple a pixel
      bilinearRgbAt(src, a * u + b * v + c, d * u + e * v + f, rgb);
      const o = (v * w + u) * 3;
      out[o] = Math.round(rgb[0]);
      out[o + 1] = Math.round(rgb[1]);
      out[o + 2] = Math.round(rgb[2]);
    }
  }
  return { width: w, height: h, data: out };
}
