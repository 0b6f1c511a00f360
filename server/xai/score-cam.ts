/**
 * Score-CAM (Wang et al., CVPR-W 2020) for a face-recognition network. A recogniser has no class
 * score, so the score of an activation channel is the cosine similarity between the embedding of
 * the image masked by that channel's (upsampled, min-max normalised) activation and the
 * embedding of the untouched image: how much of the identity the channel's region alone keeps.
 * Channel weights are the softmax of those scores; the map is ReLU(sum_k w_k A_k), upsampled
 * bilinearly to the input size and min-max scaled to [0, 1] as in the reference implementation.
 *
 * Upsampling uses half-pixel centres (output pixel i samples the source at (i + 0.5) * s - 0.5,
 * as OpenCV's, PIL's and PyTorch's `align_corners=False` resize do). tfjs's `resizeBilinear`
 * defaults to `halfPixelCenters = false` (source = i * s): from 4x4 to 112x112 that moves every
 * map 13.5 px up and left and leaves the last 28 rows and columns flat.
 */
import { tf } from '../tf/backend.js';
import type { Map2D } from './map-stats.js';

/** The two views of the network Score-CAM needs (pixels on the 0..255 scale). */
export interface ScoreCamNetwork {
  /** Deepest convolutional feature map, [n, fh, fw, k]. */
  activations(pixels: tf.Tensor4D): tf.Tensor4D;
  /** Embedding [n, d] (any scale; cosine similarity is used). */
  embed(pixels: tf.Tensor4D): tf.Tensor2D;
}

export interface ScoreCamOptions {
  /** Masked images per forward batch (default 32). */
  batchSize?: number;
}

export interface ScoreCamResult {
  map: Map2D;
  /** Softmax weight per channel (0 for constant channels). */
  weights: Float32Array;
  /** Cosine similarity per channel (NaN for constant channels, which carry no mask). */
  scores: Float32Array;
}

/**
 * Bilinear upsampling of activation maps [n, fh, fw, k] to [n, h, w, k] with half-pixel centres,
 * so each activation cell covers its own (h / fh) x (w / fw) area of the image.
 */
export function upsampleActivations(act: tf.Tensor4D, h: number, w: number): tf.Tensor4D {
  return tf.image.resizeBilinear(act, [h, w], false, true);
}

/** Score-CAM of one image [1, h, w, 3] (0..255). */
export function scoreCam(net: ScoreCamNetwork, image: tf.Tensor4D, options: ScoreCamOptions = {}): ScoreCamResult {
  const batch = options.batchSize ?? 32;
  if (image.shape[0] !== 1) throw new Error(`scoreCam takes one image, got a batch of ${image.shape[0]}`);
  const [, h, w] = image.shape;
  // Upsampled, per-channel min-max normalised masks [k, h, w, 1] and their value ranges.
  const { masks, ranges, upsampled, e0 } = tf.tidy(() => {
    const act = net.activations(image);
    const up = upsampleActivations(act, h, w).squeeze([0]) as tf.Tensor3D; // [h, w, k]
    const lo = up.min([0, 1]);
    const hi = up.max([0, 1]);
    const range = tf.sub(hi, lo);
    const norm = tf.div(tf.sub(up, lo), tf.maximum(range, 1e-12));
    const e = net.embed(image);
    return {
      masks: tf.keep(norm.transpose([2, 0, 1]).expandDims(3) as tf.Tensor4D),
      ranges: tf.keep(range),
      upsampled: tf.keep(up),
      e0: tf.keep(tf.div(e, tf.norm(e, 2, 1, true)) as tf.Tensor2D),
    };
  });
  const k = masks.shape[0];
  const rangeData = ranges.dataSync();
  const scores = new Float32Array(k);
  for (let start = 0; start < k; start += batch) {
    const size = Math.min(batch, k - start);
    const s = tf.tidy(() => {
      const m = masks.slice([start, 0, 0, 0], [size, -1, -1, -1]);
      const e = net.embed(tf.mul(image, m) as tf.Tensor4D);
      const en = tf.div(e, tf.norm(e, 2, 1, true));
      return tf.matMul(en, e0, false, true).reshape([size]);
    });
    scores.set(s.dataSync() as Float32Array, start);
    s.dispose();
  }
  // Softmax over the channels that carry a mask; constant channels get weight 0.
  const weights = new Float32Array(k);
  let max = -Infinity;
  for (let i = 0; i < k; i++) {
    if (rangeData[i] <= 1e-12) scores[i] = Number.NaN;
    else max = Math.max(max, scores[i]);
  }
  let z = 0;
  for (let i = 0; i < k; i++) {
    if (Number.isNaN(scores[i])) continue;
    weights[i] = Math.exp(scores[i] - max);
    z += weights[i];
  }
  if (z > 0) for (let i = 0; i < k; i++) weights[i] /= z;
  const cam = tf.tidy(() => {
    const wt = tf.tensor1d(weights);
    const sum = tf.relu(tf.sum(tf.mul(upsampled, wt), 2));
    const lo = sum.min();
    const hi = sum.max();
    return tf.div(tf.sub(sum, lo), tf.maximum(tf.sub(hi, lo), 1e-12));
  });
  const data = new Float32Array(cam.dataSync());
  tf.dispose([cam, masks, ranges, upsampled, e0]);
  return { map: { width: w, height: h, data }, weights, scores };
}
