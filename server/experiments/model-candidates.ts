/**
 * Evidence for the choice of FR network / adaptation (README table): for each candidate, identity
 * separation (cosine of a face with its own jittered alignments vs between different people) and
 * the shares of faces whose Q drops under a 30 px black square, blur sigma 2 and 4x downscaling.
 * The adapted head is evaluated with leave-one-photo-out cross-validation: its kernel is refitted
 * without the photo whose faces are tested.
 *   npm run experiment:candidates
 */
import { tf, initBackend } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { FrModel } from '../plq/fr-model.js';
import { MODELS_DIR } from '../plq/model-manifest.js';
import { dropoutMasks, serFiq } from '../plq/ser-fiq.js';
import { DEFAULT_RECIPE, faceActivations, fitHeadKernel } from '../calibration/fit-head.js';
import { loadFaces, type SetFace } from './face-set.js';
import { alignedTensors } from './aligned-set.js';
import { separation, validity, type ValidityReport } from './validity-checks.js';

interface Row extends ValidityReport {
  candidate: string;
  sameCos: number;
  differentCos: number;
}

function embeddingsOf(model: FrModel, faces: SetFace[]): Float32Array[][] {
  const recipe = { ...DEFAULT_RECIPE, augmentations: 4, seed: 99, geometric: { rotationDeg: 10, scale: 0.1, shiftPx: 5, flip: true } };
  // rows of pre-embedding states -> deterministic embeddings
  return faceActivations(model, faces, recipe).map((rows) =>
    rows.map((h) => tf.tidy(() => model.head(tf.tensor2d(h, [1, h.length]))).dataSync() as Float32Array),
  );
}

function qualityWithKernel(model: FrModel, masks: tf.Tensor2D, kernel: tf.Tensor2D | null) {
  return (x: tf.Tensor4D): number[] =>
    tf.tidy(() => serFiq(model.backbone(x), masks, (s) => (kernel ? model.stochasticHead(s, kernel) : model.head(s))));
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const faces = await loadFaces(await HumanFaceDetector.create());
  const rows: Row[] = [];

  // mobileface: trained head, adapted head (cross-validated), adapted head (shipped, in-sample)
  const mf = await FrModel.load('mobileface', MODELS_DIR, { withoutAdaptedHead: true });
  const sepMf = separation(embeddingsOf(mf, faces));
  const masks = dropoutMasks(mf.manifest.dropout.m, mf.manifest.stateSize, mf.manifest.dropout.p, mf.manifest.dropout.seed);
  const xs = alignedTensors(faces, mf.manifest);
  rows.push({ candidate: 'mobileface, trained head', ...sepMf, ...validity(qualityWithKernel(mf, masks, null), xs) });

  const acts = faceActivations(mf, faces, DEFAULT_RECIPE);
  const photos = [...new Set(faces.map((f) => f.photoId))];
  const totals = { squareDrop: 0, blurDrop: 0, downscaleDrop: 0, meanQ: 0, faces: 0 };
  for (const held of photos) {
    const train = faces.flatMap((f, i) => (f.photoId === held ? [] : acts[i]));
    const kernel = tf.tensor2d(fitHeadKernel(mf, train), [mf.manifest.stateSize, mf.manifest.embeddingSize]);
    const test = xs.filter((_, i) => faces[i].photoId === held);
    const r = validity(qualityWithKernel(mf, masks, kernel), test);
    for (const k of ['squareDrop', 'blurDrop', 'downscaleDrop', 'meanQ'] as const) totals[k] += r[k] * r.faces;
    totals.faces += r.faces;
    kernel.dispose();
  }
  rows.push({
    candidate: `mobileface, adapted head, leave-one-photo-out (K=${DEFAULT_RECIPE.augmentations})`,
    ...sepMf,
    faces: totals.faces,
    squareDrop: totals.squareDrop / totals.faces,
    blurDrop: totals.blurDrop / totals.faces,
    downscaleDrop: totals.downscaleDrop / totals.faces,
    meanQ: totals.meanQ / totals.faces,
  });
  const full = tf.tensor2d(fitHeadKernel(mf, acts.flat()), [mf.manifest.stateSize, mf.manifest.embeddingSize]);
  rows.push({ candidate: 'mobileface, adapted head, fitted on all (shipped)', ...sepMf, ...validity(qualityWithKernel(mf, masks, full), xs) });

  for (const name of ['faceres', 'faceres-deep', 'mobilefacenet']) {
    try {
      const model = await FrModel.load(name);
      const m2 = dropoutMasks(model.manifest.dropout.m, model.manifest.stateSize, model.manifest.dropout.p, model.manifest.dropout.seed);
      const x2 = alignedTensors(faces, model.manifest);
      rows.push({ candidate: `${name}, trained head`, ...separation(embeddingsOf(model, faces)), ...validity(qualityWithKernel(model, m2, null), x2) });
    } catch (err) {
      if (name !== 'mobilefacenet') throw err; // mobilefacenet has no manifest: it is degenerate (DESIGN.md)
    }
  }

  console.log(`model candidates, backend ${backend.name}, ${faces.length} real faces from ${photos.length} photos`);
  console.log('| candidate | same-face cos | different-people cos | Q drops: square 30 px | blur sigma 2 | 4x downscale | mean Q |');
  console.log('|---|---|---|---|---|---|---|');
  const pct = (v: number): string => `${(v * 100).toFixed(0)} %`;
  for (const r of rows) {
    console.log(`| ${r.candidate} | ${r.sameCos.toFixed(3)} | ${r.differentCos.toFixed(3)} | ${pct(r.squareDrop)} | ${pct(r.blurDrop)} | ${pct(r.downscaleDrop)} | ${r.meanQ.toFixed(3)} |`);
  }
}

await main();
