/**
 * `tracking.detectorEveryFrames`: the face detector (BlazeFace) runs on every Nth call only and the
 * mesh runs on the previous call's face boxes in between (server/detect/human-detector.ts), on real
 * photos of the fit fold with the real models. Which calls ran the detector is seen in the mesh
 * itself: on a still frame, a call that ran the detector crops the face from BlazeFace's box and
 * gives the first call's mesh to the digit; a call on the previous mesh's box crops a little
 * differently and does not.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../server/tf/backend.js';
import { HumanFaceDetector } from '../server/detect/human-detector.js';
import type { DetectedFace, RgbImage } from '../server/detect/face-detector.js';
import { drawSynthetic, evaluationSeed } from '../server/evaluation/synthetic-occluders.js';
import { readLabels, LABELS_FILE } from '../server/faceset/guidance-labels.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import { boothFrameOf } from './helpers/booth-frames.js';

const FACE_A = 'images/dlib/examples/johns/John_Savage/000277_01099000.jpg';
const FACE_B = 'images/Deep3DFaceReconstruction/input/000125.jpg';
/** A fit face whose drawn mask BlazeFace finds but the mesh doubts (the detector's second pass). */
const MASKED = 'images/InsightFace-REST/misc/test_images/TH1.jpg';

let a: RgbImage;
let b: RgbImage;
let masked: RgbImage;
let maskedWithBystander: RgbImage;

const meshKey = (faces: DetectedFace[]): string => (faces.length ? faces[0].mesh.map((p) => `${p[0].toFixed(3)},${p[1].toFixed(3)}`).join(' ') : 'none');
const detector = (skipFrames: number): Promise<HumanFaceDetector> => HumanFaceDetector.create({ maxFaces: 3, minConfidence: 0.5, minMeshConfidence: 0.1, skipFrames, skipTimeMs: skipFrames ? 60_000 : 0 });

beforeAll(async () => {
  await initBackend();
  const labels = await readLabels(LABELS_FILE);
  for (const f of [FACE_A, FACE_B, MASKED]) expect(labels.find((l) => l.file === f), f).toMatchObject({ fold: 'fit', clean: true });
  a = (await boothFrameOf(FACE_A)).image;
  b = (await boothFrameOf(FACE_B)).image;
  const m = await boothFrameOf(MASKED);
  masked = drawSynthetic(m.image, m.mesh, 'mask', evaluationSeed(MASKED, 0, 'mask')).image;
  maskedWithBystander = withInset(masked, a, 3);
}, 120_000);

/** `base` with `inset` shrunk `k` times (nearest pixel) in its top-left corner: a second, smaller face. */
function withInset(base: RgbImage, inset: RgbImage, k: number): RgbImage {
  const data = Uint8Array.from(base.data);
  const w = Math.floor(inset.width / k), h = Math.floor(inset.height / k);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const from = (y * k * inset.width + x * k) * 3;
      data.set(inset.data.subarray(from, from + 3), (y * base.width + x) * 3);
    }
  }
  return { width: base.width, height: base.height, data };
}

describe('the face detector on every Nth frame', () => {
  it('runs on every call with skipFrames 0, and on every 4th with skipFrames 3, the mesh tracked from the previous boxes in between', async () => {
    // the kiosk's default: every 3rd frame
    expect(DEFAULT_CONFIG.tracking.detectorEveryFrames).toBe(3);
    for (const [skip, expected] of [[0, 'DDDDDDDDD'], [3, 'D...D...D']] as const) {
      const d = await detector(skip);
      const keys: string[] = [];
      for (let i = 0; i < 9; i++) keys.push(meshKey(await d.detect(a)));
      expect(keys.every((k) => k !== 'none')).toBe(true);
      expect(keys.map((k) => (k === keys[0] ? 'D' : '.')).join(''), `skipFrames ${skip}`).toBe(expected);
    }
  });

  it('says which faces it tracked, and gives the others the mesh and eyelids of a call that ran the detector', async () => {
    const d = await HumanFaceDetector.create({ maxFaces: 3, minConfidence: 0.5, minMeshConfidence: 0.1, skipFrames: 3, skipTimeMs: 60_000, eyelids: true, eyelidsEveryFrames: 3 });
    const calls: DetectedFace[][] = [];
    for (let i = 0; i < 9; i++) calls.push(await d.detect(a));
    const flags = calls.map((faces) => (faces[0].tracked ? '.' : 'D')).join('');
    expect(flags).toBe('D...D...D');
    const first = calls[0][0];
    expect(first.eyelids).toBeDefined();
    for (const [i, faces] of calls.entries()) {
      if (faces[0].tracked) continue;
      expect(meshKey(faces), `call ${i}`).toBe(meshKey([first]));
      expect(faces[0].eyelids, `call ${i}`).toEqual(first.eyelids);
    }
  });

  it('a new scene (another person) runs the detector at once: the same mesh as a fresh detector\'s', async () => {
    const d = await detector(9);
    await d.detect(a);
    await d.detect(a);
    const after = await d.detect(b);
    expect(after[0].tracked).toBeUndefined();
    expect(meshKey(after)).toBe(meshKey(await (await detector(0)).detect(b)));
  });

  it('a face the mesh doubts (a drawn mask) is found on every call, beside a bare face too: its second pass always runs the detector', async () => {
    const strict = await HumanFaceDetector.create({ maxFaces: 3, minConfidence: 0.5 });
    expect(await strict.detect(masked)).toHaveLength(0);
    // the bare face's box is the only one Human keeps between calls (the mask's mesh fails 0.5)
    expect(await strict.detect(maskedWithBystander)).toHaveLength(1);
    for (const frame of [masked, maskedWithBystander]) {
      const every = await detector(0);
      const expected = (await every.detect(frame)).length;
      expect(expected).toBe(frame === masked ? 1 : 2);
      const d = await detector(3);
      const found: number[] = [];
      for (let i = 0; i < 6; i++) found.push((await d.detect(frame)).length);
      expect(found).toEqual(Array(6).fill(expected));
    }
  });
});
