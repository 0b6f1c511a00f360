import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend, type BackendName } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { loadFaces, photosInFolder } from '../experiments/face-set.js';
import { FrModel } from '../plq/fr-model.js';
import { MODELS_DIR, readManifest, writeManifest } from '../plq/model-manifest.js';
import { samplePhotos } from '../plq/sample-faces.js';
import { DEFAULT_RECIPE, faceActivations, fitHeadKernel } from '../calibration/fit-head.js';

export async function adaptHeadCommand(
  dir: string | undefined,
  opts: { model: string; augmentations: number; seed: number; backend: BackendName | 'auto' },
): Promise<number> {
  await initBackend(opts.backend);
  const manifest = await readManifest(opts.model);
  if (!manifest.adaptedHead) throw new Error(`model ${opts.model} declares no adaptable head (adaptedHead in its manifest)`);
  const photos = dir ? await photosInFolder(dir) : samplePhotos();
  const faces = await loadFaces(await HumanFaceDetector.create(), photos);
  const model = await FrModel.load(opts.model, MODELS_DIR, { withoutAdaptedHead: true });
  const recipe = { ...DEFAULT_RECIPE, augmentations: opts.augmentations, seed: opts.seed };
  const acts = faceActivations(model, faces, recipe).flat();
  const kernel = fitHeadKernel(model, acts);
  const file = path.join(MODELS_DIR, manifest.adaptedHead.file);
  await writeFile(file, Buffer.from(kernel.buffer, kernel.byteOffset, kernel.byteLength));
  manifest.adaptedHead.source =
    `plq adapt-head --model ${opts.model} --augmentations ${recipe.augmentations} --seed ${recipe.seed}${dir ? ' ' + dir : ''}: ` +
    `${faces.length} faces from ${dir ?? photos.map((p) => p.id).join(', ')}, ${acts.length} activations; ` +
    `photometric only (no geometric jitter): ${JSON.stringify(recipe.photometric)} (uniform +- ranges; gamma as exp(U))`;
  await writeManifest(manifest);
  process.stderr.write(`plq: wrote ${file} (${acts.length} activations from ${faces.length} faces)\n`);
  return 0;
}
