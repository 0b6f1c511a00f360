/** Worker: face tracking on every frame it is given (Human; its face detector on every frame, or every Nth: tracking.detectorEveryFrames). */
import { tf, initBackend, type BackendName } from '../../tf/backend.js';
import { HumanFaceDetector } from '../../detect/human-detector.js';
import type { FaceDetector } from '../../detect/face-detector.js';
import { SecondLookDetector } from '../../detect/second-look.js';
import { SsdFaceFinder } from '../../detect/ssd-face-finder.js';
import { readManifest } from '../../plq/model-manifest.js';
import { measureFace, type AlignmentSpec } from '../pipeline/face-measurements.js';
import type { FaceMeasurements, TrackingResult } from '../pipeline/measurements.js';
import { selectSubject, type SubjectSelectionOptions } from '../pipeline/subject-selection.js';
import { serveWorker } from './worker-host.js';

export interface TrackerInit {
  backend: BackendName | 'auto';
  model: string;
  detectorEveryFrames: number;
  /** tracking.secondLookMs: 0 = off. */
  secondLookMs: number;
  iris: boolean;
  eyelids: boolean;
  maxFaces: number;
  minBoxConfidence: number;
  minMeshConfidence: number;
  selection: SubjectSelectionOptions;
  /** Run the antispoof and liveness models (guidance.presentationAttack.enabled). */
  presentationAttack: boolean;
}

/** The presentation-attack models (~10 ms a run at 640x480) run on every 4th frame, at least every 250 ms; scores are kept in between. */
const PAD_EVERY_FRAMES = 4;
const PAD_MAX_AGE_MS = 250;
/** The eyelid model on every 2nd frame, at least every 150 ms: a closed eye is told after 400 ms (showAfterMs). */
const EYELIDS_EVERY_FRAMES = 2;
const EYELIDS_MAX_AGE_MS = 150;

export interface TrackRequest {
  seq: number;
  ts: number;
  width: number;
  height: number;
  data: Uint8Array;
}

let detector: FaceDetector | undefined;
let align: AlignmentSpec | undefined;
/** The subject on the last call the detector ran on (every call with it on every frame), and the calls since. */
let previous: FaceMeasurements | undefined;
let callsSincePrevious = 0;
let selection: SubjectSelectionOptions | undefined;

serveWorker({
  init: async (p: TrackerInit) => {
    await initBackend(p.backend);
    const m = await readManifest(p.model);
    align = { template: m.alignmentTemplate, size: m.inputSize };
    selection = p.selection;
    const human = await HumanFaceDetector.create({
      maxFaces: p.maxFaces,
      // Human skips `skipFrames` calls between two runs of its detector
      skipFrames: Math.max(0, p.detectorEveryFrames - 1),
      skipTimeMs: p.detectorEveryFrames > 0 ? 2000 : 0,
      iris: p.iris,
      eyelids: p.eyelids,
      eyelidsEveryFrames: EYELIDS_EVERY_FRAMES,
      eyelidsMaxAgeMs: EYELIDS_MAX_AGE_MS,
      minConfidence: p.minBoxConfidence,
      minMeshConfidence: p.minMeshConfidence,
      antispoof: p.presentationAttack,
      liveness: p.presentationAttack,
      padEveryFrames: PAD_EVERY_FRAMES,
      padMaxAgeMs: PAD_MAX_AGE_MS,
    });
    detector = p.secondLookMs > 0 ? new SecondLookDetector(human, await SsdFaceFinder.load(), { everyMs: p.secondLookMs }) : human;
    // a first detection compiles the detector's kernels before the first live frame
    await detector.detect({ width: 640, height: 480, data: new Uint8Array(640 * 480 * 3) });
    return { result: true };
  },
  track: async (p: TrackRequest) => {
    if (!detector || !align) throw new Error('tracker not initialised');
    const t0 = performance.now();
    const image = { width: p.width, height: p.height, data: p.data };
    const detected = await detector.detect(image);
    // the subject (largest, most central face) first; motion is measured on the subject only
    const { order, competing } = selectSubject(detected, image, selection);
    callsSincePrevious++;
    const measured = order.map((i, k) => measureFace(detected[i], image, align!, k === 0 ? previous : undefined, callsSincePrevious));
    if (!measured[0]?.tracked) {
      previous = measured[0];
      callsSincePrevious = 0;
    }
    const result: TrackingResult & { data: Uint8Array } = {
      seq: p.seq,
      ts: p.ts,
      width: p.width,
      height: p.height,
      faces: measured,
      competingFaces: competing,
      trackMs: performance.now() - t0,
      data: p.data,
    };
    // the frame's pixels go back to the main thread without a copy
    return { result, transfer: [p.data.buffer as ArrayBuffer] };
  },
  stats: () => ({ result: { numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes } }),
});
