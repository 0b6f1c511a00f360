import type { RgbImage } from '../detect/face-detector.js';

/** Quarter turns a camera's frames can be turned by (degrees, clockwise). */
export const QUARTER_TURNS = [0, 90, 180, 270] as const;
export type QuarterTurn = (typeof QUARTER_TURNS)[number];

/**
 * The image turned clockwise by `degrees` (a new image; 0 returns the same one). A 90° or 270°
 * turn swaps width and height. Exact: pixels move, none is resampled.
 */
export function rotateRgb(image: RgbImage, degrees: QuarterTurn): RgbImage {
  if (degrees === 0) return image;
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(data.length);
  const outW = degrees === 180 ? w : h;
  // where source pixel (0, y) lands, and how far the next pixel of its row moves, in bytes
  const start = (y: number): number => (degrees === 90 ? h - 1 - y : degrees === 180 ? (h - y) * w - 1 : (w - 1) * outW + y) * 3;
  const step = (degrees === 90 ? outW : degrees === 180 ? -1 : -outW) * 3;
  let from = 0;
  for (let y = 0; y < h; y++) {
    let to = start(y);
    for (let x = 0; x < w; x++, from += 3, to += step) {
      out[to] = data[from];
      out[to + 1] = data[from + 1];
      out[to + 2] = data[from + 2];
    }
  }
  return { width: outW, height: degrees === 180 ? h : w, data: out };
}
