/**
 * Score-CAM benchmark (wasm by default): ms per face of one Score-CAM map on the default model
 * for several channel batch sizes (one thread), then the whole per-photo analysis of
 * `plq analyze` (detection, PLQ, Score-CAM, BRISQUE) on 1 and 2 worker threads.
 *   npx tsx server/bench/xai-bench.ts      (also part of npm run bench)
 */
import { tf, initBackend } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { FrModel } from '../plq/fr-model.js';
import { DEFAULT_MODEL } from '../plq/model-manifest.js';
import { loadFaces } from '../experiments/face-set.js';
import { alignedTensors } from '../experiments/aligned-set.js';
import { samplePhotos } from '../plq/sample-faces.js';
import { scoreCam } from '../xai/score-cam.js';
import { runLocalPool } from '../analyze/local-pool.js';
import type { BackendName } from '../tf/backend.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const backend = await initBackend();
  const model = await FrModel.load(DEFAULT_MODEL);
  const detector = await HumanFaceDetector.create();
  const faces = await loadFaces(detector);
  const xs = alignedTensors(faces, model.manifest);
  const net = { activations: (p: tf.Tensor4D) => model.camActivations(p), embed: (p: tf.Tensor4D) => model.embed(p) };
  const channels = tf.tidy(() => model.camActivations(xs[0]).shape[3]);
  console.log(`xai bench: backend ${backend.name}, model ${DEFAULT_MODEL} (camNode ${model.manifest.camNode}, ${channels} channels), ${xs.length} real faces`);
  console.log('Score-CAM, one thread: batch   median ms/face   min   max   tensors(before/after)');
  for (const batchSize of [16, 32, 64, 128]) {
    scoreCam(net, xs[0], { batchSize }); // warm-up
    const before = tf.memory().numTensors;
    const ms = xs.map((x) => {
      const t0 = performance.now();
      scoreCam(net, x, { batchSize });
      return performance.now() - t0;
    });
    console.log(`                          ${String(batchSize).padStart(5)}   ${median(ms).toFixed(1).padStart(14)}   ${Math.min(...ms).toFixed(0).padStart(3)}   ${Math.max(...ms).toFixed(0).padStart(3)}   ${before}/${tf.memory().numTensors}`);
  }
  detector.dispose();
  const files = samplePhotos().map((p) => ({ file: p.path, key: p.id }));
  console.log(`plq analyze per-photo work (detect + PLQ + Score-CAM + BRISQUE), ${files.length} photos, wall time incl. thread start-up:`);
  for (const threads of [1, 2]) {
    let nFaces = 0;
    const camMs: number[] = [];
    const t0 = performance.now();
    await runLocalPool(files, { model: DEFAULT_MODEL, backend: backend.name as BackendName }, threads, (r) => {
      nFaces += r.faces.length;
      camMs.push(...r.faces.map((f) => f.timings.camMs));
    });
    const wall = performance.now() - t0;
    console.log(`  ${threads} thread(s): ${(wall / 1000).toFixed(1)} s for ${nFaces} faces = ${(wall / nFaces).toFixed(0)} ms/face wall; Score-CAM median ${median(camMs).toFixed(0)} ms/face inside the threads`);
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
