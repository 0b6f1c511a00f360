/**
 * What the kiosk's occlusion rules and learned detectors see of a frame, computed in-process by
 * the tracker's and the PLQ engine's own code: the subject's measurements and the PLQ figures
 * (region means, Q^, the unit-length embedding, as the PLQ worker returns it).
 */
import { FaceAssessor } from '../../server/assess/face-assessor.js';
import { unitLength } from '../../server/plq/pixel-quality.js';
import type { DetectedFace, FaceDetector, RgbImage } from '../../server/detect/face-detector.js';
import type { FaceMeasurements } from '../../server/kiosk/pipeline/measurements.js';
import type { DetectorPlqInput } from '../../server/kiosk/guidance/guidance-detectors.js';
import { detector } from './real-faces.js';
import { measureFace } from './capture-measurements.js';

let assessor: Promise<FaceAssessor> | undefined;

export interface ProbeInputs {
  face: DetectedFace;
  measurements: FaceMeasurements;
  plq: Required<DetectorPlqInput>;
}

/** `using`: another tracker than the shared one (e.g. with the eyelid model, for the closed-eye probe). */
export async function probeInputs(frame: RgbImage, using?: FaceDetector): Promise<ProbeInputs> {
  const faces = await (using ?? (await detector())).detect(frame);
  if (faces.length === 0) throw new Error('no face in the frame');
  const face = faces[0];
  assessor ??= FaceAssessor.create('mobileface');
  const a = (await assessor).assessDetected(frame, face, 0);
  return {
    face,
    measurements: measureFace(frame, face),
    plq: { regions: a.regions, qualityScaled: a.qualityScaled, embedding: unitLength(a.embedding) },
  };
}
