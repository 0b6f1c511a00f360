/** A real capture to store: the astronaut photo's face, measured, cropped and rendered by the kiosk's own code. */
import { realFaces } from './real-faces.js';
import { measureFace } from './capture-measurements.js';
import { portraitCrop } from '../../server/kiosk/capture/portrait-crop.js';
import { renderCaptureImages, type CaptureImages } from '../../server/kiosk/capture/capture-images.js';
import { buildCaptureReport, type CaptureReport, type CaptureReportInput } from '../../server/kiosk/capture/capture-report.js';
import { alignFace } from '../../server/align/align-face.js';
import type { Point } from '../../server/align/similarity.js';
import type { PlqResult } from '../../server/kiosk/pipeline/measurements.js';

const ARCFACE: Point[] = [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]];

export interface CaptureFixture {
  input: Omit<CaptureReportInput, 'capturedAt' | 'id'>;
  images: CaptureImages;
  /** A new report (new id) captured at `capturedAt`. */
  report(capturedAt: number): CaptureReport;
}

export async function captureFixture(): Promise<CaptureFixture> {
  const f = (await realFaces()).find((x) => x.photoId === 'skimage/astronaut')!;
  const face = measureFace(f.photo, f.face);
  const portrait = await portraitCrop(f.photo, f.face);
  const aligned = alignFace(f.photo, f.face.landmarks5, ARCFACE, [112, 112]);
  // A stand-in map (the store does not care what P is): high in the centre, low outside.
  const map = new Float32Array(112 * 112).map((_, i) => Math.max(0, 1 - Math.hypot((i % 112) - 56, Math.floor(i / 112) - 60) / 60));
  const plq: PlqResult = {
    seq: 7, frameTs: 1_000, quality: 0.71, qualityScaled: 0.83, transform: aligned.transform, width: 112, height: 112, map, plqMs: 30,
    // a unit vector stands in for the template (a capture must not keep it)
    embedding: new Float32Array(256).map((_, i) => (i === 0 ? 1 : 0)),
    regions: { forehead: 0.5, leftEye: 0.7, rightEye: 0.7, nose: 0.9, leftCheek: 0.6, rightCheek: 0.6, mouth: 0.7, chin: 0.5, face: 0.7 },
  };
  const input: CaptureFixture['input'] = {
    frame: { seq: 7, ts: 1_000, width: f.photo.width, height: f.photo.height },
    face, faceCount: 1, plq,
    portrait: { ...portrait, width: portrait.image.width, height: portrait.image.height },
    guidance: [{ ts: 900, ids: ['lookStraight'] }, { ts: 950, ids: [] }],
    model: { name: 'mobileface', inputSize: [112, 112], alpha: 20, r: 0.7, gamma: 7 },
    camera: { description: 'replay: astronaut.png', width: f.photo.width, height: f.photo.height },
  };
  const images = await renderCaptureImages(f.photo, portrait.image, plq);
  return { input, images, report: (capturedAt) => buildCaptureReport({ ...input, capturedAt }) };
}
