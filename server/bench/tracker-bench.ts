/**
 * Where a tracked frame's time goes, in the tracker worker's own steps: the face detector and mesh
 * (Human with the tracker's own options: BlazeFace, the mesh, the eyelid model) and the per-frame
 * measurements in JavaScript (frame-measurements.ts: the aligned crop's region appearance, the
 * spectacle edges and eye histograms on the 3x crop, sharpness, light), on the demo's booth frames
 * (cut from the photos shipped in npm packages), each frame called `--calls` times (default 12,
 * the first two not counted). Prints each step's mean per call, the measurements' share of the
 * detector's time, and the frames a second the two steps allow, measured in the same run.
 * `--detector-every N`: tracking.detectorEveryFrames (default: the kiosk's), the calls between two
 * runs of the detector tracked from the previous mesh (shown apart).
 *   npm run bench:tracker [-- --calls 12] [--detector-every N]
 */
import { initBackend } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { FrameMeasurements } from '../kiosk/pipeline/frame-measurements.js';
import { readManifest } from '../plq/model-manifest.js';
import { DEFAULT_CONFIG } from '../kiosk/config/kiosk-config.js';
import { ensureDemoFrames } from '../kiosk/camera/demo-frames.js';
import { decodeImageFolder } from '../kiosk/camera/image-folder.js';
import { trackerDetectorOptions } from '../kiosk/workers/tracker-detector-options.js';
import { numberArg } from './bench-args.js';

const calls = Math.max(3, numberArg('calls', 12));
const backend = await initBackend();
const tracking = { ...DEFAULT_CONFIG.tracking, detectorEveryFrames: numberArg('detector-every', DEFAULT_CONFIG.tracking.detectorEveryFrames) };
const detector = await HumanFaceDetector.create(trackerDetectorOptions({ ...tracking, presentationAttack: false }));
const manifest = await readManifest(DEFAULT_CONFIG.engine.model);
const frames = new FrameMeasurements({ template: manifest.alignmentTemplate, size: manifest.inputSize });
const { images } = await decodeImageFolder(await ensureDemoFrames(() => HumanFaceDetector.create({ maxFaces: 20 })), 640, () => {});
let detectMs = 0, measureMs = 0, n = 0, faces = 0;
const byKind = { detector: { ms: 0, n: 0 }, tracked: { ms: 0, n: 0 } };
for (const { image } of images) {
  for (let k = 0; k < calls; k++) {
    const t0 = performance.now();
    const found = await detector.detect(image);
    const t1 = performance.now();
    frames.measure(found, image);
    const t2 = performance.now();
    if (k < 2) continue;
    detectMs += t1 - t0;
    measureMs += t2 - t1;
    faces += found.length;
    n++;
    const kind = byKind[found[0]?.tracked ? 'tracked' : 'detector'];
    kind.ms += t2 - t0;
    kind.n++;
  }
}
const every = tracking.detectorEveryFrames > 1 ? `the face detector once every ${tracking.detectorEveryFrames} calls` : 'the face detector on every call';
console.log(`tracker bench: ${images.length} demo booth frames x ${calls - 2} calls, backend ${backend.name}, ${every}, eyelid model ${tracking.eyelids ? 'on' : 'off'}`);
console.log(`  detector + mesh ${(detectMs / n).toFixed(1)} ms a call, measurements ${(measureMs / n).toFixed(2)} ms a call (${(measureMs / Math.max(1, faces)).toFixed(2)} ms a face)`);
console.log(`  measurements / detector: ${(measureMs / detectMs).toFixed(3)}`);
const mean = (k: { ms: number; n: number }): string => (k.n ? `${(k.ms / k.n).toFixed(1)} ms (${k.n} calls)` : '-');
console.log(`  a call with the detector ${mean(byKind.detector)}, a tracked call ${mean(byKind.tracked)}`);
console.log(`  per frame ${((detectMs + measureMs) / n).toFixed(1)} ms: ${(1000 / ((detectMs + measureMs) / n)).toFixed(1)} frames/s`);
