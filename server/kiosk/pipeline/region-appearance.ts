/**
 * Appearance of each face region in the aligned crop, relative to the whole face: mean grey
 * (dark glasses, a dark cover) and grey-level spread (a uniform cover: a band, a hand in
 * shadow, a square). Combined with the PLQ region statistics by the guidance rules.
 *
 * `edges` measures what a spectacle frame adds to a face: thin lines. Grey-level gradients in the
 * aligned crop, relative to the face's mean gradient magnitude, along three bands where a frame
 * runs and a bare face is smooth: horizontal edges across the nose bridge between the eyes (the
 * frame's bridge), horizontal edges in the band under the eyes, above the cheeks (the lower rims),
 * and vertical edges beside the outer eye corners (the rims' sides and the hinges). Each is the
 * strongest row (or column) mean in its band, so a line one or two pixels thick counts fully. The
 * edges are measured on the face aligned at {@link EDGE_CROP_SCALE} times the FR model's crop: at
 * the model's 112 px a thin frame is thinner than a pixel and blurs into the skin (on the fit fold,
 * real glasses against clean faces, the bridge edge's AUC 0.85 at 112 px, 0.89 at 336 px).
 */
import type { RgbImage } from '../../detect/face-detector.js';
import { alignFace } from '../../align/align-face.js';
import { bilinearRgbAt } from '../../align/warp.js';
import { estimateSimilarity, invertAffine, type Point } from '../../align/similarity.js';
import { REGION_NAMES, regionBoxes, type RegionName } from '../../plq/face-regions.js';
import { eyeGradients, type EyeGradients } from './eye-gradients.js';
import { luma, lumaAt } from '../../image/luma.js';

export interface RegionLook {
  /** Region mean grey / face mean grey. */
  luminance: number;
  /** Region grey standard deviation / face grey standard deviation. */
  texture: number;
}

/** Spectacle-frame edge energy (see the module comment), each relative to the face's mean gradient. */
export interface EyewearEdges {
  bridge: number;
  rims: number;
  sides: number;
}

export type RegionAppearance = Record<RegionName, RegionLook> & {
  /** Absent in measurements recorded before the edges were measured. */
  edges?: EyewearEdges;
  /** The crop scale `edges` were measured at; absent = 1 (measurements recorded before {@link EDGE_CROP_SCALE}). */
  edgesScale?: number;
  /** Gradient histograms around the eyes on the same fine crop (eye-gradients.ts); absent in older measurements. */
  eyeGradients?: EyeGradients;
};

/** The edges' crop, in multiples of the FR model's aligned crop (112 px for mobileface: 336 px). */
export const EDGE_CROP_SCALE = 3;

/** Grey level at pixel (x, y) of an image (integer coordinates, clamped to the image). */
export type GreyAt = (x: number, y: number) => number;

