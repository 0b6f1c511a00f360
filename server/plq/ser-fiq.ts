/**
 * SER-FIQ (Terhörst et al. 2020), Eq. 1 of the PLQ paper: quality from the stability of m
 * dropout passes of the pre-embedding state through the embedding head.
 */
import { tf } from '../tf/backend.js';
import { mulberry32 } from './seeded-random.js';

/**
 * m inverted-dropout masks [m, size]: each unit kept with probability 1 - p and scaled by
 * 1 / (1 - p). Seeded, so the same image always gets the same Q and paired comparisons
 * (original vs. occluded) share their masks.
 */
export function dropoutMasks(m: number, size: number, p: number, seed: number): tf.Tensor2D {
  const rand = mulberry32(seed);
  const keep = 1 / (1 - p);
  const data = new Float32Array(m * size);
  for (let i = 0; i < data.length; i++) data[i] = rand() >= p ? keep : 0;
  return tf.tensor2d(data, [m, size]);
}

/** Sum over i<j of ||x_i - x_j|| for L2-normalised rows x_i of `embeddings` [m, k]. */
export function pairwiseDistanceSum(embeddings: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const x = tf.div(embeddings, tf.norm(embeddings, 2, 1, true));
    const gram = tf.matMul(x, x, false, true);
    const d = tf.sqrt(tf.relu(tf.sub(2, tf.mul(2, gram))));
    return tf.div(tf.sum(d), 2) as tf.Scalar;
  });
}

/** Q = 2 * sigmoid(-(2 / m^2) * sum_{i<j} ||x_i - x_j||). */
export function serFiqFromDistanceSum(distanceSum: number, m: number): number {
  const z = -(2 / (m * m)) * distanceSum;
  return 2 / (1 + Math.exp(-z));
}

/**
 * Q for each row of `state` [n, d]: all m dropout passes of one image run as one batch through
 * `head` (one backbone pass per image, never m).
 */
export function serFiq(state: tf.Tensor2D, masks: tf.Tensor2D, head: (s: tf.Tensor2D) => tf.Tensor2D): number[] {
  const m = masks.shape[0];
  const n = state.shape[0];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const sum = tf.tidy(() => {
      const row = state.slice([i, 0], [1, -1]);
      return pairwiseDistanceSum(head(tf.mul(masks, row) as tf.Tensor2D));
    });
    out.push(serFiqFromDistanceSum(sum.dataSync()[0], m));
    sum.dispose();
  }
  return out;
}

/** Eq. 2: Q^ = sigmoid(alpha * (Q - r)). */
export function scaleQuality(q: number, alpha: number, r: number): number {
  return 1 / (1 + Math.exp(-alpha * (q - r)));
}
