/**
 * Photometric-only augmentation of an aligned face for the head fit: saturation, contrast,
 * brightness with per-channel colour gain, gamma. No geometric jitter: resampling softens the
 * image and widens the fitted span towards blur, which then no longer lowers Q (measured with
 * leave-one-photo-out cross-validation, see README).
 */
import type { RgbImage } from '../detect/face-detector.js';
import { lumaAt } from '../image/luma.js';

export interface PhotometricRanges {
  saturation: number;
  contrast: number;
  gain: number;
  colour: number;
  gamma: number;
}

export const DEFAULT_PHOTOMETRIC: PhotometricRanges = { saturation: 0.2, contrast: 0.2, gain: 0.3, colour: 0.08, gamma: 0.3 };

/** Returns float 0..255 RGB pixels; `u(a)` draws uniformly from [-a, a]. */
export function photometricAugment(img: RgbImage, ranges: PhotometricRanges, u: (a: number) => number): Float32Array {
  const sat = 1 + u(ranges.saturation);
  const contrast = 1 + u(ranges.contrast);
  const gain = 1 + u(ranges.gain);
  const colour = [1 + u(ranges.colour), 1 + u(ranges.colour), 1 + u(ranges.colour)];
  const gamma = Math.exp(u(ranges.gamma));
  const d = img.data;
  let mean = 0;
  for (let i = 0; i < d.length; i++) mean += d[i];
  mean /= d.length;
  const out = new Float32Array(d.length);
  for (let i = 0; i < d.length; i += 3) {
    const grey = lumaAt(d, i);
    for (let c = 0; c < 3; c++) {
      let v = grey + sat * (d[i + c] - grey);
      v = mean + contrast * (v - mean);
      v = Math.max(0, v) * gain * colour[c];
      out[i + c] = 255 * Math.pow(Math.min(Math.max(v / 255, 0), 1), gamma);
    }
  }
  return out;
}
