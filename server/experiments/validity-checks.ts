/**
 * Does Q mean something? Shares of faces whose Q drops under black squares, Gaussian blur and
 * downscaling, and identity separation of the embeddings. Used by the candidates experiment,
 * the calibration report and the tests.
 */
import { tf } from '../tf/backend.js';
import { mulberry32 } from '../plq/seeded-random.js';
import { blackSquare, downUpscale, gaussianBlur, randomInnerSquare } from './degradations.js';
import { cosineSimilarity } from '../xai/cosine.js';

export interface QualityFn {
  (pixels: tf.Tensor4D): number[];
}

export interface ValidityReport {
  faces: number;
  squareDrop: number;
  blurDrop: number;
  downscaleDrop: number;
  meanQ: number;
}

/**
 * Shares (0..1) of faces whose Q falls under each degradation: a black square of s = 30 px, blur
 * sigma 2 px and 4x downscaling, all at the 112 px scale (scaled with the model's input size).
 */
export function validity(quality: QualityFn, faces: tf.Tensor4D[], seed = 7, squareSize = 30): ValidityReport {
  const rand = mulberry32(seed);
  let sq = 0, bl = 0, ds = 0, sumQ = 0;
  for (const x of faces) {
    const [, h, w] = x.shape;
    const k = w / 112;
    const variants = tf.tidy(() =>
      tf.concat([x, blackSquare(x, randomInnerSquare(w, h, Math.round(squareSize * k), rand)), gaussianBlur(x, 2 * k), downUpscale(x, 4)]),
    ) as tf.Tensor4D;
    const [q0, qs, qb, qd] = quality(variants);
    variants.dispose();
    sumQ += q0;
    if (qs < q0) sq++;
    if (qb < q0) bl++;
    if (qd < q0) ds++;
  }
  const n = faces.length;
  return { faces: n, squareDrop: sq / n, blurDrop: bl / n, downscaleDrop: ds / n, meanQ: sumQ / n };
}

export interface SeparationReport {
  /** Mean cosine of a face with its own augmented versions. */
  sameCos: number;
  /** Mean cosine between different people. */
  differentCos: number;
}

/** `views[i]` holds embeddings of person i: views[i][0] the plain alignment, the rest augmented. */
export function separation(views: Float32Array[][]): SeparationReport {
  let same = 0, ns = 0, diff = 0, nd = 0;
  for (let i = 0; i < views.length; i++) {
    for (let k = 1; k < views[i].length; k++) {
      same += cosineSimilarity(views[i][0], views[i][k]);
      ns++;
    }
    for (let j = i + 1; j < views.length; j++) {
      diff += cosineSimilarity(views[i][0], views[j][0]);
      nd++;
    }
  }
  return { sameCos: same / Math.max(ns, 1), differentCos: diff / Math.max(nd, 1) };
}
