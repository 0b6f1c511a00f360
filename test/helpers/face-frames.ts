/**
 * Kiosk-like frames (4:3, one face, centred, face box about 60 % of the height) cut from the real
 * group photos shipped in npm packages.
 */
import sharp from 'sharp';
import type { DetectedFace, RgbImage } from '../../server/detect/face-detector.js';

export async function faceFrame(photo: RgbImage, face: DetectedFace, width = 640): Promise<RgbImage> {
  const [bx, by, bw, bh] = face.box;
  const cx = bx + bw / 2, cy = by + bh / 2;
  const h = Math.min(photo.height, Math.round(bh / 0.6));
  const w = Math.min(photo.width, Math.round((h * 4) / 3));
  const left = Math.max(0, Math.min(photo.width - w, Math.round(cx - w / 2)));
  const top = Math.max(0, Math.min(photo.height - h, Math.round(cy - h / 2)));
  const { data, info } = await sharp(Buffer.from(photo.data), { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .extract({ left, top, width: w, height: h })
    .resize(width, Math.round((width * 3) / 4), { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}
