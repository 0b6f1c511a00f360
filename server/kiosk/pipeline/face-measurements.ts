/**
 * Cheap per-frame measurements of a tracked face, from the mesh and the frame's pixels.
 * "left"/"right" are the person's own: the person's left eye is on the image's right.
 */
import type { DetectedFace, RgbImage } from '../../detect/face-detector.js';
import type { FaceMeasurements } from './measurements.js';
import { regionAppearance } from './region-appearance.js';
import type { Point } from '../../align/similarity.js';
import { eyeAspect } from '../../detect/eye-aspect.js';
import { lumaAt } from '../../image/luma.js';

type P = [number, number];
const dist = (a: P, b: P): number => Math.hypot(a[0] - b[0], a[1] - b[1]);


/**
 * The eyes of a turned head are closer together in the image than the person's distance from the
 * camera makes them: ISO/IEC 29794-5's inter-eye distance is the image distance over cos(yaw), as
 * its reference implementation (OFIQ) measures it, so that a turned head is told to look straight,
 * not to come closer. The correction stops at this yaw (x1.41): beyond it the estimate of the yaw
 * is rough and the face fails `HeadPoseYaw` anyway.
 */
const MAX_IED_YAW_CORRECTION_DEG = 45;

/** The inter-eye distance of a face turned by `yawDeg`, in the image (`imagePx`), as if it faced the camera. */
export function yawCorrectedInterEye(imagePx: number, yawDeg: number): number {
  return imagePx / Math.cos((Math.min(Math.abs(yawDeg), MAX_IED_YAW_CORRECTION_DEG) * Math.PI) / 180);
}

/** Mean grey level over a box, sampled on a grid of at most ~40x40 points. */
function meanGrey(img: RgbImage, x0: number, y0: number, x1: number, y1: number): number {
  const xa = Math.max(0, Math.floor(x0)), ya = Math.max(0, Math.floor(y0));
  const xb = Math.min(img.width, Math.ceil(x1)), yb = Math.min(img.height, Math.ceil(y1));
  if (xb <= xa || yb <= ya) return 0;
  const sx = Math.max(1, Math.floor((xb - xa) / 40)), sy = Math.max(1, Math.floor((yb - ya) / 40));
  let s = 0, n = 0;
  for (let y = ya; y < yb; y += sy) for (let x = xa; x < xb; x += sx) {
    s += lumaAt(img.data, (y * img.width + x) * 3);
    n++;
  }
  return n ? s / n : 0;
}

/** Variance of the 4-neighbour Laplacian of the face box resampled to 96x96 grey. */
function sharpness(img: RgbImage, box: [number, number, number, number]): number {
  const N = 96;
  const g = new Float32Array(N * N);
  const [bx, by, bw, bh] = box;
  for (let v = 0; v < N; v++) for (let u = 0; u < N; u++) {
    const x = Math.min(img.width - 1, Math.max(0, Math.round(bx + ((u + 0.5) * bw) / N)));
    const y = Math.min(img.height - 1, Math.max(0, Math.round(by + ((v + 0.5) * bh) / N)));
    g[v * N + u] = lumaAt(img.data, (y * img.width + x) * 3);
  }
  let s = 0, s2 = 0, n = 0;
  for (let v = 1; v < N - 1; v++) for (let u = 1; u < N - 1; u++) {
    const i = v * N + u;
    const l = g[i - 1] + g[i + 1] + g[i - N] + g[i + N] - 4 * g[i];
    s += l;
    s2 += l * l;
    n++;
  }
  const m = s / n;
  return s2 / n - m * m;
}

/**
 * Human's head pitch on levelled frontal faces is not centred on 0: on the booth frames of the 39
 * clean frontal faces of the fit fold of ../shared/faces its median is +3.1 degrees (mean +3.1, SD
 * 3.7; yaw: median 0.0). The kiosk subtracts that offset, so that HeadPosePitch and look-straight
 * judge the head, not the estimator. (Fitted on the fit fold only; it cannot tell the estimator's
 * bias from a habit of the photographers, which is why it is no larger than the median.)
 */
