import { describe, expect, it } from 'vitest';
import { tf, initBackend } from '../server/tf/backend.js';
import { dropoutMasks, pairwiseDistanceSum, serFiqFromDistanceSum, scaleQuality } from '../server/plq/ser-fiq.js';
import { fitDropoutHead, secondMoment, solveSpd } from '../server/plq/head-adaptation.js';
import { estimateSimilarity, applyAffine, invertAffine } from '../server/align/similarity.js';
import { FrModel } from '../server/plq/fr-model.js';
import { PixelQualityEngine } from '../server/plq/pixel-quality.js';
import { mulberry32 } from '../server/plq/seeded-random.js';
import { realAligned } from './helpers/real-faces.js';

describe('SER-FIQ', () => {
  it('uses inverted dropout with p = 0.5: units are 0 or 2, about half kept', async () => {
    await initBackend();
    const m = dropoutMasks(100, 2048, 0.5, 1);
    const v = m.dataSync();
    expect(new Set(v)).toEqual(new Set([0, 2]));
    const kept = v.filter((x) => x > 0).length / v.length;
    expect(kept).toBeGreaterThan(0.48);
    expect(kept).toBeLessThan(0.52);
    m.dispose();
  });

  it('Q = 2 sigmoid(-(2/m^2) sum_{i<j} ||x_i - x_j||) on hand-made embeddings', async () => {
    await initBackend();
    // three unit vectors: e1, e1, e2 -> distances 0, sqrt2, sqrt2
    const e = tf.tensor2d([[1, 0], [3, 0], [0, 5]]);
    const sum = pairwiseDistanceSum(e).dataSync()[0];
    expect(sum).toBeCloseTo(2 * Math.SQRT2, 5);
    expect(serFiqFromDistanceSum(sum, 3)).toBeCloseTo(2 / (1 + Math.exp((2 / 9) * 2 * Math.SQRT2)), 6);
    expect(serFiqFromDistanceSum(0, 100)).toBe(1);
    expect(scaleQuality(0.88, 130, 0.88)).toBeCloseTo(0.5, 6);
  });

  it('the manifest runs m = 100, p = 0.5 and one backbone pass per image', async () => {
    await initBackend();
    const model = await FrModel.load('mobileface');
    expect(model.manifest.dropout).toMatchObject({ m: 100, p: 0.5 });
    const [face] = await realAligned(model.manifest);
    let backboneCalls = 0;
    const original = model.backbone.bind(model);
    model.backbone = (x) => {
      backboneCalls++;
      return original(x);
    };
    const r = new PixelQualityEngine(model).assess(face);
    expect(backboneCalls).toBe(1);
    expect(r.quality).toBeGreaterThan(0);
    expect(r.quality).toBeLessThanOrEqual(1);
  });

  it('the quality node weight is Q^ / ||e||_1: the gradient scales with Q^', async () => {
    await initBackend();
    const model = await FrModel.load('mobileface');
    const [face] = await realAligned(model.manifest);
    const engine = new PixelQualityEngine(model);
    const a = engine.assess(face, { gradClip: Infinity });
    // Expected: Q^ / ||e||_1 * d(sum e)/dI
    let l1 = 0;
    for (const v of a.embedding) l1 += Math.abs(v);
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(model.embed(x as tf.Tensor4D)) as tf.Scalar)(face)).dataSync();
    const w = a.qualityScaled / l1;
    let maxErr = 0, maxAbs = 0;
    for (let i = 0; i < g.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(g[i] * w - a.gradient[i]));
      maxAbs = Math.max(maxAbs, Math.abs(a.gradient[i]));
    }
    expect(maxErr / maxAbs).toBeLessThan(1e-4);
  });
});

describe('dropout-adapted head', () => {
  it('solves SPD systems', () => {
    const a = Float64Array.from([4, 1, 1, 3]);
    const x = solveSpd(a, Float64Array.from([1, 2]), 2, 1);
    expect(4 * x[0] + x[1]).toBeCloseTo(1, 10);
    expect(x[0] + 3 * x[1]).toBeCloseTo(2, 10);
  });

  it('W\' = (C + diag C)^-1 C W reduces the dropout error below the trained W on the fitted data', () => {
    const rand = mulberry32(5);
    const d = 12, k = 3, n = 400;
    const basis = Array.from({ length: 3 }, () => Float32Array.from({ length: d }, () => rand()));
    const rows = Array.from({ length: n }, () => {
      const c = [rand(), rand(), rand()];
      return Float32Array.from({ length: d }, (_, i) => c[0] * basis[0][i] + c[1] * basis[1][i] + c[2] * basis[2][i] + 0.05 * rand());
    });
    const w = Float32Array.from({ length: d * k }, () => rand() - 0.5);
    const wp = fitDropoutHead(secondMoment(rows, d), w, d, k, 0.5);
    const err = (kernel: Float32Array): number => {
      let e = 0;
      for (let t = 0; t < 2000; t++) {
        const h = rows[t % n];
        const mask = Array.from({ length: d }, () => (rand() < 0.5 ? 0 : 2));
        for (let j = 0; j < k; j++) {
          let a = 0, b = 0;
          for (let i = 0; i < d; i++) {
            a += h[i] * mask[i] * kernel[i * k + j];
            b += h[i] * w[i * k + j];
          }
          e += (a - b) ** 2;
        }
      }
      return e;
    };
    expect(err(wp)).toBeLessThan(err(w) * 0.8);
  });
});

describe('alignment', () => {
  it('recovers a known similarity transform', () => {
    const src: Array<[number, number]> = [[10, 10], [50, 12], [30, 40], [15, 60], [48, 61]];
    const t = [1.7 * Math.cos(0.3), -1.7 * Math.sin(0.3), 5, 1.7 * Math.sin(0.3), 1.7 * Math.cos(0.3), -7] as const;
    const dst = src.map((p) => applyAffine([...t], p));
    const m = estimateSimilarity(src, dst);
    m.forEach((v, i) => expect(v).toBeCloseTo(t[i], 6));
    const back = applyAffine(invertAffine(m), dst[2]);
    expect(back[0]).toBeCloseTo(30, 6);
    expect(back[1]).toBeCloseTo(40, 6);
  });
});
