/**
 * Engine benchmark (one core, wasm by default): forward pass, m=100 SER-FIQ step, gradient,
 * whole PLQ map and the ratio PLQ / forward, for each shipped model; medians over real faces.
 *   npm run bench
 */
import { tf, initBackend } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { FrModel } from '../plq/fr-model.js';
import { PixelQualityEngine } from '../plq/pixel-quality.js';
import { listModels } from '../plq/model-manifest.js';
import { loadFaces } from '../experiments/face-set.js';
import { alignedTensors } from '../experiments/aligned-set.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function main(): Promise<void> {
  const backend = await initBackend();
  const detector = await HumanFaceDetector.create();
  const faces = await loadFaces(detector);
  const names = await listModels();
  console.log(`engine bench: backend ${backend.name}, ${faces.length} real faces, medians in ms`);
  console.log('model        forward   serfiq(m=100)   fwd+grad   whole PLQ   PLQ/forward   tensors(before/after)');
  for (const name of names) {
    const model = await FrModel.load(name);
    const engine = new PixelQualityEngine(model);
    const xs = alignedTensors(faces, model.manifest);
    engine.assess(xs[0]); // warm-up: kernels compiled, buffers allocated
    tf.tidy(() => model.embed(xs[0]).dataSync());
    const before = tf.memory().numTensors;
    const fwd: number[] = [], ser: number[] = [], grad: number[] = [], whole: number[] = [];
    for (const x of xs) {
      const t0 = performance.now();
      tf.tidy(() => model.embed(x).dataSync());
      fwd.push(performance.now() - t0);
      const t1 = performance.now();
      engine.quality(x);
      ser.push(performance.now() - t1);
      const t2 = performance.now();
      const r = engine.assess(x);
      whole.push(performance.now() - t2);
      grad.push(r.timings.forwardBackwardMs);
    }
    const after = tf.memory().numTensors;
    const f = median(fwd), w = median(whole);
    console.log(
      `${name.padEnd(12)} ${f.toFixed(1).padStart(7)} ${median(ser).toFixed(1).padStart(15)} ${median(grad).toFixed(1).padStart(10)} ${w.toFixed(1).padStart(11)} ${(w / f).toFixed(2).padStart(13)}   ${before}/${after}`,
    );
    tf.dispose(xs);
    engine.dispose();
  }
}

await main();
