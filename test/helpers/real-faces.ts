/** Real faces from the packaged photos, detected and aligned once per test worker. */
import { tf, initBackend } from '../../server/tf/backend.js';
import { HumanFaceDetector } from '../../server/detect/human-detector.js';
import { loadFaces, type SetFace } from '../../server/experiments/face-set.js';
import { alignedTensors } from '../../server/experiments/aligned-set.js';
import type { ModelManifest } from '../../server/plq/model-manifest.js';

let facesPromise: Promise<SetFace[]> | undefined;
let detectorPromise: Promise<HumanFaceDetector> | undefined;

export async function detector(): Promise<HumanFaceDetector> {
  await initBackend();
  detectorPromise ??= HumanFaceDetector.create();
  return detectorPromise;
}

export async function realFaces(): Promise<SetFace[]> {
  facesPromise ??= detector().then((d) => loadFaces(d));
  return facesPromise;
}

export async function realAligned(m: ModelManifest): Promise<tf.Tensor4D[]> {
  return alignedTensors(await realFaces(), m);
}
