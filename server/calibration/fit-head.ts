/**
 * Offline fit of the dropout-adapted head (see plq/head-adaptation.ts) from real faces:
 * activations of each face's plain alignment and K photometric variants feed C = E[h h^T];
 * W' = (C + diag C)^-1 C W (p = 0.5).
 */
import { tf } from '../tf/backend.js';
import { alignFace, type AlignJitter } from '../align/align-face.js';
import type { FrModel } from '../plq/fr-model.js';
import { fitDropoutHead, secondMoment } from '../plq/head-adaptation.js';
import { mulberry32 } from '../plq/seeded-random.js';
import type { SetFace } from '../experiments/face-set.js';
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

export function fitHeadKernel(model: FrModel, activations: Float32Array[]): Float32Array {
  const m = model.manifest;
  const c = secondMoment(activations, m.stateSize);
  const kernel = model.headKernel().dataSync() as Float32Array;
  return fitDropoutHead(c, kernel, m.stateSize, m.embeddingSize, m.dropout.p);
}
