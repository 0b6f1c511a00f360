/** Worker: face tracking on every frame it is given (Human; its face detector on every frame, or every Nth: tracking.detectorEveryFrames). */
import { tf, initBackend, type BackendName } from '../../tf/backend.js';
import { HumanFaceDetector } from '../../detect/human-detector.js';
import type { FaceDetector } from '../../detect/face-detector.js';
import { SecondLookDetector } from '../../detect/second-look.js';
import { SsdFaceFinder } from '../../detect/ssd-face-finder.js';
import { readManifest } from '../../plq/model-manifest.js';
import { FrameMeasurements } from '../pipeline/frame-measurements.js';
import type { TrackingResult } from '../pipeline/measurements.js';
import type { SubjectSelectionOptions } from '../pipeline/subject-selection.js';
import { serveWorker } from './worker-host.js';
import { trackerDetectorOptions, type TrackerDetectorSettings } from './tracker-detector-options.js';

export interface TrackerInit extends TrackerDetectorSettings {
  backend: BackendName | 'auto';
  model: string;
  /** tracking.secondLookMs: 0 = off. */
  secondLookMs: number;
  selection: SubjectSelectionOptions;
}

export interface TrackRequest {
  seq: number;
  ts: number;
  width: number;
  height: number;
  data: Uint8Array;
}

let detector: FaceDetector | undefined;
let measurements: FrameMeasurements | undefined;

serveWorker({
  init: async (p: TrackerInit) => {
    await initBackend(p.backend);
    const m = await readManifest(p.model);
    measurements = new FrameMeasurements({ template: m.alignmentTemplate, size: m.inputSize }, p.selection);
    const human = await HumanFaceDetector.create(trackerDetectorOptions(p));
    detector = p.secondLookMs > 0 ? new SecondLookDetector(human, await SsdFaceFinder.load(), { everyMs: p.secondLookMs }) : human;
    // a first detection compiles the detector's kernels before the first live frame
    await detector.detect({ width: 640, height: 480, data: new Uint8Array(640 * 480 * 3) });
    return { result: true };
  },
  track: async (p: TrackRequest) => {
    if (!detector || !measurements) throw new Error('tracker not initialised');
    const t0 = performance.now();
    const image = { width: p.width, height: p.height, data: p.data };
    const { faces, competingFaces } = measurements.measure(await detector.detect(image), image);
    const result: TrackingResult & { data: Uint8Array } = {
      seq: p.seq,
      ts: p.ts,
      width: p.width,
      height: p.height,
      faces,
      competingFaces,
      trackMs: performance.now() - t0,
      data: p.data,
    };
    // the frame's pixels go back to the main thread without a copy
    return { result, transfer: [p.data.buffer as ArrayBuffer] };
  },
  stats: () => ({ result: { numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes } }),
});
