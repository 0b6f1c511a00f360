/** The development faces aligned for a model, as tensors (shared by experiments, bench and tests). */
import { tf } from '../tf/backend.js';
import { alignFace } from '../align/align-face.js';
import type { ModelManifest } from '../plq/model-manifest.js';
import type { SetFace } from './face-set.js';

export function alignedTensors(faces: SetFace[], m: ModelManifest): tf.Tensor4D[] {
  return faces.map((f) => {
    const { image } = alignFace(f.photo, f.face.landmarks5, m.alignmentTemplate, m.inputSize);
    return tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32');
  });
}
