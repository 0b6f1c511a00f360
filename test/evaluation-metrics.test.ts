/** The statistics and damage of `plq evaluate`, on known values and a real face. */
import { describe, expect, it } from 'vitest';
import { tf, initBackend } from '../server/tf/backend.js';
import { auc, fallsMonotonically, laplacianVariance, quantile } from '../server/evaluation/metrics.js';
import { applyDamage } from '../server/evaluation/damage.js';
import { realAligned } from './helpers/real-faces.js';
import { readManifest } from '../server/plq/model-manifest.js';

describe('evaluation statistics', () => {
  it('AUC is the Mann-Whitney probability with ties counted half', () => {
    expect(auc([3, 4], [1, 2])).toBe(1);
    expect(auc([1, 2], [3, 4])).toBe(0);
    expect(auc([1, 3], [2, 2])).toBe(0.5);
    expect(auc([2], [2])).toBe(0.5);
    expect(Number.isNaN(auc([], [1]))).toBe(true);
  });

  it('quantiles interpolate; monotone means strictly falling', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3], 0.1)).toBeCloseTo(1.2);
    expect(fallsMonotonically([0.7, 0.6, 0.5])).toBe(true);
    expect(fallsMonotonically([0.7, 0.7, 0.5])).toBe(false);
  });
});

describe('synthetic damage on a real aligned face', () => {
  it('blur and downscaling lower sharpness, darkening by 1.5 EV lowers linear light by 2^1.5, JPEG q10 changes pixels', async () => {
    await initBackend();
    const [x] = await realAligned(await readManifest('mobileface'));
    const asImage = async (t: tf.Tensor4D) => ({ width: 112, height: 112, data: Uint8Array.from(await t.data(), (v) => Math.max(0, Math.min(255, Math.round(v)))) });
    const sharp0 = laplacianVariance(await asImage(x));
    for (const d of [{ kind: 'blur', sigma: 2 }, { kind: 'downscale', factor: 4 }] as const) {
      const y = await applyDamage(x, d);
      expect(laplacianVariance(await asImage(y)), d.kind).toBeLessThan(sharp0 * 0.5);
      y.dispose();
    }
    const dark = await applyDamage(x, { kind: 'dark', ev: 1.5 });
    const lin = (v: number) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
    const [a, b] = [await x.data(), await dark.data()];
    const i = a.findIndex((v) => v > 120);
    expect(lin(b[i]) / lin(a[i])).toBeCloseTo(2 ** -1.5, 2);
    const jpeg = await applyDamage(x, { kind: 'jpeg', quality: 10 });
    expect(tf.tidy(() => tf.mean(tf.abs(tf.sub(jpeg, x))).dataSync()[0])).toBeGreaterThan(1);
    tf.dispose([dark, jpeg]);
  });
});
