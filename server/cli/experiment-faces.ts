import { initBackend, type BackendName } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { FrModel } from '../plq/fr-model.js';
import { PixelQualityEngine } from '../plq/pixel-quality.js';
import { alignedFacesOf } from '../experiments/photo-faces.js';

/** The common start of the experiment commands: backend, model, engine, the photos' aligned faces. */
export async function experimentFaces(paths: string[], o: { model: string; backend: BackendName | 'auto' }) {
  const backend = await initBackend(o.backend);
  process.stderr.write(`plq: backend ${backend.name}, model ${o.model}\n`);
  const model = await FrModel.load(o.model);
  const engine = new PixelQualityEngine(model);
  const detector = await HumanFaceDetector.create();
  const { faces, skipped } = await alignedFacesOf(paths, detector, model.manifest);
  for (const s of skipped) process.stderr.write(`plq: skipped ${s}\n`);
  if (faces.length === 0) process.stderr.write('plq: no faces\n');
  return { model, engine, faces, skipped, detector };
}
