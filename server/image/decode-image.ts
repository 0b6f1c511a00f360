/**
 * Safe image decoding: refuses oversized images from their header before decoding, applies
 * EXIF orientation, and normalises greyscale, CMYK, 16-bit and alpha inputs to 8-bit sRGB.
 */
import sharp from 'sharp';
import type { RgbImage } from '../detect/face-detector.js';

export const DEFAULT_MAX_PIXELS = 40_000_000;

export type ImageErrorCode = 'empty' | 'not-an-image' | 'unreadable' | 'too-large';

export class ImageInputError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImageInputError';
  }
}

export interface DecodeOptions {
  /** Largest width x height accepted; checked from the header, before decoding. */
  maxPixels?: number;
}

export async function decodeImage(input: Buffer, options: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (input.length === 0) throw new ImageInputError('empty', 'empty file (0 bytes)');
  let meta: sharp.Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageInputError('not-an-image', 'not an image (unknown or unsupported format)');
  }
  if (!meta.width || !meta.height || !meta.format) {
    throw new ImageInputError('not-an-image', 'not an image (no dimensions in header)');
  }
  if (meta.width * meta.height > maxPixels) {
    throw new ImageInputError(
      'too-large',
      `image too large: ${meta.width}x${meta.height} exceeds ${maxPixels} pixels; refused without decoding`,
    );
  }
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true })
      .rotate()
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels after conversion`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    throw new ImageInputError('unreadable', `unreadable ${meta.format} image: ${(err as Error).message}`);
  }
}
