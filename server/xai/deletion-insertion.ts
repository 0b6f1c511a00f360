/**
 * Deletion and insertion curves for a pixel ordering (Petsiuk et al.'s protocol as used for
 * pixel-level face quality by Huber et al., EUSIPCO 2022): recognition performance, measured as
 * the cosine similarity of the modified image's embedding to the untouched image's embedding,
 * as pixels are removed (set to the deletion baseline) or inserted into a blurred image in the
 * given order.
 */
import { tf } from '../tf/backend.js';

export interface CurveOptions {
  /** Number of equal steps from 0 to all pixels (default 20). */
  steps?: number;
}

export interface Curve {
  /** Fraction of pixels removed/inserted at each point, 0..1. */
  fractions: number[];
  similarity: number[];
  auc: number;
}

/** Trapezoidal area under y(x). */
export function trapezoidAuc(x: readonly number[], y: readonly number[]): number {
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return a;
}

/** Pixel indices sorted by decreasing value (ties by index). */
export function orderByDecreasing(values: ArrayLike<number>): Int32Array {
  const idx = Int32Array.from({ length: values.length }, (_, i) => i);
  return idx.sort((a, b) => values[b] - values[a] || a - b);
}

/**
 * Similarity curve while pixels move, in `order`, from `start` to `end` images ([h, w, 3],
 * 0..255): deletion is start = image, end = baseline; insertion is start = blurred, end = image.
 */
export function pixelCurve(
  embed: (pixels: tf.Tensor4D) => tf.Tensor2D,
  reference: tf.Tensor4D,
  start: Float32Array,
  end: Float32Array,
  width: number,
  height: number,
  order: Int32Array,
  options: CurveOptions = {},
): Curve {
  const steps = options.steps ?? 20;
  const n = width * height;
  if (order.length !== n || start.length !== n * 3 || end.length !== n * 3) throw new Error('order and images must cover every pixel');
  const batch = new Float32Array((steps + 1) * n * 3);
  const current = Float32Array.from(start);
  const fractions: number[] = [];
  let moved = 0;
  for (let s = 0; s <= steps; s++) {
    const target = Math.round((s / steps) * n);
    for (; moved < target; moved++) {
      const p = order[moved] * 3;
      current[p] = end[p];
      current[p + 1] = end[p + 1];
      current[p + 2] = end[p + 2];
    }
    batch.set(current, s * n * 3);
    fractions.push(target / n);
  }
  const sims = tf.tidy(() => {
    const e0 = embed(reference);
    const e = embed(tf.tensor4d(batch, [steps + 1, height, width, 3]));
    const en = tf.div(e, tf.norm(e, 2, 1, true));
    const r = tf.div(e0, tf.norm(e0, 2, 1, true));
    return tf.matMul(en, r, false, true).reshape([steps + 1]);
  });
  const similarity = Array.from(sims.dataSync());
  sims.dispose();
  return { fractions, similarity, auc: trapezoidAuc(fractions, similarity) };
}
