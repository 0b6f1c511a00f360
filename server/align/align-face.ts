import type { RgbImage } from '../detect/face-detector.js';
import { estimateSimilarity, invertAffine, type Affine, type Point } from './similarity.js';
import { warpAffine } from './warp.js';

export interface AlignedFace {
  image: RgbImage;
  /** Aligned-to-input transform: input point = transform * aligned point. */
  transform: Affine;
}

/** Small similarity perturbation around the crop centre (for augmentation). */
export interface AlignJitter {
  rotationDeg: number;
  scale: number;
  dx: number;
  dy: number;
  flip: boolean;
}

function compose(a: Affine, b: Affine): Affine {
  // (a ∘ b)(p) = a(b(p))
  return [
    a[0] * b[0] + a[1] * b[3], a[0] * b[1] + a[1] * b[4], a[0] * b[2] + a[1] * b[5] + a[2],
    a[3] * b[0] + a[4] * b[3], a[3] * b[1] + a[4] * b[4], a[3] * b[2] + a[4] * b[5] + a[5],
  ];
}

/** Warps the face to the model's template with a five-point similarity transform. */
export function alignFace(
  image: RgbImage,
  landmarks5: Point[],
  template: Point[],
  size: [number, number],
  jitter?: AlignJitter,
): AlignedFace {
  const inputToAligned = estimateSimilarity(landmarks5, template);
  let alignedToInput = invertAffine(inputToAligned);
  if (jitter) {
    const [w, h] = size;
    const cx = w / 2, cy = h / 2;
    const t = (jitter.rotationDeg * Math.PI) / 180;
    const c = Math.cos(t) / jitter.scale, s = Math.sin(t) / jitter.scale;
    const fx = jitter.flip ? -1 : 1;
    // output p -> centred, optionally mirrored, rotated/scaled, shifted back (in aligned space)
    const j: Affine = [fx * c, -s, cx - fx * c * cx + s * cy + jitter.dx, fx * s, c, cy - fx * s * cx - c * cy + jitter.dy];
    alignedToInput = compose(alignedToInput, j);
  }
  return { image: warpAffine(image, alignedToInput, size[0], size[1]), transform: alignedToInput };
}
