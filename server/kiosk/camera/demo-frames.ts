/**
 * The demo camera of a box with no camera: kiosk-like frames (4:3, one face, centred) cut once
 * from the real photos shipped in npm packages, cached on disk, then replayed.
 */
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { faceFramePipeline } from './face-frame.js';
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
      // frontal-ish faces only, framed like a booth camera
      if (Math.abs(face.pose.yaw) > 20 || Math.abs(face.pose.roll) > 15) continue;
      await faceFramePipeline(photo, face.box, width)
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
