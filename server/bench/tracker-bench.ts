/**
 * Where a tracked frame's time goes, in the tracker worker's own steps: the face detector and mesh
 * (Human: BlazeFace, the mesh, the eyelid model on every 2nd call, as the tracker runs them) and
 * the per-frame measurements in JavaScript (face-measurements.ts `measureFace`: the aligned crop's
 * region appearance, the spectacle edges and eye histograms on the 3x crop, sharpness, light),
 * on the demo's booth frames (cut from the photos shipped in npm packages), each frame called
 * `--calls` times (default 12, the first two not counted). Prints each step's mean per call and
 * the measurements' share of the detector's time, measured in the same run.
 *   npm run bench:tracker [-- --calls 12]
 */
import { initBackend } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { measureFace } from '../kiosk/pipeline/face-measurements.js';
import type { FaceMeasurements } from '../kiosk/pipeline/measurements.js';
import { readManifest } from '../plq/model-manifest.js';
import { DEFAULT_CONFIG } from '../kiosk/config/kiosk-config.js';
import { ensureDemoFrames } from '../kiosk/camera/demo-frames.js';
import { decodeImageFolder } from '../kiosk/camera/image-folder.js';
import { numberArg } from './bench-args.js';


const calls = Math.max(3, numberArg('calls', 12));
const backend = await initBackend();
const t = DEFAULT_CONFIG.tracking;
const detector = await HumanFaceDetector.create({
  maxFaces: t.maxFaces, minConfidence: t.minBoxConfidence, minMeshConfidence: t.minMeshConfidence, iris: t.iris, eyelids: t.eyelids, eyelidsEveryFrames: 2,
});
const manifest = await readManifest(DEFAULT_CONFIG.engine.model);
const align = { template: manifest.alignmentTemplate, size: manifest.inputSize };
const { images } = await decodeImageFolder(await ensureDemoFrames(() => HumanFaceDetector.create({ maxFaces: 20 })), 640, () => {});
let detectMs = 0, measureMs = 0, n = 0, faces = 0;
for (const { image } of images) {
  let previous: FaceMeasurements | undefined;
  for (let k = 0; k < calls; k++) {
    const t0 = performance.now();
    const found = await detector.detect(image);
    const t1 = performance.now();
    const measured = found.map((f, i) => measureFace(f, image, align, i === 0 ? previous : undefined));
    const t2 = performance.now();
    previous = measured[0];
    if (k < 2) continue;
    detectMs += t1 - t0;
    measureMs += t2 - t1;
    faces += found.length;
    n++;
  }
}
console.log(`tracker bench: ${images.length} demo booth frames x ${calls - 2} calls, backend ${backend.name}, eyelid model ${t.eyelids ? 'on (every 2nd call)' : 'off'}`);
console.log(`  detector + mesh ${(detectMs / n).toFixed(1)} ms a call, measurements ${(measureMs / n).toFixed(2)} ms a call (${(measureMs / Math.max(1, faces)).toFixed(2)} ms a face)`);
console.log(`  measurements / detector: ${(measureMs / detectMs).toFixed(3)}`);
