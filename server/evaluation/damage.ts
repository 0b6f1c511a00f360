/**
 * Synthetic damage for the evaluation, on aligned faces [1,h,w,3] (0..255). Sizes are given at
 * the 112 px scale and scaled with the model's input, so every model sees the same damage.
 */
import sharp from 'sharp';
import { tf } from '../tf/backend.js';
import { blackSquare, downUpscale, gaussianBlur, type Square } from '../experiments/degradations.js';

export type Damage =
  | { kind: 'square'; square: Square }
  | { kind: 'blur'; sigma: number }
  | { kind: 'downscale'; factor: number }
  | { kind: 'jpeg'; quality: number }
  | { kind: 'dark'; ev: number };

/** JPEG round trip through libvips at `quality`. */
async function jpeg(x: tf.Tensor4D, quality: number): Promise<tf.Tensor4D> {
  const [, h, w] = x.shape;
  const pixels = Uint8Array.from(await x.data(), (v) => Math.max(0, Math.min(255, Math.round(v))));
  const encoded = await sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality }).toBuffer();
  const decoded = await sharp(encoded).removeAlpha().raw().toBuffer();
  return tf.tensor4d(new Float32Array(decoded), [1, h, w, 3]);
}

/** Exposure lowered by `ev` stops in linear light (sRGB decoded, scaled by 2^-ev, encoded). */
function darken(x: tf.Tensor4D, ev: number): tf.Tensor4D {
  return tf.tidy(() => {
    const v = tf.div(x, 255);
    const lin = tf.where(tf.lessEqual(v, 0.04045), tf.div(v, 12.92), tf.pow(tf.div(tf.add(v, 0.055), 1.055), 2.4));
    const d = tf.mul(lin, Math.pow(2, -ev));
    const s = tf.where(tf.lessEqual(d, 0.0031308), tf.mul(d, 12.92), tf.sub(tf.mul(tf.pow(d, 1 / 2.4), 1.055), 0.055));
    return tf.mul(s, 255) as tf.Tensor4D;
  });
}

/** Applies `d` to x; sizes in `d` are at the 112 px scale. */
export async function applyDamage(x: tf.Tensor4D, d: Damage): Promise<tf.Tensor4D> {
  const k = x.shape[2] / 112;
  switch (d.kind) {
    case 'square':
      return blackSquare(x, { x: Math.round(d.square.x * k), y: Math.round(d.square.y * k), size: Math.round(d.square.size * k) });
    case 'blur':
      return d.sigma === 0 ? tf.clone(x) : gaussianBlur(x, d.sigma * k);
    case 'downscale':
      return d.factor === 1 ? tf.clone(x) : downUpscale(x, d.factor);
    case 'jpeg':
      return jpeg(x, d.quality);
    case 'dark':
      return darken(x, d.ev);
  }
}

export function damageLabel(d: Damage): string {
  switch (d.kind) {
    case 'square':
      return `square ${d.square.size} px`;
    case 'blur':
      return `blur sigma ${d.sigma}`;
    case 'downscale':
      return `downscale ${d.factor}x`;
    case 'jpeg':
      return `JPEG q${d.quality}`;
    case 'dark':
      return `dark -${d.ev} EV`;
  }
}
