/**
 * The demo camera of a box with no camera: kiosk-like frames (4:3, one face, centred) cut once
 * from the real photos shipped in npm packages, cached on disk, then replayed.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { decodeImage } from '../../image/decode-image.js';
import { samplePhotos } from '../../plq/sample-faces.js';
import type { FaceDetector } from '../../detect/face-detector.js';

export const DEMO_SPEC = 'replay:samples';
export const DEMO_DIR = path.join(os.tmpdir(), 'plq-kiosk-demo-frames-v1');

/** Builds (or reuses) the demo frames folder; `detector` is only created when frames are missing. */
export async function ensureDemoFrames(makeDetector: () => Promise<FaceDetector>, dir = DEMO_DIR, width = 640): Promise<string> {
  try {
    if ((await readdir(dir)).some((f) => f.endsWith('.jpg'))) return dir;
  } catch {
    // not built yet
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  const detector = await makeDetector();
  let n = 0;
  for (const p of samplePhotos()) {
    const photo = await decodeImage(await readFile(p.path));
    for (const face of await detector.detect(photo)) {
      const [bx, by, bw, bh] = face.box;
      // frontal-ish faces only, framed like a booth camera
      if (Math.abs(face.pose.yaw) > 20 || Math.abs(face.pose.roll) > 15) continue;
      const h = Math.min(photo.height, Math.round(bh / 0.6));
      const w = Math.min(photo.width, Math.round((h * 4) / 3));
      const left = Math.max(0, Math.min(photo.width - w, Math.round(bx + bw / 2 - w / 2)));
      const top = Math.max(0, Math.min(photo.height - h, Math.round(by + bh / 2 - h / 2)));
      await sharp(Buffer.from(photo.data), { raw: { width: photo.width, height: photo.height, channels: 3 } })
        .extract({ left, top, width: w, height: h })
        .resize(width, Math.round((width * 3) / 4), { fit: 'fill' })
        .jpeg({ quality: 90 })
        .toFile(path.join(tmp, `demo-${String(n++).padStart(2, '0')}.jpg`));
    }
  }
  detector.dispose();
  if (n === 0) throw new Error('no demo frames could be made from the packaged photos');
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return dir;
}
