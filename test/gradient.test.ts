import { describe, expect, it } from 'vitest';
import { tf, initBackend } from '../server/tf/backend.js';
import { FrModel } from '../server/plq/fr-model.js';
import { realAligned } from './helpers/real-faces.js';

describe('input gradients on the wasm backend', () => {
  it('match central finite differences on a real aligned face', async () => {
    const backend = await initBackend();
    expect(backend.name).toBe('wasm');
    const model = await FrModel.load('mobileface');
    const [face] = await realAligned(model.manifest);
    const f = (x: tf.Tensor): tf.Scalar => tf.tidy(() => tf.sum(model.embed(x as tf.Tensor4D)) as tf.Scalar);
    const grad = tf.tidy(() => tf.grad(f)(face));
    const g = grad.dataSync();
    const base = face.dataSync();
    // Pixels across the face (eyes, nose, mouth, cheek) and all three channels.
    const probes = [
      [52, 38, 0], [51, 73, 1], [71, 56, 2], [92, 45, 0], [80, 30, 1], [60, 85, 2], [40, 56, 0], [100, 60, 1],
      [45, 40, 2], [55, 70, 0], [65, 50, 1], [75, 62, 2], [88, 70, 0], [30, 50, 1], [58, 20, 2], [58, 92, 0],
    ].map(([y, x, c]) => (y * 112 + x) * 3 + c);
    const eps = 1; // on the 0..255 scale
    const pairs: Array<[number, number]> = [];
    for (const i of probes) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i] += eps;
      minus[i] -= eps;
      const fp = f(tf.tensor4d(plus, face.shape)).dataSync()[0];
      const fm = f(tf.tensor4d(minus, face.shape)).dataSync()[0];
      pairs.push([(fp - fm) / (2 * eps), g[i]]);
    }
    const scale = Math.max(...pairs.map(([fd]) => Math.abs(fd)));
    expect(scale).toBeGreaterThan(0);
    // The network is piecewise linear (PReLU): a finite difference that straddles a kink
    // differs from the one-sided derivative, so allow one probe in eight to do that.
    const agreeing = pairs.filter(([fd, an]) => Math.abs(fd - an) < 0.02 * scale + 0.05 * Math.abs(fd)).length;
    expect(agreeing / pairs.length).toBeGreaterThanOrEqual(0.875);
    // The analytic gradient is not trivially zero or constant.
    const nonZero = Array.from(g).filter((v) => Math.abs(v) > 1e-7).length;
    expect(nonZero / g.length).toBeGreaterThan(0.5);
    grad.dispose();
  });

  it('agree with the cpu backend kernels', async () => {
    await initBackend('wasm');
    const model = await FrModel.load('mobileface');
    const [face] = await realAligned(model.manifest);
    const f = (x: tf.Tensor): tf.Scalar => tf.sum(model.embed(x as tf.Tensor4D)) as tf.Scalar;
    const gWasm = tf.tidy(() => tf.grad(f)(face)).dataSync();
    const data = face.dataSync().slice();
    await initBackend('cpu');
    const modelCpu = await FrModel.load('mobileface');
    const fc = (x: tf.Tensor): tf.Scalar => tf.sum(modelCpu.embed(x as tf.Tensor4D)) as tf.Scalar;
    // The reference: tfjs's own conv gradients on cpu, through the same interpreted graph.
    const gCpu = tf.tidy(() => tf.grad(fc)(tf.tensor4d(data, [1, 112, 112, 3]))).dataSync();
    let maxAbs = 0, maxErr = 0;
    for (let i = 0; i < gCpu.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(gCpu[i]));
      maxErr = Math.max(maxErr, Math.abs(gCpu[i] - gWasm[i]));
    }
    expect(maxErr / maxAbs).toBeLessThan(1e-3);
    await initBackend('wasm');
  });
});
