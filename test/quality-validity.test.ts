import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend } from '../server/tf/backend.js';
import { FrModel } from '../server/plq/fr-model.js';
import { PixelQualityEngine } from '../server/plq/pixel-quality.js';
import { validity } from '../server/experiments/validity-checks.js';
import { randomMaskExperiment } from '../server/experiments/random-masks.js';
import { DEFAULT_MODEL } from '../server/plq/model-manifest.js';
import { realAligned } from './helpers/real-faces.js';

describe(`quality of the default model (${DEFAULT_MODEL}) on real faces`, () => {
  let engine: PixelQualityEngine;
  let faces: tf.Tensor4D[];
  beforeAll(async () => {
    await initBackend();
    engine = new PixelQualityEngine(await FrModel.load(DEFAULT_MODEL));
    faces = await realAligned(engine.model.manifest);
  });

  it('has a real development set', () => {
    expect(faces.length).toBeGreaterThanOrEqual(20);
  });

  it('Q drops under black squares (s=30) and Gaussian blur (sigma 2) for at least 80 % of the faces its head was fitted on', () => {
    const r = validity((x) => engine.quality(x), faces);
    expect(r.squareDrop).toBeGreaterThanOrEqual(0.8);
    expect(r.blurDrop).toBeGreaterThanOrEqual(0.8);
  });

  it('random masks (fitting faces): dQ > 0 and mean P inside the square falls, for s >= 30 on at least 80 % of faces', () => {
    const rows = randomMaskExperiment(engine, faces, [30, 50]);
    for (const row of rows) {
      expect(row.faces).toBe(faces.length);
      expect(row.qualityDrop).toBeGreaterThanOrEqual(0.8);
      expect(row.pixelDrop).toBeGreaterThanOrEqual(0.8);
      expect(row.meanDp).toBeGreaterThan(0);
    }
  });

  it('maps are comparable: P in [0, 1], higher in the face centre than in the corners, not min-max scaled', () => {
    const r = engine.assess(faces[0]);
    let min = 1, max = 0;
    for (const v of r.map) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    // not stretched to exactly [0, 1] per image
    expect(min > 0 || max < 1).toBe(true);
    const mean = (x0: number, y0: number, x1: number, y1: number): number => {
      let s = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += r.map[y * 112 + x];
      return s / ((x1 - x0) * (y1 - y0));
    };
    expect(mean(36, 40, 76, 96)).toBeGreaterThan(mean(0, 0, 12, 12));
  });

  it('a darkened face gets a lower Q^ and a lower mean P than the original', () => {
    const dark = tf.tidy(() => tf.mul(faces[1], 0.15)) as tf.Tensor4D;
    const a = engine.assess(faces[1]);
    const b = engine.assess(dark);
    dark.dispose();
    const meanP = (m: Float32Array): number => m.reduce((s, v) => s + v, 0) / m.length;
    expect(b.qualityScaled).toBeLessThan(a.qualityScaled);
    expect(meanP(b.map)).toBeLessThan(meanP(a.map));
  });
});

describe('quality of faceres (no adaptation, so no face was fitted) on real faces', () => {
  it('Q drops under blur and downscaling for at least 80 %, under squares for most, and P falls inside squares', async () => {
    await initBackend();
    const engine = new PixelQualityEngine(await FrModel.load('faceres'));
    const faces = await realAligned(engine.model.manifest);
    const r = validity((x) => engine.quality(x), faces);
    expect(r.blurDrop).toBeGreaterThanOrEqual(0.8);
    expect(r.downscaleDrop).toBeGreaterThanOrEqual(0.8);
    expect(r.squareDrop).toBeGreaterThan(0.5);
    const [row] = randomMaskExperiment(engine, faces, [30]);
    expect(row.pixelDrop).toBeGreaterThanOrEqual(0.8);
    tf.dispose(faces);
  });
});
