import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../server/tf/backend.js';
import { FrModel } from '../server/plq/fr-model.js';
import { scoreCam, type ScoreCamNetwork } from '../server/xai/score-cam.js';
import { median } from '../server/xai/map-stats.js';
import { realAligned } from './helpers/real-faces.js';

describe('Score-CAM on mobileface, real aligned faces', () => {
  let model: FrModel;
  let faces: tf.Tensor4D[];
  let net: ScoreCamNetwork;

  beforeAll(async () => {
    model = await FrModel.load('mobileface');
    faces = (await realAligned(model.manifest)).slice(0, 6);
    net = { activations: (p) => model.camActivations(p), embed: (p) => model.embed(p) };
  });

  it('gives a [0, 1] map of the input size from the deepest conv layer, weights summing to 1', () => {
    scoreCam(net, faces[0]); // first call: the graph interpreter compiles and caches its kernels' constants
    const before = tf.memory().numTensors;
    const r = scoreCam(net, faces[0]);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.map.width).toBe(112);
    expect(r.map.height).toBe(112);
    expect(Math.min(...r.map.data)).toBe(0);
    expect(Math.max(...r.map.data)).toBeCloseTo(1, 5);
    expect(r.weights.length).toBe(128); // add_15: 4x4x128
    expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('does not depend on the batch size', () => {
    const a = scoreCam(net, faces[1], { batchSize: 128 });
    const b = scoreCam(net, faces[1], { batchSize: 7 });
    let maxDiff = 0;
    for (let i = 0; i < a.map.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.map.data[i] - b.map.data[i]));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('highly activated pixels carry the identity: keeping them keeps more similarity than keeping the rest', () => {
    let wins = 0;
    for (const x of faces) {
      const cam = scoreCam(net, x).map.data;
      const med = median(cam);
      const keepHigh = Float32Array.from(cam, (v) => (v >= med ? 1 : 0));
      const keepLow = Float32Array.from(cam, (v) => (v >= med ? 0 : 1));
      const sims = tf.tidy(() => {
        const masks = tf.tensor4d([...keepHigh, ...keepLow], [2, 112, 112, 1]);
        const e = model.embed(tf.mul(x, masks) as tf.Tensor4D);
        const e0 = model.embed(x);
        const n = (t: tf.Tensor2D) => tf.div(t, tf.norm(t, 2, 1, true));
        return tf.matMul(n(e), n(e0), false, true).dataSync();
      });
      if (sims[0] > sims[1]) wins++;
    }
    expect(wins).toBeGreaterThanOrEqual(faces.length - 1);
  });

  it('differs between faces', () => {
    const a = scoreCam(net, faces[2]).map.data, b = scoreCam(net, faces[3]).map.data;
    let d = 0;
    for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
    expect(d / a.length).toBeGreaterThan(0.01);
  });
});
