/** Image degradations of the papers' checks, on aligned faces [1,h,w,3] (0..255). */
import { tf } from '../tf/backend.js';

export interface Square {
  x: number;
  y: number;
  size: number;
}

/** A random s x s square entirely inside the inner 90 % of a w x h image. */
export function randomInnerSquare(w: number, h: number, size: number, rand: () => number): Square {
  const x0 = Math.round(w * 0.05), y0 = Math.round(h * 0.05);
  const x1 = Math.round(w * 0.95) - size, y1 = Math.round(h * 0.95) - size;
  return { x: x0 + Math.floor(rand() * (x1 - x0 + 1)), y: y0 + Math.floor(rand() * (y1 - y0 + 1)), size };
}

export function blackSquare(x: tf.Tensor4D, sq: Square): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const mask = tf.buffer([1, h, w, 1]);
    for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) mask.set(1, 0, yy, xx, 0);
    for (let yy = sq.y; yy < sq.y + sq.size; yy++) for (let xx = sq.x; xx < sq.x + sq.size; xx++) mask.set(0, 0, yy, xx, 0);
    return tf.mul(x, mask.toTensor()) as tf.Tensor4D;
  });
}

export function gaussianBlur(x: tf.Tensor4D, sigma: number): tf.Tensor4D {
  return tf.tidy(() => {
    const r = Math.ceil(3 * sigma);
    const k: number[] = [];
    for (let i = -r; i <= r; i++) k.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
    const sum = k.reduce((a, b) => a + b, 0);
    const kern = k.map((v) => v / sum);
    const kx = tf.tensor4d(kern.flatMap((v) => [v, v, v]), [1, kern.length, 3, 1]);
    const ky = tf.tensor4d(kern.flatMap((v) => [v, v, v]), [kern.length, 1, 3, 1]);
    const padded = tf.mirrorPad(x, [[0, 0], [r, r], [r, r], [0, 0]], 'symmetric');
    return tf.depthwiseConv2d(tf.depthwiseConv2d(padded, kx, 1, 'valid'), ky, 1, 'valid') as tf.Tensor4D;
  });
}

export function downUpscale(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const small = tf.image.resizeBilinear(x, [Math.round(h / factor), Math.round(w / factor)], true);
    return tf.image.resizeBilinear(small, [h, w], true) as tf.Tensor4D;
  });
}
