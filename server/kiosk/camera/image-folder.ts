/**
 * Decodes the images of a folder (or one image file) once, in name order, each downscaled to
 * a maximum width (never upscaled). Images that fail to decode are skipped, with the file name
 * and the reason; their pixels are never logged.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../detect/face-detector.js';
import { decodeImage } from '../../image/decode-image.js';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.avif', '.gif'];

export interface SkippedImage {
  file: string;
  reason: string;
}

export interface DecodedFolder {
  images: { file: string; image: RgbImage }[];
  skipped: SkippedImage[];
}

export function isImageFile(file: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

/** Downscales an RGB image to `maxWidth` (aspect kept) when it is wider; otherwise returns it. */
export async function downscaleToWidth(image: RgbImage, maxWidth: number): Promise<RgbImage> {
  if (image.width <= maxWidth) return image;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ width: maxWidth, withoutEnlargement: true, kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export async function decodeImageFolder(
  folderOrFile: string,
  maxWidth: number,
  onSkip: (skipped: SkippedImage) => void = () => {},
): Promise<DecodedFolder> {
  const info = await stat(folderOrFile);
  const files = info.isDirectory()
    ? (await readdir(folderOrFile, { withFileTypes: true }))
        .filter((d) => d.isFile() && isImageFile(d.name))
        .map((d) => path.join(folderOrFile, d.name))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : [folderOrFile];
  const out: DecodedFolder = { images: [], skipped: [] };
  for (const file of files) {
    const name = path.basename(file);
    try {
      const decoded = await decodeImage(await readFile(file));
      out.images.push({ file: name, image: await downscaleToWidth(decoded, maxWidth) });
    } catch (err) {
      const skipped = { file: name, reason: err instanceof Error ? err.message : String(err) };
      out.skipped.push(skipped);
      onSkip(skipped);
    }
  }
  return out;
}
