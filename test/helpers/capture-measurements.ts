/** FaceMeasurements of a real detection, computed by the tracker's own code. */
import type { DetectedFace, RgbImage } from '../../server/detect/face-detector.js';
import type { FaceMeasurements } from '../../server/kiosk/pipeline/measurements.js';
import { measureFace as trackerMeasure } from '../../server/kiosk/pipeline/face-measurements.js';
import { readManifest } from '../../server/plq/model-manifest.js';

const manifest = await readManifest('mobileface');

export function measureFace(image: RgbImage, face: DetectedFace): FaceMeasurements {
  return trackerMeasure(face, image, { template: manifest.alignmentTemplate, size: manifest.inputSize });
}
