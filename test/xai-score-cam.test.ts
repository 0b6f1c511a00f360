import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../server/tf/backend.js';
import { FrModel } from '../server/plq/fr-model.js';
import { scoreCam, upsampleActivations, type ScoreCamNetwork } from '../server/xai/score-cam.js';
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

describe('Score-CAM upsampling (half-pixel centres)', () => {
  /** A one-channel 4x4 "network": the map is then exactly the min-max scaled upsampled activation. */
  const fixedNet = (cells: number[]): ScoreCamNetwork => ({
    activations: (p) => tf.tensor4d(cells, [1, 4, 4, 1]).tile([p.shape[0], 1, 1, 1]) as tf.Tensor4D,
    embed: (p) => tf.add(p.mean([1, 2]), 1) as tf.Tensor2D,
  });
  const image = () => tf.fill([1, 112, 112, 3], 100) as tf.Tensor4D;

  it('a single active 4x4 cell lands centred on its own 28x28 area', () => {
    const cells = new Array(16).fill(0);
    cells[1 * 4 + 2] = 1; // row 1, column 2: pixels rows 28..55, columns 56..83, centre (41.5, 69.5)
    const x = image();
    const { map } = scoreCam(fixedNet(cells), x);
    x.dispose();
    let sum = 0, cy = 0, cx = 0, max = -Infinity;
    for (let i = 0; i < map.data.length; i++) max = Math.max(max, map.data[i]);
    let py = 0, px = 0, np = 0;
    for (let y = 0; y < 112; y++) {
      for (let x = 0; x < 112; x++) {
        const v = map.data[y * 112 + x];
        sum += v; cy += v * y; cx += v * x;
        if (v >= max - 1e-6) { py += y; px += x; np++; }
      }
    }
    expect(Math.abs(cy / sum - 41.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(cx / sum - 69.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(py / np - 41.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(px / np - 69.5)).toBeLessThanOrEqual(1);
  });

  it('the last rows and columns are not flat, and the map is not shifted (a ramp upsamples symmetrically)', () => {
    const x = image();
    const rows = scoreCam(fixedNet(Array.from({ length: 16 }, (_, i) => Math.floor(i / 4))), x).map.data; // value = row
    const cols = scoreCam(fixedNet(Array.from({ length: 16 }, (_, i) => i % 4)), x).map.data; // value = column
    x.dispose();
    const at = (m: Float32Array, y: number, xx: number) => m[y * 112 + xx];
    // Pixel i samples the ramp at (i + 0.5) / 28 - 0.5, clamped to [0, 3]: only the outer 14 px on each
    // side, beyond the first and last cells' centres, are flat (without half-pixel centres the last 28 were).
    const expected = (i: number) => Math.min(3, Math.max(0, (i + 0.5) / 28 - 0.5)) / 3;
    for (let i = 0; i < 112; i++) {
      expect(at(rows, i, 7)).toBeCloseTo(expected(i), 4);
      expect(at(cols, 7, i)).toBeCloseTo(expected(i), 4);
      expect(at(rows, i, 7) + at(rows, 111 - i, 7)).toBeCloseTo(1, 5);
      expect(at(cols, 7, i) + at(cols, 7, 111 - i)).toBeCloseTo(1, 5);
    }
    const lastRows = new Set(Array.from({ length: 28 }, (_, i) => at(rows, 84 + i, 50).toFixed(4)));
    const lastCols = new Set(Array.from({ length: 28 }, (_, i) => at(cols, 50, 84 + i).toFixed(4)));
    expect(lastRows.size).toBeGreaterThanOrEqual(14);
    expect(lastCols.size).toBeGreaterThanOrEqual(14);
  });

  it('upsamples every channel of a batch alike', () => {
    const up = tf.tidy(() => {
      const a = tf.tensor4d(Array.from({ length: 2 * 16 * 2 }, (_, i) => (i * 7) % 5), [2, 4, 4, 2]);
      return upsampleActivations(a, 112, 112).arraySync();
    });
    // Cell centres sit at pixels 13.5, 41.5, 69.5, 97.5: the mean of the two pixels around a centre is near the cell value.
    const a = Array.from({ length: 2 * 16 * 2 }, (_, i) => (i * 7) % 5);
    for (let n = 0; n < 2; n++) for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 2; k++) {
      const y = 28 * r + 13, xx = 28 * c + 13;
      const v = (up[n][y][xx][k] + up[n][y + 1][xx + 1][k] + up[n][y][xx + 1][k] + up[n][y + 1][xx][k]) / 4;
      expect(Math.abs(v - a[((n * 4 + r) * 4 + c) * 2 + k])).toBeLessThan(0.2);
    }
  });
});
