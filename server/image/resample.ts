/** Resizing and padding of 8-bit RGB images with libvips (sharp). */
import sharp from 'sharp';
import type { RgbImage } from '../detect/face-detector.js';

const raw = (img: RgbImage) => sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } });

/** `img` resampled to width x height (Lanczos 3, area-averaging when shrinking). */
export async function resizeRgb(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  const data = await raw(img).resize(width, height, { kernel: 'lanczos3' }).raw().toBuffer();
  return { width, height, data: new Uint8Array(data) };
}

/** `img` shrunk so that its longest side is at most `maxSide` (never enlarged), and the scale applied. */
export async function fitWithin(img: RgbImage, maxSide: number): Promise<{ image: RgbImage; scale: number }> {
  const longest = Math.max(img.width, img.height);
  if (longest <= maxSide) return { image: img, scale: 1 };
  const scale = maxSide / longest;
  return { image: await resizeRgb(img, Math.round(img.width * scale), Math.round(img.height * scale)), scale };
}

/** `img` with its edge pixels replicated `pad` pixels out on every side. */
export async function padEdges(img: RgbImage, pad: number): Promise<RgbImage> {
  const data = await raw(img).extend({ top: pad, bottom: pad, left: pad, right: pad, extendWith: 'copy' }).raw().toBuffer();
  return { width: img.width + 2 * pad, height: img.height + 2 * pad, data: new Uint8Array(data) };
}

/**
 * The colour of `img` at (x, y) in pixel-index coordinates (pixel i's samples at i), bilinear and
 * clamped to the image, written to `out`.
 */
export function sampleBilinear(img: RgbImage, x: number, y: number, out: { [c: number]: number }): void {
  const xc = Math.min(img.width - 1.001, Math.max(0, x)), yc = Math.min(img.height - 1.001, Math.max(0, y));
  const x0 = Math.floor(xc), y0 = Math.floor(yc), fx = xc - x0, fy = yc - y0;
  const i00 = (y0 * img.width + x0) * 3, i01 = i00 + 3, i10 = i00 + img.width * 3, i11 = i10 + 3;
  const d = img.data;
  for (let c = 0; c < 3; c++) {
    out[c] = (d[i00 + c] * (1 - fx) + d[i01 + c] * fx) * (1 - fy) + (d[i10 + c] * (1 - fx) + d[i11 + c] * fx) * fy;
  }
}
