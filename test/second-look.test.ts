/**
 * The tracker's second look (server/detect/second-look.ts) on real photos with the real models:
 * drawn masks that the kiosk's face detector loses in the whole booth frame are found again in the
 * letterboxed frame or in a crop around the SSD finder's box, in the frame's own pixels, and
 * followed there; where neither shows the face, nothing is guessed; the crops are spread over the
 * calls after the finder's; the looks are rate-limited on an empty frame; and all of it while the
 * detector skips frames (tracking.detectorEveryFrames).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../server/tf/backend.js';
import { HumanFaceDetector } from '../server/detect/human-detector.js';
import { SECOND_LOOK_CROPS, SecondLookDetector, type SecondLookOptions } from '../server/detect/second-look.js';
import { SsdFaceFinder } from '../server/detect/ssd-face-finder.js';
import type { DetectedFace, FaceDetector, RgbImage } from '../server/detect/face-detector.js';
import type { Point } from '../server/align/similarity.js';
import { drawSynthetic, evaluationSeed } from '../server/evaluation/synthetic-occluders.js';
import { readLabels, LABELS_FILE } from '../server/faceset/guidance-labels.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import { boothFrameOf } from './helpers/booth-frames.js';

/** Fit: the SSD finder finds the masked face (0.98), BlazeFace finds it in a crop of twice that box. */
const FINDER_FACE = 'images/dlib/examples/johns/John_Savage/000293_01099081.jpg';
/**
 * Fit, mask seed 2: BlazeFace misses the masked face in every crop centred on the finder's box and
 * finds it in the crop of twice the box moved down by a fifth of it.
 */
const SHIFTED_FACE = 'images/dlib/examples/johns/John_Savage/000277_01099000.jpg';
/** Calibrate, mask seed 1: the letterboxed frame shows the masked face, the SSD finder does not. */
const LETTERBOX_FACE = 'images/Face-Recognition-with-Mask-Jetson-Nano/img/Jamie Dornan.jpg';
/**
 * Calibrate: a turned face whose drawn mask neither BlazeFace (frame, letterbox) nor the finder sees. A crop of the
 * frame's centre found "a face" there, with its mesh an eye distance off the eyes: why the second
 * look does not guess where the face is.
 */
const UNSEEN_FACE = 'images/face-recognition-krasserm/images/Vladimir_Putin/Vladimir_Putin_0009.jpg';

interface MaskedFrame {
  image: RgbImage;
  /** The bare photo's mesh in frame pixels. */
  mesh: Point[];
}
let finderCase: MaskedFrame;
let shiftedCase: MaskedFrame;
let letterboxCase: MaskedFrame;
let unseenCase: MaskedFrame;
let human: HumanFaceDetector;
let finder: SsdFaceFinder;

async function masked(file: string, fold: string, seed = 1): Promise<MaskedFrame> {
  const labels = await readLabels(LABELS_FILE);
  expect(labels.find((l) => l.file === file), file).toMatchObject({ fold, clean: true });
  const frame = await boothFrameOf(file);
  return { image: drawSynthetic(frame.image, frame.mesh, 'mask', evaluationSeed(file, 0, 'mask', seed)).image, mesh: frame.mesh };
}

/** Eye centres (mesh points 33/133 and 362/263) of two meshes, apart in eye distances. */
function eyeOffset(a: Point[], b: Point[]): number {
  const eye = (m: Point[], i: number, j: number): Point => [(m[i][0] + m[j][0]) / 2, (m[i][1] + m[j][1]) / 2];
  const [l, r] = [eye(b, 33, 133), eye(b, 362, 263)];
  const d = Math.hypot(r[0] - l[0], r[1] - l[1]);
  const off = (p: Point, q: Point): number => Math.hypot(p[0] - q[0], p[1] - q[1]);
  return Math.max(off(eye(a, 33, 133), l), off(eye(a, 362, 263), r)) / d;
}

