/**
 * A kiosk-like frame around one face of a larger photo: 4:3, the face centred, its box about 60 %
 * of the frame height (as a booth camera sees a person). Used for the demo camera and in tests.
 */
import sharp from 'sharp';
import type { DetectedFace, RgbImage } from '../../detect/face-detector.js';
import type { Affine, Point } from '../../align/similarity.js';
import { warpAffine } from '../../align/warp.js';
import { portraitGeometry } from '../capture/portrait-crop.js';

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

export interface PortraitFrameOptions {
  /** Output width; height = 3/4 width (default 640). */
  width?: number;
  /** The portrait's height as a share of the frame height (default 0.92: 4 % margin above and below). */
  portraitShare?: number;
  /** Rotate so that the eyes are level (default true). */
  level?: boolean;
}

/** The frame-to-photo transform of `portraitFrame` (output pixel -> photo pixel). */
export function portraitFrameTransform(
  photo: { width: number; height: number },
  face: Pick<DetectedFace, 'mesh' | 'landmarks5'>,
  options: PortraitFrameOptions = {},
): Affine {
  const width = options.width ?? 640;
  const height = Math.round((width * 3) / 4);
  const [l, r] = face.landmarks5;
  const pivot: Point = [(l[0] + r[0]) / 2, (l[1] + r[1]) / 2];
  const angle = (options.level ?? true) ? Math.atan2(r[1] - l[1], r[0] - l[0]) : 0;
  // photo -> levelled photo: rotate by -angle about the eyes' midpoint
  const c = Math.cos(-angle), s = Math.sin(-angle);
  const level = (p: Point): Point => [pivot[0] + c * (p[0] - pivot[0]) - s * (p[1] - pivot[1]), pivot[1] + s * (p[0] - pivot[0]) + c * (p[1] - pivot[1])];
  const g = portraitGeometry(photo, { mesh: face.mesh.map(level), landmarks5: face.landmarks5.map(level) });
  const k = g.rect.height / (options.portraitShare ?? 0.92) / height; // levelled-photo pixels per output pixel
  const cx = g.rect.x + g.rect.width / 2, cy = g.rect.y + g.rect.height / 2;
  // output (u, v) -> levelled photo (cx + k (u - w/2), cy + k (v - h/2)) -> photo (rotate back by +angle)
  const c2 = Math.cos(angle), s2 = Math.sin(angle);
  const tx0 = cx - (k * width) / 2 - pivot[0], ty0 = cy - (k * height) / 2 - pivot[1];
  return [c2 * k, -s2 * k, pivot[0] + c2 * tx0 - s2 * ty0, s2 * k, c2 * k, pivot[1] + s2 * tx0 + c2 * ty0];
}

/**
 * A booth-camera frame of one face of a larger photo, as close as an ICAO portrait needs: the
 * whole portrait (head centred, chin-to-crown 75 % of its height) fills `portraitShare` of the
 * frame height, eyes levelled. At 640x480 that puts 90-120 px between the eyes of a frontal
 * adult face, the ISO minimum and above. Outside the photo reads black.
 */
export function portraitFrame(photo: RgbImage, face: Pick<DetectedFace, 'mesh' | 'landmarks5'>, options: PortraitFrameOptions = {}): RgbImage {
  const width = options.width ?? 640;
  return warpAffine(photo, portraitFrameTransform(photo, face, options), width, Math.round((width * 3) / 4));
}
