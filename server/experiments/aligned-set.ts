/** The development faces aligned for a model, as tensors (shared by experiments, bench and tests). */
import { tf } from '../tf/backend.js';
import { alignFace } from '../align/align-face.js';
import type { ModelManifest } from '../plq/model-manifest.js';
import type { RgbImage } from '../detect/face-detector.js';
import type { SetFace } from './face-set.js';

/** An 8-bit RGB image as a float tensor [1, h, w, 3] on the 0..255 scale. */
export function rgbTensor(img: RgbImage): tf.Tensor4D {
  return tf.tensor4d(img.data, [1, img.height, img.width, 3], 'float32');
}

export function alignedTensors(faces: SetFace[], m: ModelManifest): tf.Tensor4D[] {
  return faces.map((f) => rgbTensor(alignFace(f.photo, f.face.landmarks5, m.alignmentTemplate, m.inputSize).image));
}
