import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend, type BackendName } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { loadFaces, photosInFolder, type SetFace } from '../experiments/face-set.js';
import { FrModel } from '../plq/fr-model.js';
import { MODELS_DIR, readManifest, writeManifest } from '../plq/model-manifest.js';
import { DEFAULT_NEGATIVES, DEFAULT_RECIPE, faceActivations, fitHeadKernel, negativeActivations } from '../calibration/fit-head.js';
import { foldFaces } from '../faceset/fold-faces.js';

/**
 * Fits the dropout-adapted head on the fit fold (clean frontal faces by default: fitting on
 * blurred, dark or turned faces teaches the head to be stable exactly where Q should fall).
 */
export async function adaptHeadCommand(
  dir: string | undefined,
  opts: { model: string; faces: 'clean' | 'all'; augmentations: number; seed: number; negatives: number; mu: number; out?: string; backend: BackendName | 'auto' },
): Promise<number> {
  await initBackend(opts.backend);
  const manifest = await readManifest(opts.model);
  if (!manifest.adaptedHead) throw new Error(`model ${opts.model} declares no adaptable head (adaptedHead in its manifest)`);
  const model = await FrModel.load(opts.model, MODELS_DIR, { withoutAdaptedHead: true });
  let faces: SetFace[];
  let setName: string;
  if (dir) {
    faces = await loadFaces(await HumanFaceDetector.create(), await photosInFolder(dir));
    setName = dir;
  } else {
    const fold = await foldFaces(['fit'], manifest, opts.faces === 'clean' ? { filter: (r) => r.clean } : {});
    // the crop already is the aligned face: identity landmarks in crop coordinates
    faces = fold.faces.map((f, index) => ({
      photoId: f.record.id,
      index,
      photo: f.crop,
      face: { score: 1, box: [0, 0, f.crop.width, f.crop.height], landmarks5: manifest.alignmentTemplate, mesh: [], pose: f.record.pose },
    }));
    setName = `the ${opts.faces === 'clean' ? 'clean frontal ' : ''}faces of the fit fold of ../shared/faces (models/face-split.csv)`;
  }
  const recipe = { ...DEFAULT_RECIPE, augmentations: opts.augmentations, seed: opts.seed };
  const acts = faceActivations(model, faces, recipe).flat();
  const negRecipe = { ...DEFAULT_NEGATIVES, perFace: opts.negatives, mu: opts.mu };
  const negatives = negRecipe.perFace > 0 && negRecipe.mu > 0 ? negativeActivations(model, faces, negRecipe) : [];
  const kernel = fitHeadKernel(model, acts, { activations: negatives, mu: negRecipe.mu });
  const file = opts.out ?? path.join(MODELS_DIR, manifest.adaptedHead.file);
  await writeFile(file, Buffer.from(kernel.buffer, kernel.byteOffset, kernel.byteLength));
  if (!opts.out) {
    manifest.adaptedHead.source =
      `plq adapt-head --model ${opts.model} --faces ${opts.faces} --augmentations ${recipe.augmentations} --seed ${recipe.seed} --negatives ${opts.negatives} --mu ${opts.mu}${dir ? ' ' + dir : ''}: ` +
      `${faces.length} faces from ${setName}, ${acts.length} activations, ${negatives.length} damaged (blur sigma ${negRecipe.blurSigma.join('-')}, down/upscale ${negRecipe.downscale.join('-')}x; seed ${negRecipe.seed}) whose dropout noise is rewarded with weight mu ${opts.mu}; ` +
      `photometric only (no geometric jitter): ${JSON.stringify(recipe.photometric)} (uniform +- ranges; gamma as exp(U))`;
    await writeManifest(manifest);
  }
  process.stderr.write(`plq: wrote ${file} (${acts.length} activations from ${faces.length} faces)\n`);
  return 0;
}
