/**
 * Test stand-in for the tracker: FaceMeasurements from a real detection (mesh eye/mouth ratios,
 * Laplacian variance, luminance and left/right balance over the face box). The live tracker
 * computes its own; these follow the same definitions closely enough to exercise the mappings.
 */
import type { DetectedFace, RgbImage } from '../../server/detect/face-detector.js';
import type { FaceMeasurements } from '../../server/kiosk/pipeline/measurements.js';

type P = [number, number];
const dist = (a: P, b: P): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Eye aspect ratio: mean of three vertical pairs over the corner distance. */
function ear(mesh: P[], corners: [number, number], pairs: Array<[number, number]>): number {
  const v = pairs.reduce((s, [a, b]) => s + dist(mesh[a], mesh[b]), 0) / pairs.length;
  return v / dist(mesh[corners[0]], mesh[corners[1]]);
}

export function measureFace(image: RgbImage, face: DetectedFace): FaceMeasurements {
  const mesh = face.mesh as P[];
  // Image-left eye is the person's right eye.
  const rightEyeOpen = ear(mesh, [33, 133], [[159, 145], [160, 144], [158, 153]]);
  const leftEyeOpen = ear(mesh, [362, 263], [[386, 374], [385, 380], [387, 373]]);
  const mouthOpen = dist(mesh[13], mesh[14]) / dist(mesh[61], mesh[291]);
  const [bx, by, bw, bh] = face.box;
  const x0 = Math.max(1, Math.round(bx)), y0 = Math.max(1, Math.round(by));
  const x1 = Math.min(image.width - 1, Math.round(bx + bw)), y1 = Math.min(image.height - 1, Math.round(by + bh));
  const grey = (x: number, y: number): number => {
    const o = (y * image.width + x) * 3;
    return 0.299 * image.data[o] + 0.587 * image.data[o + 1] + 0.114 * image.data[o + 2];
  };
  let sum = 0, n = 0, lap = 0, lap2 = 0, left = 0, right = 0;
  const cx = (x0 + x1) / 2;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const g = grey(x, y);
    sum += g;
    n++;
    // image-left half is the person's right
    if (x < cx) right += g; else left += g;
    const l = grey(x - 1, y) + grey(x + 1, y) + grey(x, y - 1) + grey(x, y + 1) - 4 * g;
    lap += l;
    lap2 += l * l;
  }
  const ied = dist(face.landmarks5[0] as P, face.landmarks5[1] as P);
  return {
    score: face.score,
    box: face.box,
    offsetX: (bx + bw / 2) / image.width - 0.5,
    offsetY: (by + bh / 2) / image.height - 0.5,
    interEyeDistance: ied,
    relativeSize: bh / image.height,
    yaw: face.pose.yaw,
    pitch: face.pose.pitch,
    roll: face.pose.roll,
    leftEyeOpen,
    rightEyeOpen,
    mouthOpen,
    sharpness: lap2 / n - (lap / n) ** 2,
    luminance: sum / n,
    illuminationBalance: (left - right) / (left + right),
    landmarks5: face.landmarks5.map((p) => [p[0], p[1]] as P),
    mesh: mesh.map((p) => [p[0], p[1]] as P),
  };
}