/** One face, its eyes on the bare photo's and its five points inside its box, all in frame pixels. */
function expectOnTheFace(faces: DetectedFace[], frame: MaskedFrame): void {
  expect(faces).toHaveLength(1);
  expect(eyeOffset(faces[0].mesh, frame.mesh)).toBeLessThan(0.15);
  const [x, y, w, h] = faces[0].box;
  for (const p of faces[0].landmarks5) expect(p[0] > x && p[0] < x + w && p[1] > y && p[1] < y + h, `${p} in ${faces[0].box}`).toBe(true);
}

/** The kiosk's detector, counting its passes (the whole frame, the letterboxed frame, each crop). */
function counted(): { detector: FaceDetector; passes: () => number } {
  let n = 0;
  return { detector: { name: 'counted', detect: (image) => (n++, human.detect(image)), dispose: () => {} }, passes: () => n };
}

/**
 * Calls the detector on the same frame until its look ends (a face found, or every crop around the
 * finder's box tried), as the tracker does frame after frame; the passes of each call.
 */
async function lookOn(frame: MaskedFrame, options: Omit<SecondLookOptions, 'everyMs'> = {}): Promise<{ d: SecondLookDetector; faces: DetectedFace[]; passesPerCall: number[] }> {
  const { detector, passes } = counted();
  const d = new SecondLookDetector(detector, finder, { everyMs: 1000, ...options });
  const passesPerCall: number[] = [];
  let faces: DetectedFace[] = [];
  do {
    const before = passes();
    faces = await d.detect(frame.image);
    passesPerCall.push(passes() - before);
  } while (!faces.length && d.cropsPending > 0);
  return { d, faces, passesPerCall };
}

/** The next frame finds the face again where the last look found it. */
async function expectFollowed(d: SecondLookDetector, frame: MaskedFrame): Promise<void> {
  expectOnTheFace(await d.detect(frame.image), frame);
  expect(d.lastFoundBy).toBe('region');
}

beforeAll(async () => {
  await initBackend();
  finderCase = await masked(FINDER_FACE, 'fit');
  shiftedCase = await masked(SHIFTED_FACE, 'fit', 2);
  letterboxCase = await masked(LETTERBOX_FACE, 'calibrate');
  unseenCase = await masked(UNSEEN_FACE, 'calibrate');
  // the kiosk tracker's settings
  const t = DEFAULT_CONFIG.tracking;
  human = await HumanFaceDetector.create({ maxFaces: t.maxFaces, minConfidence: t.minBoxConfidence, minMeshConfidence: t.minMeshConfidence, iris: t.iris, eyelids: t.eyelids });
  finder = await SsdFaceFinder.load();
}, 180_000);

