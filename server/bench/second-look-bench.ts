/**
 * What the tracker's second look (tracking.secondLookMs, server/detect/second-look.ts) costs:
 * the tracker's detector called back to back for N seconds each (default 20) on
 *   - an empty booth (a flat grey frame): the letterboxed frame and the finder once per interval;
 *   - a masked face the whole frame does not show (a fit face of ../shared/faces with a drawn
 *     mask): looked for where the last look found it (the letterboxed frame) on every call;
 *   - a masked face the finder sees and no look shows (a calibrate face): once per interval the
 *     letterboxed frame and the finder, then every crop of SECOND_LOOK_CROPS over the next calls,
 *     in vain (the worst case);
 *   - the bare face: the second look never runs;
 * with the second look on (1000 ms) and off, alternated. Prints calls per second and their ratio,
 * and the longest call against an ordinary one (a long call holds up the tracker's next frame).
 *   npm run bench:second-look [-- --seconds 20]
 */
import { initBackend } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { SecondLookDetector } from '../detect/second-look.js';
import { SsdFaceFinder } from '../detect/ssd-face-finder.js';
import type { FaceDetector, RgbImage } from '../detect/face-detector.js';
import { DEFAULT_CONFIG } from '../kiosk/config/kiosk-config.js';
import { drawSynthetic, evaluationSeed } from '../evaluation/synthetic-occluders.js';
import { PhotoMeshes, sharedPhotoBoothFrame } from '../evaluation/guidance-frames.js';
import { numberArg } from './bench-args.js';

/** A fit face whose drawn mask (seed 1) the whole frame does not show and the second look finds (letterboxed). */
const MASKED_FACE = 'images/dlib/examples/johns/John_Savage/000293_01099081.jpg';
/** A calibrate face whose drawn mask (seed 1) the finder sees at 0.99 and BlazeFace neither letterboxed nor in any crop. */
const MISSED_FACE = 'images/dlib/examples/johns/John_Shimkus/000394_02340150.jpg';


interface Run {
  rate: number;
  withFace: number;
  /** The median and the longest call, in ms: a long call holds up the tracker's next frame. */
  medianMs: number;
  maxMs: number;
}

async function run(detector: FaceDetector, image: RgbImage, seconds: number): Promise<Run> {
  const t0 = performance.now();
  const ms: number[] = [];
  let withFace = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const c0 = performance.now();
    if ((await detector.detect(image)).length) withFace++;
    ms.push(performance.now() - c0);
  }
  ms.sort((a, b) => a - b);
  return { rate: ms.length / ((performance.now() - t0) / 1000), withFace: withFace / ms.length, medianMs: ms[ms.length >> 1], maxMs: ms[ms.length - 1] };
}

async function main(): Promise<void> {
  const seconds = numberArg('seconds', 20);
  const backend = await initBackend();
  const t = DEFAULT_CONFIG.tracking;
  const human = await HumanFaceDetector.create({ maxFaces: t.maxFaces, minConfidence: t.minBoxConfidence, minMeshConfidence: t.minMeshConfidence, iris: t.iris, eyelids: t.eyelids });
  const finder = await SsdFaceFinder.load();
  const meshes = new PhotoMeshes(() => HumanFaceDetector.create({ maxFaces: 20 }));
  const frame = await sharedPhotoBoothFrame(meshes, MASKED_FACE);
  const masked = drawSynthetic(frame.image, frame.mesh, 'mask', evaluationSeed(MASKED_FACE, 0, 'mask')).image;
  const missedFrame = await sharedPhotoBoothFrame(meshes, MISSED_FACE);
  const missed = drawSynthetic(missedFrame.image, missedFrame.mesh, 'mask', evaluationSeed(MISSED_FACE, 0, 'mask')).image;
  const empty: RgbImage = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 3).fill(110) };
  // first runs compile the finder's kernels: not a longest call the kiosk sees twice
  for (const img of [empty, missed]) await finder.find(img);
  console.log(`second-look bench: ${seconds} s per run, backend ${backend.name}, the kiosk tracker's detector (${t.eyelids ? 'eyelid model on' : 'eyelid model off'}), finder once per 1000 ms`);
  console.log('| frame | second look off: calls/s (with a face) | on: calls/s (with a face) | on / off | on: median call / longest call, ms | longest on / median off |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, img] of [['empty booth', empty], ['masked face (fit)', masked], ['masked face no look shows (calibrate)', missed], ['bare face (fit)', frame.image]] as const) {
    const off = await run(human, img, seconds);
    const on = await run(new SecondLookDetector(human, finder, { everyMs: 1000 }), img, seconds);
    const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
    console.log(`| ${name} | ${off.rate.toFixed(1)} (${pct(off.withFace)}) | ${on.rate.toFixed(1)} (${pct(on.withFace)}) | ${(on.rate / off.rate).toFixed(2)} | ${on.medianMs.toFixed(0)} / ${on.maxMs.toFixed(0)} | ${(on.maxMs / off.medianMs).toFixed(1)} |`);
  }
  human.dispose();
  finder.dispose();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