/** {@link GreyAt} over a grey image `g` of width `w` and height `h`. */
export function greyArrayAt(g: Float32Array, w: number, h: number): GreyAt {
  return (x, y) => g[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
}

/**
 * {@link GreyAt} over the face aligned to `template` in a `size` crop, sampled from the frame only
 * where asked (and once): the pixels `warpAffine` would give, without warping the whole crop.
 */
export function alignedGreyAt(frame: RgbImage, landmarks5: Point[], template: Point[], size: [number, number]): GreyAt {
  const [w, h] = size;
  const [a, b, c, d, e, f] = invertAffine(estimateSimilarity(landmarks5, template));
  const cache = new Float32Array(w * h).fill(Number.NaN);
  const rgb = new Float64Array(3);
  return (u0, v0) => {
    const u = Math.min(w - 1, Math.max(0, u0)), v = Math.min(h - 1, Math.max(0, v0));
    const k = v * w + u;
    if (!Number.isNaN(cache[k])) return cache[k];
    bilinearRgbAt(frame, a * u + b * v + c, d * u + e * v + f, rgb);
    // rounded per channel as warpAffine's uint8 pixels are
    cache[k] = luma(Math.round(rgb[0]), Math.round(rgb[1]), Math.round(rgb[2]));
    return cache[k];
  };
}

/**
 * The frame edges of an aligned crop (grey levels `at`), from the five-point template: `eyes` are
 * the two eye centres, `face` the face box. The face's mean gradient is taken every `faceStep`-th
 * row and column (on a fine crop, the scale needs no more).
 */
export function eyewearEdges(at: GreyAt, eyes: [Point, Point], face: [number, number, number, number], faceStep = 1): EyewearEdges {
  const dy = (x: number, y: number): number => Math.abs(at(x, y + 1) - at(x, y - 1)) / 2;
  const dx = (x: number, y: number): number => Math.abs(at(x + 1, y) - at(x - 1, y)) / 2;
  const R = (v: number): number => Math.round(v);
  // the face's mean gradient magnitude (the scale of everything else)
  let s = 0, n = 0;
  for (let y = R(face[1]) + 1; y < R(face[3]) - 1; y += faceStep) for (let x = R(face[0]) + 1; x < R(face[2]) - 1; x += faceStep) {
    s += Math.hypot(dx(x, y), dy(x, y));
    n++;
  }
  const faceGrad = Math.max(1, n ? s / n : 1);
  const [a, b] = eyes[0][0] <= eyes[1][0] ? eyes : [eyes[1], eyes[0]];
  const d = b[0] - a[0];
  const eyeY = (a[1] + b[1]) / 2;
  const midX = (a[0] + b[0]) / 2;
  /** The strongest row mean of |d/dy| over x-spans, rows y0..y1. */
  const rowMax = (spans: Array<[number, number]>, y0: number, y1: number): number => {
    let best = 0;
    for (let y = R(y0); y <= R(y1); y++) {
      let t = 0, m = 0;
      for (const [x0, x1] of spans) for (let x = R(x0); x <= R(x1); x++) {
        t += dy(x, y);
        m++;
      }
      if (m) best = Math.max(best, t / m);
    }
    return best;
  };
  /** The strongest column mean of |d/dx| over rows y0..y1, columns x0..x1. */
  const colMax = (x0: number, x1: number, y0: number, y1: number): number => {
    let best = 0;
    for (let x = R(x0); x <= R(x1); x++) {
      let t = 0, m = 0;
      for (let y = R(y0); y <= R(y1); y++) {
        t += dx(x, y);
        m++;
      }
      if (m) best = Math.max(best, t / m);
    }
    return best;
  };
  // the bridge band stops below the brows (and a cap's peak pulled down to them); the rim bands
  // stop short of the nose (a mask's upper edge climbs it)
  const bridge = rowMax([[midX - 0.1 * d, midX + 0.1 * d]], eyeY - 0.25 * d, eyeY + 0.1 * d);
  const rims = rowMax([[a[0] - 0.4 * d, a[0] + 0.2 * d], [b[0] - 0.2 * d, b[0] + 0.4 * d]], eyeY + 0.2 * d, eyeY + 0.5 * d);
  const sides = (colMax(a[0] - 0.7 * d, a[0] - 0.4 * d, eyeY - 0.25 * d, eyeY + 0.3 * d) + colMax(b[0] + 0.4 * d, b[0] + 0.7 * d, eyeY - 0.25 * d, eyeY + 0.3 * d)) / 2;
  return { bridge: bridge / faceGrad, rims: rims / faceGrad, sides: sides / faceGrad };
}

export function regionAppearance(frame: RgbImage, landmarks5: Point[], template: Point[], size: [number, number]): RegionAppearance {
  const { image } = alignFace(frame, landmarks5, template, size);
  const boxes = regionBoxes(template, size);
  const stats = (name: RegionName): { mean: number; sd: number } => {
    const [x0, y0, x1, y1] = boxes[name];
    let s = 0, s2 = 0, n = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
      const i = (y * image.width + x) * 3;
      const g = lumaAt(image.data, i);
      s += g;
      s2 += g * g;
      n++;
    }
    const mean = n ? s / n : 0;
    return { mean, sd: n ? Math.sqrt(Math.max(0, s2 / n - mean * mean)) : 0 };
  };
  const face = stats('face');
  const out = {} as RegionAppearance;
  for (const name of REGION_NAMES) {
    const r = stats(name);
    out[name] = { luminance: r.mean / Math.max(1, face.mean), texture: r.sd / Math.max(1, face.sd) };
  }
  const k = EDGE_CROP_SCALE;
  const fine = template.map(([x, y]) => [k * x, k * y] as Point);
  const fineSize: [number, number] = [k * size[0], k * size[1]];
  const fineGrey = alignedGreyAt(frame, landmarks5, fine, fineSize);
  out.edges = eyewearEdges(fineGrey, [fine[0], fine[1]], regionBoxes(fine, fineSize).face, k);
  out.edgesScale = k;
  out.eyeGradients = eyeGradients(fineGrey, [fine[0], fine[1]]);
  return out;
}
