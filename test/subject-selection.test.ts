/**
 * Several faces: the subject is the largest, most central face; a comparable second face means
 * `multiple-faces` (and no capture), a small face far behind is ignored, a small subject hears
 * `move-closer`. On real detections in the packaged group photos.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { selectSubject, subjectScore, DEFAULT_SUBJECT_SELECTION } from '../server/kiosk/pipeline/subject-selection.js';
import { candidate, trackingCandidates } from '../server/kiosk/guidance/guidance-rules.js';
import { liveChecks } from '../server/kiosk/capture/capture-checks.js';
import { DEFAULT_CONFIG, DEFAULT_THRESHOLDS } from '../server/kiosk/config/kiosk-config.js';
import { faceFrame } from '../server/kiosk/camera/face-frame.js';
import { decodeImage } from '../server/image/decode-image.js';
import { packageFile } from '../server/plq/model-paths.js';
import type { DetectedFace, RgbImage } from '../server/detect/face-detector.js';
import { detector, realFaces } from './helpers/real-faces.js';
import { measureFace } from './helpers/capture-measurements.js';

const FRAME = { width: 640, height: 480 };
const box = (cx: number, cy: number, h: number): { box: [number, number, number, number] } => ({ box: [cx - h / 2, cy - h / 2, h, h] });

async function resize(img: RgbImage, width: number): Promise<RgbImage> {
  const { data, info } = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

const centreDistance = (f: DetectedFace, img: RgbImage): number =>
  Math.hypot(f.box[0] + f.box[2] / 2 - img.width / 2, f.box[1] + f.box[3] / 2 - img.height / 2);

/** What the kiosk would say (tracking rules and capture checks) about the faces of a frame. */
function guidanceFor(img: RgbImage, faces: DetectedFace[]): { subject: DetectedFace; competing: number; ids: string[] } {
  const { order, competing } = selectSubject(faces, img);
  const measured = order.map((i) => measureFace(img, faces[i]));
  const rules = trackingCandidates(measured, img.width, DEFAULT_THRESHOLDS, competing).map((c) => c.id);
  // as the pipeline does: the capture checks speak only when there is one clear subject
  const checks = competing === 0 ? liveChecks({ face: measured[0], faceCount: 1, frame: img }, DEFAULT_CONFIG.capture.iso, DEFAULT_CONFIG.capture.advisoryComponents).guidance : [];
  return { subject: faces[order[0]], competing, ids: [...new Set([...rules, ...checks])] };
}

describe('subject selection (boxes)', () => {
  it('prefers the central face over a slightly larger one at the edge; size wins when much larger', () => {
    const centre = box(320, 240, 200);
    const edge = box(560, 240, 230);
    expect(selectSubject([edge, centre], FRAME).order[0]).toBe(1);
    const huge = box(480, 240, 400); // twice the size, 1/3 of the frame height off-centre
    expect(selectSubject([centre, huge], FRAME).order[0]).toBe(1);
    expect(subjectScore(centre, FRAME, DEFAULT_SUBJECT_SELECTION.centreSigma)).toBeCloseTo(200 / 480, 6);
  });

  it('counts a second face as competing from multipleFacesRatio of the subject size up', () => {
    const subject = box(320, 240, 200);
    expect(selectSubject([subject, box(100, 100, 139)], FRAME).competing).toBe(0); // 0.695
    expect(selectSubject([subject, box(100, 100, 141)], FRAME).competing).toBe(1); // 0.705
    expect(selectSubject([subject, box(100, 100, 141)], FRAME, { centreSigma: 0.35, multipleFacesRatio: 0.8 }).competing).toBe(0);
    expect(selectSubject([], FRAME)).toEqual({ order: [], scores: [], competing: 0 });
  });
});

