/**
 * The PLQ paper's random-mask check: black s x s squares (s = 10..50) in the inner 90 % of real
 * aligned faces. Prints per s the share of faces with dQ = Q^(orig) - Q^(masked) > 0 and with
 * dp = mean P(orig) - mean P(masked) inside the square > 0.
 *   npm run experiment:masks [-- --model NAME]
 */
import { tf, initBackend } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { FrModel } from '../plq/fr-model.js';
import { PixelQualityEngine } from '../plq/pixel-quality.js';
import { mulberry32 } from '../plq/seeded-random.js';
import { DEFAULT_MODEL } from '../plq/model-manifest.js';
import { loadFaces } from './face-set.js';
import { alignedTensors } from './aligned-set.js';
import { blackSquare, randomInnerSquare, type Square } from './degradations.js';

export interface MaskRow {
  size: number;
  faces: number;
  qualityDrop: number;
  pixelDrop: number;
  meanDq: number;
  meanDp: number;
}

const meanIn = (map: Float32Array, w: number, sq: Square): number => {
  let s = 0;
  for (let y = sq.y; y < sq.y + sq.size; y++) for (let x = sq.x; x < sq.x + sq.size; x++) s += map[y * w + x];
  return s / (sq.size * sq.size);
};

export function randomMaskExperiment(engine: PixelQualityEngine, faces: tf.Tensor4D[], sizes = [10, 20, 30, 40, 50], seed = 11): MaskRow[] {
  const base = faces.map((x) => engine.assess(x));
  return sizes.map((size) => {
    const rand = mulberry32(seed + size);
    let dq = 0, dp = 0, sumDq = 0, sumDp = 0;
    faces.forEach((x, i) => {
      const [, h, w] = x.shape;
      const scaled = Math.round((size * w) / 112);
      const sq = randomInnerSquare(w, h, scaled, rand);
      const masked = blackSquare(x, sq);
      const r = engine.assess(masked);
      masked.dispose();
      const dQ = base[i].qualityScaled - r.qualityScaled;
      const dP = meanIn(base[i].map, w, sq) - meanIn(r.map, w, sq);
      if (dQ > 0) dq++;
      if (dP > 0) dp++;
      sumDq += dQ;
      sumDp += dP;
    });
    const n = faces.length;
    return { size, faces: n, qualityDrop: dq / n, pixelDrop: dp / n, meanDq: sumDq / n, meanDp: sumDp / n };
  });
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--model');
  const name = i > 0 ? process.argv[i + 1] : DEFAULT_MODEL;
  const backend = await initBackend();
  const model = await FrModel.load(name);
  const faces = alignedTensors(await loadFaces(await HumanFaceDetector.create()), model.manifest);
  const rows = randomMaskExperiment(new PixelQualityEngine(model), faces);
  console.log(`random masks, model ${name}, backend ${backend.name}, ${faces.length} real aligned faces (sizes at 112 px scale)`);
  console.log('   s   faces   dQ>0    dp>0    mean dQ^   mean dp');
  for (const r of rows) {
    console.log(
      `${String(r.size).padStart(4)} ${String(r.faces).padStart(7)} ${(r.qualityDrop * 100).toFixed(0).padStart(5)} % ${(r.pixelDrop * 100).toFixed(0).padStart(5)} %  ${r.meanDq.toFixed(4).padStart(9)} ${r.meanDp.toFixed(4).padStart(9)}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
