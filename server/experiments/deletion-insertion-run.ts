/**
 * Deletion/insertion evaluation of pixel-level quality maps (Huber et al., EUSIPCO 2022) on real
 * faces: pixels ordered by decreasing PLQ, by a seeded random order, and by plain gradient
 * saliency (mean over channels of |d||e||_2/dI|, the vanilla gradient of the embedding norm).
 * Deletion sets pixels to black; insertion puts them back into a blurred copy (Gaussian sigma 5).
 */
import sharp from 'sharp';
import { tf } from '../tf/backend.js';
import type { FrModel } from '../plq/fr-model.js';
import type { PixelQualityEngine } from '../plq/pixel-quality.js';
import { mulberry32 } from '../plq/seeded-random.js';
import { orderByDecreasing, pixelCurve, type Curve } from '../xai/deletion-insertion.js';
import type { RgbImage } from '../detect/face-detector.js';

export const ORDERS = ['plq', 'random', 'gradient'] as const;
export type OrderName = (typeof ORDERS)[number];

export interface FaceCurves {
  deletion: Record<OrderName, Curve>;
  insertion: Record<OrderName, Curve>;
}

/** Vanilla gradient saliency of the embedding norm, mean |g| over channels. */
export function gradientSaliency(model: FrModel, x: tf.Tensor4D): Float32Array {
  const g = tf.tidy(() => tf.grad((input: tf.Tensor) => tf.norm(model.head(model.backbone(input as tf.Tensor4D))) as tf.Scalar)(x));
  const d = g.dataSync();
  g.dispose();
  const out = new Float32Array(d.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = (Math.abs(d[i * 3]) + Math.abs(d[i * 3 + 1]) + Math.abs(d[i * 3 + 2])) / 3;
  return out;
}

export function randomOrder(n: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export async function faceCurves(model: FrModel, engine: PixelQualityEngine, face: RgbImage, steps: number, seed: number): Promise<FaceCurves> {
  const { width: w, height: h } = face;
  const image = Float32Array.from(face.data);
  const blurred = Float32Array.from(
    await sharp(Buffer.from(face.data), { raw: { width: w, height: h, channels: 3 } }).blur(5).raw().toBuffer(),
  );
  const black = new Float32Array(image.length);
  const x = tf.tensor4d(image, [1, h, w, 3]);
  const plq = engine.assess(x).map;
  const orders: Record<OrderName, Int32Array> = {
    plq: orderByDecreasing(plq),
    random: randomOrder(w * h, seed),
    gradient: orderByDecreasing(gradientSaliency(model, x)),
  };
  const embed = (p: tf.Tensor4D) => model.head(model.backbone(p));
  const deletion = {} as Record<OrderName, Curve>, insertion = {} as Record<OrderName, Curve>;
  for (const o of ORDERS) {
    deletion[o] = pixelCurve(embed, x, image, black, w, h, orders[o], { steps });
    insertion[o] = pixelCurve(embed, x, blurred, image, w, h, orders[o], { steps });
  }
  x.dispose();
  return { deletion, insertion };
}
