/**
 * Offline fit of the dropout-adapted head (see plq/head-adaptation.ts) from real faces:
 * activations of each face's plain alignment and K photometric variants feed C = E[h h^T];
 * W' = (C + diag C)^-1 C W (p = 0.5).
 */
import { tf } from '../tf/backend.js';
import { alignFace, type AlignJitter } from '../align/align-face.js';
import type { FrModel } from '../plq/fr-model.js';
import { fitDropoutHead, meanSquares, secondMoment } from '../plq/head-adaptation.js';
import { mulberry32 } from '../plq/seeded-random.js';
import type { SetFace } from '../experiments/face-set.js';
import { downUpscale, gaussianBlur } from '../experiments/degradations.js';
import { rgbTensor } from '../experiments/aligned-set.js';
import { DEFAULT_PHOTOMETRIC, photometricAugment, type PhotometricRanges } from './photometric-augment.js';

export interface AugmentationRecipe {
  augmentations: number;
  seed: number;
  photometric: PhotometricRanges;
  /** Geometric jitter, only for identity-separation checks (never for the fit, see photometric-augment.ts). */
  geometric?: { rotationDeg: number; scale: number; shiftPx: number; flip: boolean };
}

export const DEFAULT_RECIPE: AugmentationRecipe = { augmentations: 100, seed: 13, photometric: DEFAULT_PHOTOMETRIC };

const BATCH = 16;

/** Pre-embedding states: per face, its plain alignment first, then its K augmented versions. */
export function faceActivations(model: FrModel, faces: SetFace[], recipe: AugmentationRecipe): Float32Array[][] {
  const m = model.manifest;
  const rand = mulberry32(recipe.seed);
  const u = (a: number): number => (rand() * 2 - 1) * a;
  const geo = recipe.geometric;
  const jitter = (): AlignJitter | undefined =>
    geo && { rotationDeg: u(geo.rotationDeg), scale: 1 + u(geo.scale), dx: u(geo.shiftPx), dy: u(geo.shiftPx), flip: geo.flip && rand() < 0.5 };
  return faces.map((f) => {
    const pixels: Float32Array[] = [];
    for (let k = 0; k <= recipe.augmentations; k++) {
      const { image } = alignFace(f.photo, f.face.landmarks5, m.alignmentTemplate, m.inputSize, k === 0 ? undefined : jitter());
      pixels.push(k === 0 ? Float32Array.from(image.data) : photometricAugment(image, recipe.photometric, u));
    }
    const rows: Float32Array[] = [];
    const [w, h] = m.inputSize;
    for (let i = 0; i < pixels.length; i += BATCH) {
      const chunk = pixels.slice(i, i + BATCH);
      const state = tf.tidy(() => {
        const x = tf.concat(chunk.map((p) => tf.tensor4d(p, [1, h, w, 3])));
        return model.backbone(x as tf.Tensor4D);
      });
      const d = state.dataSync() as Float32Array;
      state.dispose();
      for (let r = 0; r < chunk.length; r++) rows.push(d.slice(r * m.stateSize, (r + 1) * m.stateSize));
    }
    return rows;
  });
}

export function fitHeadKernel(model: FrModel, activations: Float32Array[], damaged?: { activations: Float32Array[]; mu: number }): Float32Array {
  const m = model.manifest;
  const c = secondMoment(activations, m.stateSize);
  const kernel = model.headKernel().dataSync() as Float32Array;
  const neg = damaged && damaged.mu > 0 && damaged.activations.length ? { diag: meanSquares(damaged.activations, m.stateSize), mu: damaged.mu } : undefined;
  return fitDropoutHead(c, kernel, m.stateSize, m.embeddingSize, m.dropout.p, 1e-6, neg);
}

/** The damage whose dropout noise the fit rewards (see fitDropoutHead): blur, down/upscaling, occluding patches. */
export interface NegativeRecipe {
  /** Damaged variants per face, taking the kinds in turn. */
  perFace: number;
  kinds: Array<'blur' | 'downscale' | 'patch'>;
  blurSigma: [number, number];
  downscale: [number, number];
  /** Side of a uniformly coloured square patch, at the 112 px scale. */
  patch: [number, number];
  /** Weight of the reward. */
  mu: number;
  seed: number;
}

export const DEFAULT_NEGATIVES: NegativeRecipe = {
  perFace: 20,
  kinds: ['blur', 'downscale'],
  blurSigma: [1, 3],
  downscale: [2, 6],
  patch: [16, 40],
  mu: 0.5,
  seed: 17,
};

function patched(x: tf.Tensor4D, size: number, rand: () => number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const px = Math.floor(rand() * (w - size)), py = Math.floor(rand() * (h - size));
    const colour = [rand() * 255, rand() * 255, rand() * 255];
    const mask = tf.buffer([1, h, w, 1]);
    const fill = tf.buffer([1, h, w, 3]);
    for (let yy = py; yy < py + size; yy++) for (let xx = px; xx < px + size; xx++) {
      mask.set(1, 0, yy, xx, 0);
      for (let c = 0; c < 3; c++) fill.set(colour[c], 0, yy, xx, c);
    }
    const m = mask.toTensor();
    return tf.add(tf.mul(x, tf.sub(1, m)), fill.toTensor()) as tf.Tensor4D;
  });
}

/** Pre-embedding states of blurred and down/upscaled versions of each face's plain alignment. */
export function negativeActivations(model: FrModel, faces: SetFace[], recipe: NegativeRecipe): Float32Array[] {
  const m = model.manifest;
  const rand = mulberry32(recipe.seed);
  const between = ([lo, hi]: [number, number]): number => lo + rand() * (hi - lo);
  const rows: Float32Array[] = [];
  const k = m.inputSize[0] / 112;
  for (const f of faces) {
    const { image } = alignFace(f.photo, f.face.landmarks5, m.alignmentTemplate, m.inputSize);
    const x = rgbTensor(image);
    for (let i = 0; i < recipe.perFace; i += BATCH) {
      const n = Math.min(BATCH, recipe.perFace - i);
      const state = tf.tidy(() => {
        const damaged = Array.from({ length: n }, (_, j) => {
          const kind = recipe.kinds[(i + j) % recipe.kinds.length];
          if (kind === 'blur') return gaussianBlur(x, between(recipe.blurSigma) * k);
          if (kind === 'downscale') return downUpscale(x, between(recipe.downscale));
          return patched(x, Math.round(between(recipe.patch) * k), rand);
        });
        return model.backbone(tf.concat(damaged) as tf.Tensor4D);
      });
      const d = state.dataSync() as Float32Array;
      state.dispose();
      for (let r = 0; r < n; r++) rows.push(d.slice(r * m.stateSize, (r + 1) * m.stateSize));
    }
    x.dispose();
  }
  return rows;
}
