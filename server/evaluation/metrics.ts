/** Small statistics for the evaluation: AUC, quantiles, monotonicity, sharpness. */
import type { RgbImage } from '../detect/face-detector.js';
import { lumaAt } from '../image/luma.js';

/** P(a random `higher` value > a random `lower` value), ties counted half (Mann-Whitney). */
export function auc(higher: readonly number[], lower: readonly number[]): number {
  if (higher.length === 0 || lower.length === 0) return Number.NaN;
  let s = 0;
  for (const a of higher) for (const b of lower) s += a > b ? 1 : a === b ? 0.5 : 0;
  return s / (higher.length * lower.length);
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const mean = (v: readonly number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);

/** True when every step is strictly lower than the one before. */
export function fallsMonotonically(v: readonly number[]): boolean {
  return v.every((x, i) => i === 0 || x < v[i - 1]);
}

/** Variance of the 4-neighbour Laplacian of the grey image (a plain sharpness measure). */
export function laplacianVariance(img: RgbImage): number {
  const { width: w, height: h, data } = img;
  const g = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) g[i] = lumaAt(data, i * 3);
  let s = 0, s2 = 0, n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = g[i - 1] + g[i + 1] + g[i - w] + g[i + w] - 4 * g[i];
      s += l;
      s2 += l * l;
      n++;
    }
  }
  return s2 / n - (s / n) ** 2;
}
