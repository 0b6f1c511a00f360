/**
 * What the kiosk's occlusion rules and learned detectors see of a frame, computed in-process by
 * the tracker's and the PLQ worker's own code: the subject's measurements and the PLQ figures
 * (region means, Q^, the unit-length embedding).
 */
import { tf } from '../../server/tf/backend.js';
import { FrModel } from '../../server/plq/fr-model.js';
import { PixelQualityEngine, unitLength } from '../../server/plq/pixel-quality.js';
import { alignFace } from '../../server/align/align-face.js';
import { regionBoxes, regionMeans } from '../../server/plq/face-regions.js';
import type { DetectedFace, RgbImage } from '../../server/detect/face-detector.js';
import type { FaceMeasurements } from '../../server/kiosk/pipeline/measurements.js';
import type { DetectorPlqInput } from '../../server/kiosk/guidance/guidance-detectors.js';
import { detector } from './real-faces.js';
import { measureFace } from './capture-measurements.js';

let engine: Promise<PixelQualityEngine> | undefined;

export interface ProbeInputs {
  face: DetectedFace;
  measurements: FaceMeasurements;
  plq: Required<DetectorPlqInput>;
}

export async function probeInputs(frame: RgbImage): Promise<ProbeInputs> {
  const faces = await (await detector()).detect(frame);
  if (faces.length === 0) throw new Error('no face in the frame');
  const face = faces[0];
  engine ??= FrModel.load('mobileface').then((model) => new PixelQualityEngine(model));
  const e = await engine;
  const { alignmentTemplate, inputSize } = e.model.manifest;
  const { image } = alignFace(frame, face.landmarks5, alignmentTemplate, inputSize);
  const x = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32');
  const r = e.assess(x);
  x.dispose();
  return {
    face,
    measurements: measureFace(frame, face),
    plq: { regions: regionMeans(r.map, r.width, regionBoxes(alignmentTemplate, inputSize)), qualityScaled: r.qualityScaled, embedding: unitLength(r.embedding) },
  };
}
