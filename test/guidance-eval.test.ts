/**
 * `plq evaluate guidance` on a small labelled subset of the validate fold: real photos of
 * ../shared/faces framed like a booth camera, synthetic occluders drawn from the face mesh, the
 * kiosk's own pipeline (tracker and PLQ workers, rules, hysteresis) with the default config. The
 * assertions are the per-message behaviour the full validate run supports (README, "Guidance
 * accuracy"); what the full run shows is not met is asserted as not met, so a change shows here.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../server/tf/backend.js';
import { HumanFaceDetector } from '../server/detect/human-detector.js';
import { defaultFacesDir } from '../server/faceset/shared-faces.js';
import { readLabels, type GuidanceLabel } from '../server/faceset/guidance-labels.js';
import { PhotoMeshes, isolatedBoothFrame, readPhoto } from '../server/evaluation/guidance-frames.js';
import { drawSynthetic, seedOf, SYNTHETIC_KINDS } from '../server/evaluation/synthetic-occluders.js';
import type { RgbImage } from '../server/detect/face-detector.js';
import type { Point } from '../server/align/similarity.js';

const PORTRAIT = 'images/mediapipe/mediapipe/framework/debug/testdata/sergey.png';

/** Mean absolute change per pixel inside a box [x0, y0, x1, y1). */
function change(a: RgbImage, b: RgbImage, box: [number, number, number, number]): number {
  let s = 0, n = 0;
  for (let y = Math.max(0, Math.floor(box[1])); y < Math.min(a.height, box[3]); y++) {
    for (let x = Math.max(0, Math.floor(box[0])); x < Math.min(a.width, box[2]); x++) {
      const o = (y * a.width + x) * 3;
      s += Math.abs(a.data[o] - b.data[o]) + Math.abs(a.data[o + 1] - b.data[o + 1]) + Math.abs(a.data[o + 2] - b.data[o + 2]);
      n++;
    }
  }
  return n ? s / (3 * n) : 0;
}

const around = (p: Point, r: number): [number, number, number, number] => [p[0] - r, p[1] - r, p[0] + r, p[1] + r];

describe('booth frames and synthetic occluders', () => {
  let frame: { image: RgbImage; mesh: Point[]; landmarks5: Point[]; othersCovered: number };
  let label: GuidanceLabel;

  beforeAll(async () => {
    label = (await readLabels()).find((l) => l.file === PORTRAIT && l.face === 0)!;
    const meshes = new PhotoMeshes(async () => {
      await initBackend();
      return HumanFaceDetector.create({ maxFaces: 20 });
    });
    const { bytes, image } = await readPhoto(path.join(defaultFacesDir(), PORTRAIT));
    frame = await isolatedBoothFrame(image, await meshes.faces(bytes), 0);
  });

  it('the portrait is a clean frontal validate face, framed 640x480 with 90-130 px between the eyes', () => {
    expect(label.fold).toBe('validate');
    expect(label.clean).toBe(true);
    expect([frame.image.width, frame.image.height]).toEqual([640, 480]);
    const [l, r] = frame.landmarks5;
    const ied = Math.hypot(r[0] - l[0], r[1] - l[1]);
    expect(ied).toBeGreaterThan(90);
    expect(ied).toBeLessThan(130);
    expect(frame.mesh.length).toBeGreaterThanOrEqual(468);
  });

  it('the same seed draws the same pixels; another seed another variant', () => {
    for (const kind of SYNTHETIC_KINDS) {
      const a = drawSynthetic(frame.image, frame.mesh, kind, seedOf(`x/${kind}`));
      const b = drawSynthetic(frame.image, frame.mesh, kind, seedOf(`x/${kind}`));
      expect(Buffer.compare(Buffer.from(a.image.data), Buffer.from(b.image.data)), kind).toBe(0);
      const variants = new Set(Array.from({ length: 8 }, (_, i) => drawSynthetic(frame.image, frame.mesh, kind, i + 1).variant));
      expect(variants.size, kind).toBeGreaterThan(4);
    }
    // the source frame is never drawn on
    const before = Buffer.from(frame.image.data);
    drawSynthetic(frame.image, frame.mesh, 'mask', 3);
    expect(Buffer.compare(before, Buffer.from(frame.image.data))).toBe(0);
  });

  it('each occluder covers its own part of the face and leaves the rest', () => {
    const [imgLeftEye, imgRightEye, , mouthL, mouthR] = frame.landmarks5;
    const ied = Math.hypot(imgRightEye[0] - imgLeftEye[0], imgRightEye[1] - imgLeftEye[1]);
    const mouth: Point = [(mouthL[0] + mouthR[0]) / 2, (mouthL[1] + mouthR[1]) / 2];
    const forehead = frame.mesh[10]; // top of the forehead: every cap depth covers it
    const r = ied * 0.15;
    for (let seed = 1; seed <= 5; seed++) {
      const sun = drawSynthetic(frame.image, frame.mesh, 'sunglasses', seed);
      expect(change(frame.image, sun.image, around(imgLeftEye, r))).toBeGreaterThan(30);
      expect(change(frame.image, sun.image, around(imgRightEye, r))).toBeGreaterThan(30);
      expect(change(frame.image, sun.image, around(mouth, r))).toBe(0);
      expect(sun.must).toEqual(['remove-sunglasses']);
      const mask = drawSynthetic(frame.image, frame.mesh, 'mask', seed);
      expect(change(frame.image, mask.image, around(mouth, r))).toBeGreaterThan(20);
      expect(change(frame.image, mask.image, around(imgLeftEye, r))).toBe(0);
      expect(mask.must).toEqual(['uncover-mouth']);
      const cap = drawSynthetic(frame.image, frame.mesh, 'cap', seed);
      expect(change(frame.image, cap.image, around(forehead, r * 0.5))).toBeGreaterThan(10);
      expect(change(frame.image, cap.image, around(mouth, r))).toBe(0);
      expect(cap.must).toEqual(['remove-headgear']);
      const hand = drawSynthetic(frame.image, frame.mesh, 'hand', seed);
      expect(hand.must[0]).toMatch(/^uncover-/);
      expect(hand.variant.startsWith(hand.must[0].replace('uncover-', ''))).toBe(true);
    }
  });
});
