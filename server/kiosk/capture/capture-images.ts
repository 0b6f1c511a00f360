/** Encodes the image files of a capture: the frame, the portrait, the PLQ map and its overlay. */
import sharp from 'sharp';
import type { RgbImage } from '../../detect/face-detector.js';
import { warpAffine } from '../../align/warp.js';
import { mapToPng, overlayPng } from '../../image/render-maps.js';
import type { PlqResult } from '../pipeline/measurements.js';

export interface CaptureImages {
  'frame.jpg': Buffer;
  'portrait.jpg': Buffer;
  'plq.png': Buffer;
  'overlay.png': Buffer;
}

export interface CaptureImageOptions {
  /** JPEG quality for frame and portrait (default 95; ICAO asks for light compression). */
  jpegQuality?: number;
}

function jpeg(img: RgbImage, quality: number): Promise<Buffer> {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: 3 },
  })
    .jpeg({ quality, chromaSubsampling: '4:4:4', mozjpeg: false })
    .toBuffer();
}

export async function renderCaptureImages(
  frame: RgbImage,
  portrait: RgbImage,
  plq: Pick<PlqResult, 'map' | 'width' | 'height' | 'transform' | 'qualityScaled'>,
  options: CaptureImageOptions = {},
): Promise<CaptureImages> {
  const q = options.jpegQuality ?? 95;
  // The aligned face the map belongs to, re-sampled from the frame with the aligned-to-frame affine.
  const aligned = warpAffine(frame, plq.transform, plq.width, plq.height);
  const [frameJpg, portraitJpg, plqPng, overlay] = await Promise.all([
    jpeg(frame, q),
    jpeg(portrait, q),
    mapToPng(plq.map, plq.width, plq.height),
    overlayPng(aligned, plq.map, { label: `Q^ ${plq.qualityScaled.toFixed(2)}` }),
  ]);
  return { 'frame.jpg': frameJpg, 'portrait.jpg': portraitJpg, 'plq.png': plqPng, 'overlay.png': overlay };
}
