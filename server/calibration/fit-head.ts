/**
 * Offline fit of the dropout-adapted head (see plq/head-adaptation.ts) from real faces:
 * activations of K jittered alignments per face (rotation, scale, shift, mirror, brightness)
 * feed C = E[h h^T]; W' = (C + diag C)^-1 C W.
 */
import { tf } from '../tf/backend.js';
import { alignFace, type AlignJitter } from '../align/align-face.js';
import type { FrModel } from '../plq/fr-model.js';
import { fitDropoutHead, secondMoment } from '../plq/head-adaptation.js';
import { mulberry32 } from '../plq/seeded-random.js';
import type { SetFace } from '../experiments/face-set.js';

export interface AugmentationRecipe {
  augmentations: number;
  seed: number;
  rotationDeg: number;
  scale: number;
  shiftPx: number;
  gain: number;
}

export const DEFAULT_RECIPE: AugmentationRecipe = { augmentations: 100, seed: 3, rotationDeg: 10, scale: 0.1, shiftPx: 5, gain: 0.3 };

/** Pre-embedding states of each face's plain alignment plus its augmented versions. */
export function faceActivations(model: FrModel, faces: SetFace[], recipe: AugmentationRecipe): Float32Array[][] {
  const m = model.manifest;
  const rand = mulberry32(recipe.seed);
  const jitter = (): AlignJitter => ({
    rotationDeg: (rand() * 2 - 1) * recipe.rotationDeg,
    scale: 1 + (rand() * 2 - 1) * recipe.scale,
    dx: (rand() * 2 - 1) * recipe.shiftPx,
    dy: (rand() * 2 - 1) * recipe.shiftPx,
    flip: rand() < 0.5,
  });
  return faces.map((f) => {
    const rows: Float32Array[] = [];
    for (let k = 0; k <= recipe.augmentations; k++) {
      const { image } = alignFace(f.photo, f.face.landmarks5, m.alignmentTemplate, m.inputSize, k === 0 ? undefined : jitter());
      const gain = k === 0 ? 1 : 1 + (rand() * 2 - 1) * recipe.gain;
      const state = tf.tidy(() => {
        const x = tf.clipByValue(tf.mul(tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32'), gain), 0, 255);
        return model.backbone(x as tf.Tensor4D);
      });
      rows.push(state.dataSync() as Float32Array);
      state.dispose();
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