export const PITCH_OFFSET_DEG = 3.1;

export interface AlignmentSpec {
  template: Point[];
  size: [number, number];
}

/**
 * `previous`: the face `frames` calls before (1: the previous call); its motion is the mean per
 * call since then. While the detector skips frames the tracker measures an untracked face against
 * the last untracked one, since a tracked mesh's box lies a little off the detector's.
 */
export function measureFace(face: DetectedFace, frame: RgbImage, align: AlignmentSpec, previous?: FaceMeasurements, frames = 1): FaceMeasurements {
  const mesh = face.mesh as P[];
  const [bx, by, bw, bh] = face.box;
  const [eyeImgLeft, eyeImgRight] = face.landmarks5 as P[];
  const ied = dist(eyeImgLeft, eyeImgRight);
  const cx = bx + bw / 2, cy = by + bh / 2;
  const hasMesh = mesh.length >= 468;
  // person's right eye = image left (33 outer, 133 inner); person's left eye = image right (263 outer, 362 inner)
  const rightEyeOpen = hasMesh ? eyeAspect(mesh, 33, 133, [[160, 144], [158, 153]]) : 0;
  const leftEyeOpen = hasMesh ? eyeAspect(mesh, 263, 362, [[385, 380], [387, 373]]) : 0;
  const mouthOpen = hasMesh ? dist(mesh[13], mesh[14]) / Math.max(1e-6, dist(mesh[61], mesh[291])) : 0;
  const inner = [bx + bw * 0.2, by + bh * 0.2, bx + bw * 0.8, by + bh * 0.9] as const;
  const luminance = meanGrey(frame, ...inner);
  // person's left half is the image's right half
  const imageLeftHalf = meanGrey(frame, inner[0], inner[1], cx, inner[3]);
  const imageRightHalf = meanGrey(frame, cx, inner[1], inner[2], inner[3]);
  const illuminationBalance = (imageRightHalf - imageLeftHalf) / Math.max(1, imageRightHalf + imageLeftHalf);
  const r = ied * 0.3;
  const eyes = (meanGrey(frame, eyeImgLeft[0] - r, eyeImgLeft[1] - r * 0.6, eyeImgLeft[0] + r, eyeImgLeft[1] + r * 0.6) +
    meanGrey(frame, eyeImgRight[0] - r, eyeImgRight[1] - r * 0.6, eyeImgRight[0] + r, eyeImgRight[1] + r * 0.6)) / 2;
  const motion = previous
    ? dist([cx, cy], [previous.box[0] + previous.box[2] / 2, previous.box[1] + previous.box[3] / 2]) / Math.max(1, ied) / Math.max(1, frames)
    : 0;
  return {
    score: face.score,
    box: face.box,
    offsetX: cx / frame.width - 0.5,
    offsetY: cy / frame.height - 0.5,
    interEyeDistance: yawCorrectedInterEye(ied, face.pose.yaw),
    relativeSize: bh / frame.height,
    yaw: face.pose.yaw,
    pitch: face.pose.pitch - PITCH_OFFSET_DEG,
    roll: face.pose.roll,
    leftEyeOpen,
    rightEyeOpen,
    ...(face.eyelids ? { eyelids: face.eyelids } : {}),
    mouthOpen,
    sharpness: sharpness(frame, face.box),
    luminance,
    illuminationBalance,
    eyeLuminanceRatio: eyes / Math.max(1, luminance),
    motion,
    appearance: regionAppearance(frame, face.landmarks5, align.template, align.size),
    landmarks5: face.landmarks5 as P[],
    mesh: hasMesh ? mesh : [],
    ...(face.antispoof !== undefined ? { antispoof: face.antispoof } : {}),
    ...(face.liveness !== undefined ? { liveness: face.liveness } : {}),
    ...(face.tracked ? { tracked: true } : {}),
  };
}
