/**
 * BRISQUE features (Mittal, Moorthy, Bovik, "No-Reference Image Quality Assessment in the Spatial
 * Domain", IEEE TIP 2012), following the authors' reference code (brisque_feature.m):
 * MSCN coefficients with a 7x7 Gaussian window (sigma 7/6, replicated borders, C = 1); a
 * generalised Gaussian fit of the MSCN values (shape, variance) and asymmetric generalised
 * Gaussian fits of the four neighbour products (shape, mean, left and right variance), at the
 * full and the half scale: 2 x 18 = 36 features. The half scale is a 2x2 box average (the
 * reference uses MATLAB's antialiased bicubic imresize; the difference is small and stated).
 */
import { gamma } from './gamma-function.js';
import { lumaAt } from '../image/luma.js';

export const BRISQUE_FEATURES = 36;

/** Greyscale image, 0..255, row-major. */
export interface GreyImage {
  width: number;
  height: number;
  data: Float64Array;
}

/** ITU-R BT.601 luma of interleaved RGB. */
export function rgbToGrey(rgb: Uint8Array, width: number, height: number): GreyImage {
  const data = new Float64Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = lumaAt(rgb, i * 3);
  return { width, height, data };
}

const WINDOW = (() => {
  const r = 3, s = 7 / 6;
  const k: number[] = [];
  for (let i = -r; i <= r; i++) k.push(Math.exp(-(i * i) / (2 * s * s)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
})();

/** Separable Gaussian filtering with replicated borders. */
function blur(src: Float64Array, w: number, h: number): Float64Array {
  const tmp = new Float64Array(src.length), out = new Float64Array(src.length);
  const r = 3;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let k = -r; k <= r; k++) s += WINDOW[k + r] * src[y * w + Math.min(w - 1, Math.max(0, x + k))];
    tmp[y * w + x] = s;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let k = -r; k <= r; k++) s += WINDOW[k + r] * tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
    out[y * w + x] = s;
  }
  return out;
}

/** Mean-subtracted, contrast-normalised coefficients. */
export function mscn(img: GreyImage): Float64Array {
  const { width: w, height: h, data } = img;
  const mu = blur(data, w, h);
  const sq = blur(data.map((v) => v * v), w, h);
  const out = new Float64Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = (data[i] - mu[i]) / (Math.sqrt(Math.abs(sq[i] - mu[i] * mu[i])) + 1);
  return out;
}

const SHAPES = Array.from({ length: 9801 }, (_, i) => 0.2 + i * 0.001);
const GGD_RATIO = SHAPES.map((g) => (gamma(1 / g) * gamma(3 / g)) / gamma(2 / g) ** 2);
const AGGD_RATIO = SHAPES.map((g) => gamma(2 / g) ** 2 / (gamma(1 / g) * gamma(3 / g)));

function nearest(table: number[], target: number, squared: boolean): number {
  let best = 0, bestD = Infinity;
  for (let i = 0; i < table.length; i++) {
    const d = squared ? (table[i] - target) ** 2 : Math.abs(table[i] - target);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return SHAPES[best];
}

/** Generalised Gaussian fit by moment matching: [shape, variance]. */
export function fitGgd(x: ArrayLike<number>): [number, number] {
  let sq = 0, ab = 0;
  for (let i = 0; i < x.length; i++) {
    sq += x[i] * x[i];
    ab += Math.abs(x[i]);
  }
  sq /= x.length;
  ab /= x.length;
  return [nearest(GGD_RATIO, sq / (ab * ab), false), sq];
}

/** Asymmetric generalised Gaussian fit: [shape, mean, left variance, right variance]. */
export function fitAggd(x: ArrayLike<number>): [number, number, number, number] {
  let l = 0, nl = 0, r = 0, nr = 0, ab = 0, sq = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < 0) {
      l += v * v;
      nl++;
    } else if (v > 0) {
      r += v * v;
      nr++;
    }
    ab += Math.abs(v);
    sq += v * v;
  }
  const leftStd = Math.sqrt(nl ? l / nl : 0), rightStd = Math.sqrt(nr ? r / nr : 0);
  const g = rightStd > 0 ? leftStd / rightStd : 1;
  const rhat = sq > 0 ? (ab / x.length) ** 2 / (sq / x.length) : 0;
  const rnorm = (rhat * (g ** 3 + 1) * (g + 1)) / (g * g + 1) ** 2;
  const shape = nearest(AGGD_RATIO, rnorm, true);
  const mean = (rightStd - leftStd) * (gamma(2 / shape) / gamma(1 / shape)) * Math.sqrt(gamma(1 / shape) / gamma(3 / shape));
  return [shape, mean, leftStd * leftStd, rightStd * rightStd];
}

function scaleFeatures(img: GreyImage): number[] {
  const { width: w, height: h } = img;
  const m = mscn(img);
  const feats: number[] = [...fitGgd(m)];
  // Horizontal, vertical, main-diagonal and anti-diagonal neighbour products.
  const shifts: [number, number][] = [[0, 1], [1, 0], [1, 1], [1, -1]];
  for (const [dy, dx] of shifts) {
    const prod: number[] = [];
    for (let y = 0; y + dy < h; y++) for (let x = Math.max(0, -dx); x < w && x + dx < w; x++) prod.push(m[y * w + x] * m[(y + dy) * w + x + dx]);
    feats.push(...fitAggd(prod));
  }
  return feats;
}

function halfScale(img: GreyImage): GreyImage {
  const w = Math.floor(img.width / 2), h = Math.floor(img.height / 2);
  const data = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = 2 * y * img.width + 2 * x;
    data[y * w + x] = (img.data[i] + img.data[i + 1] + img.data[i + img.width] + img.data[i + img.width + 1]) / 4;
  }
  return { width: w, height: h, data };
}

/** The 36 BRISQUE features of a greyscale image (at least 16x16 pixels). */
export function brisqueFeatures(img: GreyImage): number[] {
  if (img.width < 16 || img.height < 16) throw new Error(`BRISQUE needs at least 16x16 pixels, got ${img.width}x${img.height}`);
  return [...scaleFeatures(img), ...scaleFeatures(halfScale(img))];
}
