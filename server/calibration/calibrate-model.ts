/**
 * Per-model calibration from clean frontal faces that the head never saw (the `calibrate` fold):
 *  r     = the CLEAN_PASS_SHARE lower quantile of Q, so that share of unseen clean faces is
 *          expected at Q^ >= 0.5 (the kiosk's default capture threshold);
 *  alpha = ln(MEDIAN_TARGET / (1 - MEDIAN_TARGET)) / (median Q - r): the median clean face
 *          maps to Q^ = MEDIAN_TARGET, and damaged faces, whose Q falls, spread below;
 *  clip  = 99.99th percentile of |dM_Q/dI| over all pixel channels of the set (fixed ceiling)
 *  gamma = chosen so the median S^ inside the central face region maps to P = 0.8.
 */
import { tf } from '../tf/backend.js';
import type { Calibration } from '../plq/model-manifest.js';
import type { PixelQualityEngine } from '../plq/pixel-quality.js';
import { regionBoxes } from '../plq/face-regions.js';

const percentile = (sorted: Float32Array | number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];

/** Share of clean faces expected at or above Q^ = 0.5. */
export const CLEAN_PASS_SHARE = 0.8;
/** Q^ of the median clean face. */
export const MEDIAN_TARGET = 0.7;

export interface CalibrationResult extends Omit<Calibration, 'source'> {
  faces: number;
  meanQ: number;
  sdQ: number;
  medianFaceSaliency: number;
}

export function calibrate(engine: PixelQualityEngine, aligned: tf.Tensor4D[]): CalibrationResult {
  if (aligned.length < 3) throw new Error(`calibration needs at least 3 faces, got ${aligned.length}`);
  const qs = aligned.map((x) => engine.quality(x)[0]);
  const meanQ = qs.reduce((a, b) => a + b, 0) / qs.length;
  const sdQ = Math.sqrt(qs.reduce((a, b) => a + (b - meanQ) ** 2, 0) / qs.length);
  const sortedQ = [...qs].sort((a, b) => a - b);
  const r = percentile(sortedQ, 1 - CLEAN_PASS_SHARE);
  const alpha = Math.log(MEDIAN_TARGET / (1 - MEDIAN_TARGET)) / Math.max(percentile(sortedQ, 0.5) - r, 1e-6);
  const cal = engine.calibration;
  const saved = { ...cal };
  Object.assign(cal, { alpha, r });
  try {
    const grads: Float32Array[] = [];
    const saliencies: Float32Array[] = [];
    for (const x of aligned) {
      const res = engine.assess(x, { gradClip: Number.POSITIVE_INFINITY });
      saliencies.push(res.saliency);
      grads.push(res.gradient);
    }
    const all = new Float32Array(grads.reduce((n, g) => n + g.length, 0));
    let o = 0;
    for (const g of grads) for (const v of g) all[o++] = Math.abs(v);
    all.sort();
    const gradClip = percentile(all, 0.9999);
    const m = engine.model.manifest;
    const [x0, y0, x1, y1] = regionBoxes(m.alignmentTemplate, m.inputSize).face;
    const inFace: number[] = [];
    for (const s of saliencies) for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) inFace.push(s[y * m.inputSize[0] + xx]);
    inFace.sort((a, b) => a - b);
    const med = percentile(inFace, 0.5);
    const gamma = Math.log10(4 / (med * med));
    return { alpha, r, gamma, gradClip, faces: aligned.length, meanQ, sdQ, medianFaceSaliency: med };
  } finally {
    Object.assign(cal, saved);
  }
}
