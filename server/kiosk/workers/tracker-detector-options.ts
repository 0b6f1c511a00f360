/** The options of the tracker's face detector (Human), from the kiosk's tracking settings: the tracker worker and `npm run bench:tracker` run the same. */
import type { HumanDetectorOptions } from '../../detect/human-detector.js';

export interface TrackerDetectorSettings {
  detectorEveryFrames: number;
  iris: boolean;
  eyelids: boolean;
  maxFaces: number;
  minBoxConfidence: number;
  minMeshConfidence: number;
  /** Run the antispoof and liveness models (guidance.presentationAttack.enabled). */
  presentationAttack: boolean;
}

/**
 * The presentation-attack models (~10 ms a run at 640x480) run on every 4th frame, at least every
 * 250 ms, scores kept in between; while the detector skips frames, on its scheduled runs instead.
 */
const PAD_EVERY_FRAMES = 4;
const PAD_MAX_AGE_MS = 250;
/**
 * The eyelid model on every 2nd frame, at least every 150 ms (a closed eye is told after 400 ms,
 * showAfterMs); while the detector skips frames, on every frame it ran on instead.
 */
const EYELIDS_EVERY_FRAMES = 2;
const EYELIDS_MAX_AGE_MS = 150;
/** While the detector skips frames, it runs at least this often. */
const DETECTOR_MAX_AGE_MS = 2000;

export function trackerDetectorOptions(s: TrackerDetectorSettings): HumanDetectorOptions {
  return {
    maxFaces: s.maxFaces,
    // Human skips `skipFrames` calls between two runs of its detector
    skipFrames: Math.max(0, s.detectorEveryFrames - 1),
    skipTimeMs: s.detectorEveryFrames > 0 ? DETECTOR_MAX_AGE_MS : 0,
    iris: s.iris,
    eyelids: s.eyelids,
    eyelidsEveryFrames: EYELIDS_EVERY_FRAMES,
    eyelidsMaxAgeMs: EYELIDS_MAX_AGE_MS,
    minConfidence: s.minBoxConfidence,
    minMeshConfidence: s.minMeshConfidence,
    antispoof: s.presentationAttack,
    liveness: s.presentationAttack,
    padEveryFrames: PAD_EVERY_FRAMES,
    padMaxAgeMs: PAD_MAX_AGE_MS,
  };
}