describe('the second look for faces the whole frame does not show', () => {
  it('is on by default, once a second', () => {
    expect(DEFAULT_CONFIG.tracking.secondLookMs).toBe(1000);
  });

  it('finds a masked face in a crop around the finder\'s box, in frame pixels, then follows it in its region', async () => {
    expect(await human.detect(finderCase.image)).toHaveLength(0);
    const { d, faces, passesPerCall } = await lookOn(finderCase, { letterbox: false });
    expectOnTheFace(faces, finderCase);
    expect(d.lastFoundBy).toBe('finder');
    // the finder's call tries no crop; the next call finds the face in the first crop (twice the box)
    expect(passesPerCall).toEqual([1, 2]);
    const before = tf.memory().numTensors;
    await expectFollowed(d, finderCase);
    expect(d.finderRuns).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('moves the crop by a fifth of the box where no crop centred on it shows the face', async () => {
    expect(await human.detect(shiftedCase.image)).toHaveLength(0);
    const centred = SECOND_LOOK_CROPS.filter((c) => c.dx === 0 && c.dy === 0);
    expect(centred.map((c) => c.zoom)).toEqual([2, 1.7, 2.4]);
    const onlyCentred = await lookOn(shiftedCase, { letterbox: false, crops: centred });
    expect(onlyCentred.faces).toHaveLength(0);
    expect(onlyCentred.d.cropsPending).toBe(0);
    expect(onlyCentred.passesPerCall).toEqual([1, 4]);
    const { d, faces, passesPerCall } = await lookOn(shiftedCase, { letterbox: false });
    expectOnTheFace(faces, shiftedCase);
    expect(d.lastFoundBy).toBe('finder');
    // spread over the calls after the finder's, three crops at most a call, besides the whole frame
    expect(passesPerCall.length).toBeGreaterThan(2);
    expect(Math.max(...passesPerCall.slice(1))).toBeLessThanOrEqual(4);
    await expectFollowed(d, shiftedCase);
  }, 120_000);

  it('finds a masked face the finder does not see in the letterboxed frame, then follows it there', async () => {
    expect(await human.detect(letterboxCase.image)).toHaveLength(0);
    expect(await finder.find(letterboxCase.image, 0.5)).toHaveLength(0);
    const without = await lookOn(letterboxCase, { letterbox: false });
    expect(without.faces).toHaveLength(0);
    const { d, faces, passesPerCall } = await lookOn(letterboxCase);
    expectOnTheFace(faces, letterboxCase);
    expect(d.lastFoundBy).toBe('letterbox');
    expect(passesPerCall).toEqual([2]);
    expect(d.finderRuns).toBe(0);
    await expectFollowed(d, letterboxCase);
  }, 120_000);

  it('works while the detector skips frames: it finds and follows the masked face, and the bare face after it is tracked in frame pixels', async () => {
    const t = DEFAULT_CONFIG.tracking;
    // detectorEveryFrames 5: Human runs the mesh on its last call's boxes for four calls in five
    const skipping = await HumanFaceDetector.create({ maxFaces: t.maxFaces, minConfidence: t.minBoxConfidence, minMeshConfidence: t.minMeshConfidence, iris: t.iris, eyelids: t.eyelids, skipFrames: 4, skipTimeMs: 60_000 });
    const d = new SecondLookDetector(skipping, finder, { everyMs: 1000, letterbox: false });
    let faces: DetectedFace[] = [];
    do faces = await d.detect(finderCase.image);
    while (!faces.length && d.cropsPending > 0);
    expectOnTheFace(faces, finderCase);
    expect(d.lastFoundBy).toBe('finder');
    for (let i = 0; i < 6; i++) await expectFollowed(d, finderCase);
    // the mask comes off: the whole frame shows the face; its first call runs the detector (the
    // look's crop came last), the next four the mesh on that call's box, each on the face's eyes
    const bare = await boothFrameOf(FINDER_FACE);
    const meshes: Point[][] = [];
    for (let i = 0; i < 6; i++) {
      const found = await d.detect(bare.image);
      expect(found).toHaveLength(1);
      expect(d.lastFoundBy).toBe('frame');
      expect(eyeOffset(found[0].mesh, bare.mesh)).toBeLessThan(0.15);
      meshes.push(found[0].mesh);
    }
    const same = (m: Point[]): boolean => m.every((p, k) => p[0] === meshes[0][k][0] && p[1] === meshes[0][k][1]);
    expect(meshes.map((m) => (same(m) ? 'D' : '.')).join('')).toBe('D....D');
  }, 180_000);

  it('guesses nowhere when neither look shows the face: a turned, masked face they miss stays unseen', async () => {
    expect(await human.detect(unseenCase.image)).toHaveLength(0);
    const { d, faces } = await lookOn(unseenCase);
    expect(faces).toHaveLength(0);
    expect(d.finderRuns).toBe(1);
    expect(d.lastFoundBy).toBe('none');
  }, 120_000);

  it('looks (letterbox, finder) at most once per interval while the frame stays empty, and never while the frame shows the face', async () => {
    let now = 0;
    const d = new SecondLookDetector(human, finder, { everyMs: 1000, now: () => now });
    const empty: RgbImage = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 3).fill(90) };
    for (const t of [0, 300, 600, 900, 1000, 1500, 2100]) {
      now = t;
      expect(await d.detect(empty)).toHaveLength(0);
    }
    expect(d.finderRuns).toBe(3);
    const bare = await boothFrameOf(FINDER_FACE);
    now = 5000;
    expect(await d.detect(bare.image)).toHaveLength(1);
    expect(d.lastFoundBy).toBe('frame');
    expect(d.finderRuns).toBe(3);
  }, 120_000);
});
