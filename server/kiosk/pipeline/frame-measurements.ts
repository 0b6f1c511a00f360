/**
 * A frame's faces as the tracker hands them on: the subject (largest, most central face) first,
 * each measured, the subject's motion taken from the last frame the face detector ran on.
 */
import type { DetectedFace, RgbImage } from '../../detect/face-detector.js';
import { measureFace, type AlignmentSpec } from './face-measurements.js';
import type { FaceMeasurements } from './measurements.js';
import { selectSubject, type SubjectSelectionOptions } from './subject-selection.js';

export class FrameMeasurements {
  /** The subject on the last call the detector ran on (every call with it on every frame), and the calls since. */
  private previous: FaceMeasurements | undefined;
  private callsSincePrevious = 0;

  constructor(
    private readonly align: AlignmentSpec,
    private readonly selection?: SubjectSelectionOptions,
  ) {}

  measure(detected: DetectedFace[], image: RgbImage): { faces: FaceMeasurements[]; competingFaces: number } {
    const { order, competing } = selectSubject(detected, image, this.selection);
    this.callsSincePrevious++;
    const faces = order.map((i, k) => measureFace(detected[i], image, this.align, k === 0 ? this.previous : undefined, this.callsSincePrevious));
    if (!faces[0]?.tracked) {
      this.previous = faces[0];
      this.callsSincePrevious = 0;
    }
    return { faces, competingFaces: competing };
  }
}
