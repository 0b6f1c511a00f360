/**
 * Pixel-level quality (Terhörst et al., arXiv 2110.11001), Eq. 3-6:
 * quality regression node M_Q(I) = w * sum_k e_k(I), w = Q^ / ||e||_1 (held constant);
 * S = dM_Q/dI on the 0..255 pixel scale, clipped at a fixed per-model ceiling;
 * S^ = channel mean of |S|; P = 1 - 1 / (1 + 10^gamma * S^^2). No per-image normalisation.
 */
import { tf } from '../tf/backend.js';
import type { FrModel } from './fr-model.js';
import type { Calibration } from './model-manifest.js';
import { dropoutMasks, scaleQuality, serFiq } from './ser-fiq.js';

export interface PixelQualityResult {
  /** SER-FIQ quality Q (Eq. 1). */
  quality: number;
  /** Scaled quality Q^ (Eq. 2). */
  qualityScaled: number;
  width: number;
  height: number;
  /** P(i, j) in [0, 1], row-major, aligned-input coordinates (Eq. 6). */
  map: Float32Array;
  /** S^(i, j): channel-merged absolute gradient (Eq. 5), before visualisation. */
  saliency: Float32Array;
  /** Raw input gradient dM_Q/dI [h, w, 3] (0..255 scale), before clipping. */
  gradient: Float32Array;
  /** Share of gradient values that hit the clip ceiling. */
  clippedFraction: number;
  /** Deterministic embedding e (not normalised). */
  embedding: Float32Array;
  /** forwardBackwardMs: one forward pass with its backward pass (the gradient). */
  timings: { forwardBackwardMs: number; serFiqMs: number; totalMs: number };
}

/**
 * Where the quality node reads the embedding: `embedding` is the network's output e as it is
 * (un-normalised); `normalised` is e / ||e||_2, as in the authors' code.
 */
export type QualityNode = 'embedding' | 'normalised';

/** A variant of a model's shipped settings (evaluation and calibration compare variants). */
export interface EngineVariant {
  calibration?: Calibration;
  qualityNode?: QualityNode;
}

export interface PixelQualityOptions {
  /** Override the manifest's gamma (visualisation only). */
  gamma?: number;
  /** Override the manifest's clip ceiling. */
  gradClip?: number;
}

/** The engine for one model: dropout masks are made once and reused for every image. */
export class PixelQualityEngine {
  private readonly masks: tf.Tensor2D;
  readonly calibration: Calibration;
  readonly qualityNode: QualityNode;

  constructor(
    readonly model: FrModel,
    variant: EngineVariant = {},
  ) {
    const { p, m, seed } = model.manifest.dropout;
    this.masks = tf.keep(dropoutMasks(m, model.manifest.stateSize, p, seed));
    this.calibration = { ...(variant.calibration ?? model.manifest.calibration) };
    this.qualityNode = variant.qualityNode ?? model.manifest.qualityNode ?? 'embedding';
  }

  /** Q for aligned faces [n,h,w,3] (0..255): one backbone pass each, m passes batched. */
  quality(pixels: tf.Tensor4D): number[] {
    return tf.tidy(() => serFiq(this.model.backbone(pixels), this.masks, (s) => this.model.stochasticHead(s)));
  }

  scaled(q: number): number {
    const { alpha, r } = this.calibration;
    return scaleQuality(q, alpha, r);
  }

  /** Full PLQ for one aligned face [1,h,w,3] or [h,w,3] on the 0..255 scale. */
  assess(aligned: tf.Tensor, options: PixelQualityOptions = {}): PixelQualityResult {
    const cal = this.calibration;
    const gamma = options.gamma ?? cal.gamma;
    const clip = options.gradClip ?? cal.gradClip;
    const x = (aligned.rank === 3 ? aligned.expandDims(0) : aligned).toFloat() as tf.Tensor4D;
    const [, h, w] = x.shape;
    const t0 = performance.now();
    // One forward pass serves all three steps: the tape records it for the backward pass, the
    // pre-embedding state is kept for SER-FIQ and e for the node weight. Since w is a constant,
    // d(w * sum e)/dI = w * d(sum e)/dI: the gradient is taken first and scaled afterwards.
    let state: tf.Tensor2D | undefined;
    let embeddingT: tf.Tensor2D | undefined;
    const gradSum = tf.tidy(() =>
      tf.grad((input: tf.Tensor) => {
        state = tf.keep(this.model.backbone(input as tf.Tensor4D));
        embeddingT = tf.keep(this.model.head(state));
        const e = this.qualityNode === 'normalised' ? tf.div(embeddingT, tf.norm(embeddingT, 2, 1, true)) : embeddingT;
        return tf.sum(e) as tf.Scalar;
      })(x),
    );
    const t1 = performance.now();
    const embedding = embeddingT!.dataSync() as Float32Array;
    const [quality] = serFiq(state!, this.masks, (st) => this.model.stochasticHead(st));
    const qualityScaled = scaleQuality(quality, cal.alpha, cal.r);
    const t2 = performance.now();
    let l1 = 0, l2 = 0;
    for (const v of embedding) {
      l1 += Math.abs(v);
      l2 += v * v;
    }
    // ||e/||e||_2||_1 = ||e||_1 / ||e||_2 for the normalised node
    if (this.qualityNode === 'normalised') l1 /= Math.sqrt(Math.max(l2, 1e-24));
    const weight = qualityScaled / Math.max(l1, 1e-12);
    const g = gradSum.dataSync() as Float32Array;
    for (let i = 0; i < g.length; i++) g[i] *= weight;
    const t3 = performance.now();
    const n = w * h;
    const saliency = new Float32Array(n);
    const map = new Float32Array(n);
    const k = Math.pow(10, gamma);
    let clipped = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < 3; c++) {
        let v = Math.abs(g[i * 3 + c]);
        if (v > clip) {
          v = clip;
          clipped++;
        }
        s += v;
      }
      s /= 3;
      saliency[i] = s;
      map[i] = 1 - 1 / (1 + k * s * s);
    }
    tf.dispose([gradSum, state!, embeddingT!, x]);
    return {
      quality,
      qualityScaled,
      width: w,
      height: h,
      map,
      saliency,
      gradient: g,
      clippedFraction: clipped / (n * 3),
      embedding,
      timings: { forwardBackwardMs: t1 - t0, serFiqMs: t2 - t1, totalMs: t3 - t0 },
    };
  }

  dispose(): void {
    this.masks.dispose();
  }
}

/** The embedding scaled to unit L2 length (as face matching compares it). */
export function unitLength(e: Float32Array): Float32Array {
  let n = 0;
  for (const v of e) n += v * v;
  const s = 1 / Math.sqrt(Math.max(n, 1e-24));
  return e.map((v) => v * s);
}
