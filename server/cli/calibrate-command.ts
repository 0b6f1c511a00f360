import { tf, initBackend, type BackendName } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { loadFaces, photosInFolder } from '../experiments/face-set.js';
import { alignedTensors, rgbTensor } from '../experiments/aligned-set.js';
import { FrModel } from '../plq/fr-model.js';
import { PixelQualityEngine } from '../plq/pixel-quality.js';
import { readManifest, writeManifest } from '../plq/model-manifest.js';
import { calibrate, CLEAN_PASS_SHARE, MEDIAN_TARGET } from '../calibration/calibrate-model.js';
import { foldFaces } from '../faceset/fold-faces.js';

/** Calibrates on the clean frontal faces of the calibrate fold (faces the head never saw), or on a folder. */
export async function calibrateCommand(
  dir: string | undefined,
  opts: { model: string; dryRun: boolean; backend: BackendName | 'auto' },
): Promise<number> {
  const backend = await initBackend(opts.backend);
  const model = await FrModel.load(opts.model);
  let aligned: tf.Tensor4D[];
  let setName: string;
  if (dir) {
    const faces = await loadFaces(await HumanFaceDetector.create(), await photosInFolder(dir));
    aligned = alignedTensors(faces, model.manifest);
    setName = dir;
  } else {
    const fold = await foldFaces(['calibrate'], model.manifest, { filter: (r) => r.clean });
    aligned = fold.faces.map((f) => rgbTensor(f.crop));
    setName = `the clean frontal faces of the calibrate fold of ../shared/faces (models/face-split.csv)`;
  }
  const engine = new PixelQualityEngine(model);
  const r = calibrate(engine, aligned);
  tf.dispose(aligned);
  const source =
    `plq calibrate --model ${opts.model}${dir ? ' ' + dir : ''} on ${r.faces} faces: ${setName}; ` +
    `rule: r = Q at the ${Math.round((1 - CLEAN_PASS_SHARE) * 100)}th percentile, median Q -> Q^ ${MEDIAN_TARGET}; backend ${backend.name}; ${new Date().toISOString().slice(0, 10)}`;
  const values = { alpha: r.alpha, r: r.r, gamma: r.gamma, gradClip: r.gradClip };
  process.stdout.write(JSON.stringify({ ...values, faces: r.faces, meanQ: r.meanQ, sdQ: r.sdQ, medianFaceSaliency: r.medianFaceSaliency }, null, 2) + '\n');
  if (!opts.dryRun) {
    const manifest = await readManifest(opts.model);
    manifest.calibration = { ...values, source };
    process.stderr.write(`plq: wrote ${await writeManifest(manifest)}\n`);
  }
  return 0;
}
