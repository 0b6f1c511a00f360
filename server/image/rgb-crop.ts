import type { RgbImage } from '../detect/face-detector.js';

/** A rectangle of whole pixels inside an image. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The square of side `side` centred on (cx, cy), clipped to the image (so it may come out
 * narrower or shorter at a border); undefined when less than 16 pixels of it are inside.
 */
export function squareInside(image: { width: number; height: number }, cx: number, cy: number, side: number): PixelRect | undefined {
  const x0 = Math.max(0, Math.round(cx - side / 2));
  const y0 = Math.max(0, Math.round(cy - side / 2));
  const x1 = Math.min(image.width, Math.round(cx + side / 2));
  const y1 = Math.min(image.height, Math.round(cy + side / 2));
  return x1 - x0 >= 16 && y1 - y0 >= 16 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}

/** The pixels of `rect` (inside the image) as an image of their own. */
export function cropRgb(image: RgbImage, rect: PixelRect): RgbImage {
  const { x, y, width, height } = rect;
  const data = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * 3;
    data.set(image.data.subarray(from, from + width * 3), row * width * 3);
  }
  return { width, height, data };
}

/**
 * The image centred in a black square of its longer side, and where its top-left corner lies in
 * that square. A detector that resizes its input to a square then sees the picture unsquashed.
 */
export function letterboxRgb(image: RgbImage): { image: RgbImage; dx: number; dy: number } {
  const side = Math.max(image.width, image.height);
  const dx = Math.floor((side - image.width) / 2);
  const dy = Math.floor((side - image.height) / 2);
  const data = new Uint8Array(side * side * 3);
  for (let row = 0; row < image.height; row++) {
    data.set(image.data.subarray(row * image.width * 3, (row + 1) * image.width * 3), ((dy + row) * side + dx) * 3);
  }
  return { image: { width: side, height: side, data }, dx, dy };
}
