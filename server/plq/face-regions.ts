/**
 * Face regions in aligned coordinates, derived from the model's five-point template, and the
 * mean pixel quality P over each. "left" and "right" are the person's own: the person's left
 * eye is the template's second point (on the image's right).
 */
import type { Point } from '../align/similarity.js';

export const REGION_NAMES = [
  'forehead',
  'leftEye',
  'rightEye',
  'nose',
  'leftCheek',
  'rightCheek',
  'mouth',
  'chin',
  'face',
] as const;
export type RegionName = (typeof REGION_NAMES)[number];

/** Axis-aligned box [x0, y0, x1, y1) in aligned pixels. */
export type RegionBox = [number, number, number, number];

export function regionBoxes(template: Point[], size: [number, number]): Record<RegionName, RegionBox> {
  const [imgLeftEye, imgRightEye, nose, imgLeftMouth, imgRightMouth] = template;
  const eyeDist = imgRightEye[0] - imgLeftEye[0];
  const eyeY = (imgLeftEye[1] + imgRightEye[1]) / 2;
  const mouthY = (imgLeftMouth[1] + imgRightMouth[1]) / 2;
  const r = eyeDist * 0.32;
  const clamp = (b: RegionBox): RegionBox => [
    Math.max(0, Math.round(b[0])),
    Math.max(0, Math.round(b[1])),
    Math.min(size[0], Math.round(b[2])),
    Math.min(size[1], Math.round(b[3])),
  ];
  const eyeBox = (p: Point): RegionBox => clamp([p[0] - r * 1.2, p[1] - r, p[0] + r * 1.2, p[1] + r]);
  const cheekW = eyeDist * 0.45;
  return {
    forehead: clamp([imgLeftEye[0] - r, 0, imgRightEye[0] + r, eyeY - r * 1.1]),
    // person's right eye is on the image's left
    rightEye: eyeBox(imgLeftEye),
    leftEye: eyeBox(imgRightEye),
    nose: clamp([nose[0] - r * 0.9, eyeY + r * 0.6, nose[0] + r * 0.9, nose[1] + r * 0.5]),
    rightCheek: clamp([imgLeftEye[0] - cheekW, eyeY + r * 1.1, imgLeftEye[0] + cheekW * 0.45, mouthY - r * 0.3]),
    leftCheek: clamp([imgRightEye[0] - cheekW * 0.45, eyeY + r * 1.1, imgRightEye[0] + cheekW, mouthY - r * 0.3]),
    mouth: clamp([imgLeftMouth[0] - r * 0.6, mouthY - r * 0.8, imgRightMouth[0] + r * 0.6, mouthY + r * 0.8]),
    chin: clamp([imgLeftMouth[0] - r * 0.3, mouthY + r * 0.9, imgRightMouth[0] + r * 0.3, size[1]]),
    face: clamp([imgLeftEye[0] - r * 1.6, eyeY - r * 2.2, imgRightEye[0] + r * 1.6, mouthY + r * 1.6]),
  };
}

export type RegionStats = Record<RegionName, number>;

/** Mean of `map` (row-major, width w) over each region box. */
export function regionMeans(map: Float32Array, w: number, boxes: Record<RegionName, RegionBox>): RegionStats {
  const out = {} as RegionStats;
  for (const name of REGION_NAMES) {
    const [x0, y0, x1, y1] = boxes[name];
    let s = 0, n = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
      s += map[y * w + x];
      n++;
    }
    out[name] = n ? s / n : 0;
  }
  return out;
}
