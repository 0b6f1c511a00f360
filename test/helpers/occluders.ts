/**
 * Synthetic occluders drawn on a real face photo at its detected landmarks (as the kiosk tests
 * use them): black squares over an eye or a cheek, dark sunglasses, a band over the mouth.
 * "left"/"right" are the person's own (person's left = image right).
 */
import type { DetectedFace, RgbImage } from '../../server/detect/face-detector.js';

export type Occluder = 'left-eye-square' | 'right-eye-square' | 'left-cheek-square' | 'right-cheek-square' | 'sunglasses' | 'mouth-band';

function fill(img: RgbImage, inside: (x: number, y: number) => boolean, box: [number, number, number, number], rgb: [number, number, number]): void {
  const [x0, y0, x1, y1] = box.map(Math.round);
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) {
      if (!inside(x, y)) continue;
      const i = (y * img.width + x) * 3;
      img.data[i] = rgb[0];
      img.data[i + 1] = rgb[1];
      img.data[i + 2] = rgb[2];
    }
  }
}

export function drawOccluder(src: RgbImage, face: DetectedFace, kind: Occluder): RgbImage {
  const img: RgbImage = { width: src.width, height: src.height, data: Uint8Array.from(src.data) };
  const [imgLeftEye, imgRightEye, nose, mouthL, mouthR] = face.landmarks5;
  const ied = Math.hypot(imgRightEye[0] - imgLeftEye[0], imgRightEye[1] - imgLeftEye[1]);
  const square = (c: [number, number], s: number): void =>
    fill(img, () => true, [c[0] - s / 2, c[1] - s / 2, c[0] + s / 2, c[1] + s / 2], [0, 0, 0]);
  switch (kind) {
    case 'left-eye-square':
      return square(imgRightEye, ied * 0.7), img;
    case 'right-eye-square':
      return square(imgLeftEye, ied * 0.7), img;
    case 'left-cheek-square':
      return square([imgRightEye[0] + ied * 0.1, (imgRightEye[1] + mouthR[1]) / 2 + ied * 0.1], ied * 0.65), img;
    case 'right-cheek-square':
      return square([imgLeftEye[0] - ied * 0.1, (imgLeftEye[1] + mouthL[1]) / 2 + ied * 0.1], ied * 0.65), img;
    case 'sunglasses': {
      const rx = ied * 0.42, ry = ied * 0.3;
      for (const c of [imgLeftEye, imgRightEye]) {
        fill(img, (x, y) => ((x - c[0]) / rx) ** 2 + ((y - c[1]) / ry) ** 2 <= 1, [c[0] - rx, c[1] - ry, c[0] + rx, c[1] + ry], [18, 18, 22]);
      }
      const by = (imgLeftEye[1] + imgRightEye[1]) / 2;
      fill(img, () => true, [imgLeftEye[0], by - ied * 0.05, imgRightEye[0], by + ied * 0.05], [18, 18, 22]);
      return img;
    }
    case 'mouth-band': {
      const cy = (mouthL[1] + mouthR[1]) / 2;
      const top = (nose[1] + cy) / 2;
      fill(img, () => true, [mouthL[0] - ied * 0.5, top, mouthR[0] + ied * 0.5, cy + ied * 0.45], [60, 90, 160]);
      return img;
    }
  }
}