describe('subject selection on the packaged group photos', () => {
  it('a whole group seen from afar: the most central face is the subject; multiple-faces (blocking) and move-closer', async () => {
    const det = await detector();
    for (const n of [1, 3, 5]) {
      const photo = await decodeImage(await readFile(packageFile('@vladmandic/face-api', `demo/sample${n}.jpg`)));
      const frame = await resize(photo, 640); // the group as a 640-wide camera sees it
      const faces = await det.detect(frame);
      expect(faces.length, `sample${n}`).toBeGreaterThanOrEqual(3);
      const g = guidanceFor(frame, faces);
      // faces of about the same size: the subject is the most central of the comparable ones
      const comparable = faces.filter((f) => f.box[3] >= 0.7 * Math.max(...faces.map((x) => x.box[3])));
      const closest = comparable.reduce((a, b) => (centreDistance(a, frame) <= centreDistance(b, frame) ? a : b));
      expect(g.subject, `sample${n}`).toBe(closest);
      expect(g.competing, `sample${n}`).toBeGreaterThanOrEqual(2);
      expect(g.ids, `sample${n}`).toEqual(expect.arrayContaining(['multiple-faces', 'move-closer']));
      expect(candidate('multiple-faces').blocking).toBe(true);
      // nothing is said about anyone's pose or light: the kiosk does not guess who is photographed
      expect(g.ids.filter((id) => id !== 'multiple-faces' && id !== 'move-closer'), `sample${n}`).toEqual([]);
    }
  });

  it('sample1 at 640 px: the central face wins over the larger face at the edge', async () => {
    const photo = await decodeImage(await readFile(packageFile('@vladmandic/face-api', 'demo/sample1.jpg')));
    const frame = await resize(photo, 640);
    const faces = await (await detector()).detect(frame);
    const largest = faces.reduce((a, b) => (a.box[3] >= b.box[3] ? a : b));
    const { order } = selectSubject(faces, frame);
    expect(faces[order[0]]).not.toBe(largest);
    expect(centreDistance(faces[order[0]], frame)).toBeLessThan(centreDistance(largest, frame));
  });

  it('a kiosk frame of one person with a neighbour cut by the frame edge: the framed person is the subject, the neighbour competes', async () => {
    const f = (await realFaces()).find((x) => x.photoId === 'face-api/sample3' && x.index === 2)!;
    const frame = await faceFrame(f.photo, f.face.box);
    const faces = await (await detector()).detect(frame);
    expect(faces.length).toBe(2);
    const g = guidanceFor(frame, faces);
    // the neighbour's box is as tall but off to the side
    expect(centreDistance(g.subject, frame)).toBe(Math.min(...faces.map((x) => centreDistance(x, frame))));
    expect(g.competing).toBe(1);
    expect(g.ids).toContain('multiple-faces');
  });

  it('a small face far behind the subject is ignored', async () => {
    const det = await detector();
    const all = await realFaces();
    const subject = all.find((x) => x.photoId === 'face-api/sample3' && x.index === 0)!;
    const other = all.find((x) => x.photoId === 'face-api/sample5' && x.index === 0)!;
    const frame = await faceFrame(subject.photo, subject.face.box);
    const [alone] = await det.detect(frame);
    // another person's head, cut from another photo, pasted small into the upper left corner
    const [bx, by, bw, bh] = other.face.box;
    const m = 0.15;
    const size = Math.round(alone.box[3] * 0.4 * (1 + 2 * m));
    expect(size).toBeLessThan(alone.box[0]); // beside the subject, not over it
    const head = await sharp(Buffer.from(other.photo.data), { raw: { width: other.photo.width, height: other.photo.height, channels: 3 } })
      .extract({ left: Math.round(bx - m * bw), top: Math.round(by - m * bh), width: Math.round(bw * (1 + 2 * m)), height: Math.round(bh * (1 + 2 * m)) })
      .resize(size, size)
      .png()
      .toBuffer();
    const { data } = await sharp(Buffer.from(frame.data), { raw: { width: frame.width, height: frame.height, channels: 3 } })
      .composite([{ input: head, left: 0, top: 0 }])
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const far: RgbImage = { width: frame.width, height: frame.height, data: new Uint8Array(data) };
    const faces = await det.detect(far);
    expect(faces.length).toBe(2);
    const g = guidanceFor(far, faces);
    expect(g.competing).toBe(0);
    expect(g.subject.box[0]).toBeGreaterThan(size); // the framed person, not the pasted head
    expect(g.ids).not.toContain('multiple-faces');
    // the same frame without the small face gets the same messages: it changed nothing
    expect(new Set(g.ids)).toEqual(new Set(guidanceFor(frame, [alone]).ids));
  });
});
