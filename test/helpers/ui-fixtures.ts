/**
 * Replay folders for the UI's end-to-end tests, made from the real face photos shipped in npm
 * packages: kiosk-like 4:3 frames of one face (centred, as a person at the kiosk), as they
 * are and with a drawn occluder at the face's own landmarks. Written once per run as JPEGs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../server/detect/face-detector.js';
import { detector, realFaces } from './real-faces.js';
import { faceFrame, portraitFrame } from '../../server/kiosk/camera/face-frame.js';
import { unseenPortrait } from './unseen-faces.js';
import { drawOccluder, type Occluder } from './occluders.js';

export interface FaceFrameFile {
  /** `<photoId>#<face index>` */
  faceId: string;
  file: string;
}

const jpeg = (img: RgbImage): Promise<Buffer> =>
  sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();

/**
 * Writes one kiosk frame of the face `faceId` (or of every face when omitted) into `dir`,
 * with `occluder` drawn when given. Returns the files written.
 */
export async function writeFaceFrames(dir: string, options: { faceIds?: string[]; occluder?: Occluder } = {}): Promise<FaceFrameFile[]> {
  await mkdir(dir, { recursive: true });
  const det = await detector();
  const out: FaceFrameFile[] = [];
  for (const f of await realFaces()) {
    const faceId = `${f.photoId}#${f.index}`;
    if (options.faceIds && !options.faceIds.includes(faceId)) continue;
    let frame = await faceFrame(f.photo, f.face.box);
    if (options.occluder) {
      const [again] = (await det.detect(frame)).sort((a, b) => b.score - a.score);
      if (!again) continue;
      frame = drawOccluder(frame, again, options.occluder);
    }
    const file = path.join(dir, `${faceId.replace(/[^A-Za-z0-9_.-]/g, '_')}${options.occluder ? '.' + options.occluder : ''}.jpg`);
    await writeFile(file, await jpeg(frame));
    out.push({ faceId, file });
  }
  return out;
}

/**
 * One booth frame of the unseen portrait (a validate-fold face of ../shared/faces that no fit
 * and no threshold saw): frontal, neutral, close enough for every capture check on the defaults.
 */
export async function writeUnseenFrame(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const photo = await unseenPortrait();
  const [face] = await (await detector()).detect(photo);
  const file = path.join(dir, 'unseen-portrait.jpg');
  await writeFile(file, await jpeg(portraitFrame(photo, face)));
  return file;
}
