/**
 * A kiosk-like frame around one face of a larger photo: 4:3, the face centred, its box about 60 %
 * of the frame height (as a booth camera sees a person). Used for the demo camera and in tests.
 */
import sharp from 'sharp';
import type { RgbImage } from '../../detect/face-detector.js';

export interface CropRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The 4:3 crop of a `photoWidth` x `photoHeight` photo around a face box [x, y, w, h]. */
export function faceFrameRect(photoWidth: number, photoHeight: number, box: [number, number, number, number]): CropRect {
  const [bx, by, bw, bh] = box;
  const height = Math.min(photoHeight, Math.round(bh / 0.6));
  const width = Math.min(photoWidth, Math.round((height * 4) / 3));
  const left = Math.max(0, Math.min(photoWidth - width, Math.round(bx + bw / 2 - width / 2)));
  const top = Math.max(0, Math.min(photoHeight - height, Math.round(by + bh / 2 - height / 2)));
  return { left, top, width, height };
}

/** The crop resampled to `width` x 3/4 `width` pixels, as a sharp pipeline (encode as needed). */
export function faceFramePipeline(photo: RgbImage, box: [number, number, number, number], width = 640): sharp.Sharp {
  return sharp(Buffer.from(photo.data), { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .extract(faceFrameRect(photo.width, photo.height, box))
    .resize(width, Math.round((width * 3) / 4), { fit: 'fill' });
}

export async function faceFrame(photo: RgbImage, box: [number, number, number, number], width = 640): Promise<RgbImage> {
  const { data, info } = await faceFramePipeline(photo, box, width).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}
