/**
 * The demo camera of a box with no camera: booth-camera frames (4:3, one face, centred, eyes
 * level, the ICAO portrait filling the frame's height, so 90-120 px between the eyes at 640x480)
 * cut once from the real photos shipped in npm packages, cached on disk, then replayed.
 *
 * Framed this close because the capture checks require ISO's minimum inter-eye distance (90 px):
 * the earlier, looser frames (face box 60 % of the height) had 54-85 px and could never pass.
 */
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { portraitFrame } from './face-frame.js';
import { decodeImage } from '../../image/decode-image.js';
import { samplePhotos } from '../../plq/sample-faces.js';
import type { FaceDetector } from '../../detect/face-detector.js';

export const DEMO_SPEC = 'replay:samples';
/**
 * The demo camera shows each person for `camera.holdSeconds`, then an empty booth for this long
 * before the next. Without it the next person replaced the last within one frame, in the same
 * place at the same size, which no track break shows: one session ran over every person of the
 * loop, and after `assistanceAfterMs` the screen asked each of them to call staff.
 */
export const DEMO_GAP_SECONDS = 0.3;
export const DEMO_DIR = path.join(os.tmpdir(), 'plq-kiosk-demo-frames-v2');

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
      // frontal-ish faces only (roll is levelled), framed like a booth camera
      if (Math.abs(face.pose.yaw) > 20 || face.mesh.length < 468) continue;
      const frame = portraitFrame(photo, face, { width });
      await sharp(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), { raw: { width: frame.width, height: frame.height, channels: 3 } })
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
