import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { brisqueFeatures, fitAggd, fitGgd, rgbToGrey } from '../server/xai/brisque-features.js';
import { brisqueScore, parseBrisqueModel } from '../server/xai/brisque-model.js';
import { gamma } from '../server/xai/gamma-function.js';
import { distort } from '../server/calibration/fit-brisque.js';
import { mulberry32 } from '../server/plq/seeded-random.js';
import { alignFace } from '../server/align/align-face.js';
import { readManifest } from '../server/plq/model-manifest.js';
import { realFaces } from './helpers/real-faces.js';

function samples(n: number, draw: (r: () => number) => number): number[] {
  const r = mulberry32(11);
  return Array.from({ length: n }, () => draw(r));
}
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const laplace = (r: () => number) => (r() < 0.5 ? 1 : -1) * -Math.log(1 - r());

describe('BRISQUE', () => {
  it('gamma matches known values', () => {
    expect(gamma(5)).toBeCloseTo(24, 9);
    expect(gamma(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 9);
  });

  it('the GGD fit recovers the shape of Gaussian (2) and Laplacian (1) samples', () => {
    expect(fitGgd(samples(50000, gauss))[0]).toBeCloseTo(2, 1);
    expect(fitGgd(samples(50000, laplace))[0]).toBeCloseTo(1, 1);
    const [shape, mean, l, r] = fitAggd(samples(50000, (rr) => { const v = gauss(rr); return v < 0 ? v : 2 * v; }));
    expect(shape).toBeCloseTo(2, 0);
    expect(r / l).toBeCloseTo(4, 0);
    expect(mean).toBeGreaterThan(0);
  });

  it('scores rise with blur and noise on real aligned faces (the fitted model)', async () => {
    const file = path.resolve('models/brisque/brisque-faces.json');
    const model = parseBrisqueModel(JSON.parse(await readFile(file, 'utf8')), file);
    const m = await readManifest('mobileface');
    const faces = (await realFaces()).slice(0, 8).map((f) => alignFace(f.photo, f.face.landmarks5, m.alignmentTemplate, m.inputSize).image);
    const score = (im: { width: number; height: number; data: Uint8Array }) => brisqueScore(model, brisqueFeatures(rgbToGrey(im.data, im.width, im.height)));
    let blurUp = 0, noiseUp = 0;
    for (const [i, f] of faces.entries()) {
      const s0 = score(f);
      if (score(await distort(f, 'blur', 2.5, i)) > s0) blurUp++;
      if (score(await distort(f, 'noise', 15, 77 + i)) > s0) noiseUp++;
    }
    // Held-out levels (2.5 and 15 are not fitting levels); the fit saw these faces, so demand all.
    expect(blurUp).toBe(faces.length);
    expect(noiseUp).toBe(faces.length);
  });

  it('refuses tiny images', () => {
    expect(() => brisqueFeatures({ width: 8, height: 8, data: new Float64Array(64) })).toThrow(/16x16/);
  });
});
