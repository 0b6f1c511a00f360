/**
 * The PLQ paper's inpainting check (its Figure 3 protocol): inpaint a face's largest low-PLQ
 * region and see whether Q^ rises. SER-FIQ's dropout makes Q stochastic; here the m = 100 masks
 * are seeded, so "10 repeats" are 10 different mask seeds. A face counts as risen (fallen) when
 * the mean Q^ after inpainting exceeds (falls below) the mean before by more than the pooled
 * standard deviation of the repeats, and as unchanged otherwise.
 */
import { tf } from '../tf/backend.js';
import type { FrModel } from '../plq/fr-model.js';
import type { PixelQualityEngine } from '../plq/pixel-quality.js';
import { dropoutMasks, scaleQuality, serFiq } from '../plq/ser-fiq.js';
import { regionBoxes } from '../plq/face-regions.js';
import { mulberry32 } from '../plq/seeded-random.js';
import type { RgbImage } from '../detect/face-detector.js';
import { inpaintRgb, largestLowRegion } from './low-plq-region.js';

export type Outcome = 'rose' | 'fell' | 'unchanged';

export interface InpaintResult {
  before: { mean: number; sd: number; map: Float32Array; image: RgbImage };
  after: { mean: number; sd: number; map: Float32Array; image: RgbImage };
  mask: Uint8Array;
  area: number;
  outcome: Outcome;
}

const meanSd = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean: m, sd: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) };
};

/** Q^ of one aligned face under `repeats` mask seeds. */
export function repeatedQuality(model: FrModel, face: RgbImage, repeats: number): number[] {
  const { p, m, seed } = model.manifest.dropout;
  const { alpha, r } = model.manifest.calibration;
  const state = tf.tidy(() => model.backbone(tf.tensor4d(face.data, [1, face.height, face.width, 3], 'float32')));
  const out: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const masks = dropoutMasks(m, model.manifest.stateSize, p, seed + 1000 * (k + 1));
    out.push(scaleQuality(serFiq(state, masks, (s) => model.stochasticHead(s))[0], alpha, r));
    masks.dispose();
  }
  state.dispose();
  return out;
}

/** Pastes a black s x s square at a seeded place in the inner 90 % (for the occluded-face variant). */
export function occlude(face: RgbImage, s: number, seed: number): RgbImage {
  const rand = mulberry32(seed);
  const { width: w, height: h } = face;
  const x0 = Math.round(0.05 * w + rand() * (0.9 * w - s)), y0 = Math.round(0.05 * h + rand() * (0.9 * h - s));
  const data = Uint8Array.from(face.data);
  for (let y = y0; y < y0 + s; y++) for (let x = x0; x < x0 + s; x++) data.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
  return { width: w, height: h, data };
}

export function inpaintFace(model: FrModel, engine: PixelQualityEngine, face: RgbImage, repeats: number): InpaintResult {
  const { width: w, height: h } = face;
  const x = tf.tensor4d(face.data, [1, h, w, 3], 'float32');
  const mapBefore = engine.assess(x).map;
  x.dispose();
  const box = regionBoxes(model.manifest.alignmentTemplate, model.manifest.inputSize).face;
  const { mask, area } = largestLowRegion(mapBefore, w, h, box);
  const painted: RgbImage = { width: w, height: h, data: inpaintRgb(face.data, w, h, mask) };
  const y = tf.tensor4d(painted.data, [1, h, w, 3], 'float32');
  const mapAfter = engine.assess(y).map;
  y.dispose();
  const before = meanSd(repeatedQuality(model, face, repeats));
  const after = meanSd(repeatedQuality(model, painted, repeats));
  const sd = Math.sqrt((before.sd ** 2 + after.sd ** 2) / 2);
  const d = after.mean - before.mean;
  const outcome: Outcome = d > sd ? 'rose' : d < -sd ? 'fell' : 'unchanged';
  return { before: { ...before, map: mapBefore, image: face }, after: { ...after, map: mapAfter, image: painted }, mask, area, outcome };
}
