import { tf, initBackend, type BackendName } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { loadFaces, photosInFolder } from '../experiments/face-set.js';
import { alignedTensors } from '../experiments/aligned-set.js';
import { FrModel } from '../plq/fr-model.js';
import { PixelQualityEngine } from '../plq/pixel-quality.js';
import { readManifest, writeManifest } from '../plq/model-manifest.js';
import { calibrate } from '../calibration/calibrate-model.js';
import { samplePhotos } from '../plq/sample-faces.js';

export async function calibrateCommand(
  dir: string | undefined,
  opts: { model: string; dryRun: boolean; backend: BackendName | 'auto' },
): Promise<number> {
  const backend = await initBackend(opts.backend);
  const photos = dir ? await photosInFolder(dir) : samplePhotos();
  const detector = await HumanFaceDetector.create();
  const faces = await loadFaces(detector, photos);
  const model = await FrModel.load(opts.model);
  const aligned = alignedTensors(faces, model.manifest);
  const engine = new PixelQualityEngine(model);
  const r = calibrate(engine, aligned);
  tf.dispose(aligned);
  const setName = dir ?? `packaged sample photos (${photos.map((p) => p.id).join(', ')})`;
  const source = `plq calibrate --model ${opts.model}${dir ? ' ' + dir : ''} on ${r.faces} faces from ${setName}; backend ${backend.name}; ${new Date().toISOString().slice(0, 10)}`;
  const values = { alpha: r.alpha, r: r.r, gamma: r.gamma, gradClip: r.gradClip };
  process.stdout.write(JSON.stringify({ ...values, faces: r.faces, meanQ: r.meanQ, sdQ: r.sdQ, medianFaceSaliency: r.medianFaceSaliency }, null, 2) + '\n');
  if (!opts.dryRun) {
    const manifest = await readManifest(opts.model);
    manifest.calibration = { ...values, source };
    process.stderr.write(`plq: wrote ${await writeManifest(manifest)}\n`);
  }
  return 0;
}
