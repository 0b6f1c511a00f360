import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../server/tf/backend.js';
import { FrModel } from '../server/plq/fr-model.js';
import { PixelQualityEngine } from '../server/plq/pixel-quality.js';
import { regionBoxes } from '../server/plq/face-regions.js';
import { alignFace } from '../server/align/align-face.js';
import type { RgbImage } from '../server/detect/face-detector.js';
import { faceCurves } from '../server/experiments/deletion-insertion-run.js';
import { inpaintRgb, largestLowRegion } from '../server/experiments/low-plq-region.js';
import { requireOpenCvBinding } from '../server/image/opencv-binding.js';
import { repeatedQuality } from '../server/experiments/inpaint-run.js';
import { realFaces } from './helpers/real-faces.js';

describe('the experiments on real faces (mobileface)', () => {
  let model: FrModel;
  let engine: PixelQualityEngine;
  let faces: RgbImage[];

  beforeAll(async () => {
    model = await FrModel.load('mobileface');
    engine = new PixelQualityEngine(model);
    const m = model.manifest;
    faces = (await realFaces()).slice(0, 3).map((f) => alignFace(f.photo, f.face.landmarks5, m.alignmentTemplate, m.inputSize).image);
  });

  it('deletion curves fall from the untouched image; insertion curves rise to it', async () => {
    const c = await faceCurves(model, engine, faces[0], 10, 1);
    for (const o of ['plq', 'random', 'gradient'] as const) {
      const d = c.deletion[o].similarity, ins = c.insertion[o].similarity;
      expect(d[0]).toBeCloseTo(1, 4);
      expect(d[d.length - 1]).toBeLessThan(0.5);
      expect(ins[ins.length - 1]).toBeCloseTo(1, 4);
      expect(ins[0]).toBeLessThan(ins[ins.length - 1]);
      expect(c.deletion[o].auc).toBeGreaterThan(0);
      expect(c.deletion[o].auc).toBeLessThan(1);
    }
  });

  it('the largest low-PLQ region lies in the face box and has low P; inpainting changes only its pixels', () => {
    const face = faces[1];
    const { width: w, height: h } = face;
    const x = tf.tensor4d(face.data, [1, h, w, 3], 'float32');
    const p = engine.assess(x).map;
    x.dispose();
    const box = regionBoxes(model.manifest.alignmentTemplate, model.manifest.inputSize).face;
    const { mask, area } = largestLowRegion(p, w, h, box);
    expect(area).toBeGreaterThan(20);
    let inside = 0, sumIn = 0, sumBox = 0, nBox = 0;
    for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) {
      const inBox = xx >= box[0] - 3 && xx < box[0] + box[2] + 3 && y >= box[1] - 3 && y < box[1] + box[3] + 3;
      if (mask[y * w + xx]) {
        if (inBox) inside++;
        sumIn += p[y * w + xx];
      }
      if (inBox) {
        sumBox += p[y * w + xx];
        nBox++;
      }
    }
    expect(inside).toBe(area);
    expect(sumIn / area).toBeLessThan(sumBox / nBox);
    const painted = inpaintRgb(face.data, w, h, mask);
    let changedOutside = 0, changedInside = 0;
    for (let i = 0; i < w * h; i++) {
      const diff = Math.abs(painted[i * 3] - face.data[i * 3]) + Math.abs(painted[i * 3 + 1] - face.data[i * 3 + 1]) + Math.abs(painted[i * 3 + 2] - face.data[i * 3 + 2]);
      if (diff > 0 && !mask[i]) changedOutside++;
      if (diff > 0 && mask[i]) changedInside++;
    }
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(0);
    // loaded as the cameras load it: its Mats (freed by their finalizers here) tell V8 nothing,
    // so a garbage collection cannot wait for itself (README, OpenCV)
    const cv = requireOpenCvBinding() as { isCustomMatAllocatorEnabled?: () => boolean };
    expect(cv.isCustomMatAllocatorEnabled?.()).toBe(false);
  });

  it('repeats with different mask seeds give a spread of Q^ around one value', () => {
    const q = repeatedQuality(model, faces[2], 10);
    expect(q).toHaveLength(10);
    expect(new Set(q.map((v) => v.toFixed(6))).size).toBeGreaterThan(1);
    const mean = q.reduce((a, b) => a + b, 0) / q.length;
    for (const v of q) expect(Math.abs(v - mean)).toBeLessThan(0.2);
  });
});
