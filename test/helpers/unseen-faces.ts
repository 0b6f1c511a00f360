/**
 * Faces of the validate fold of ../shared/faces: people that no fit and no threshold saw.
 * Detections are cached outside the repository (PLQ_CACHE_DIR or ~/.cache/plq-kiosk).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../../server/tf/backend.js';
import { decodeImage } from '../../server/image/decode-image.js';
import type { RgbImage } from '../../server/detect/face-detector.js';
import { defaultFacesDir, readFacePhotos } from '../../server/faceset/shared-faces.js';
import { splitPhotos, type Fold } from '../../server/faceset/face-split.js';

/**
 * The unseen portrait of the kiosk tests, chosen by a rule on the detections alone (never on a
 * score): the validate-fold clean single-face photo with the largest inter-eye distance among
 * those within 8 degrees of frontal in yaw and roll.
 */
export const UNSEEN_PORTRAIT = 'images/mediapipe/mediapipe/framework/debug/testdata/sergey.png';

export async function foldOf(file: string): Promise<Fold> {
  const photos = await readFacePhotos();
  const entry = splitPhotos(photos).find((e) => e.file === file);
  if (!entry) throw new Error(`${file} is not in ../shared/faces/manifest.csv`);
  return entry.fold;
}

export async function unseenPortrait(): Promise<RgbImage> {
  await initBackend();
  if ((await foldOf(UNSEEN_PORTRAIT)) !== 'validate') throw new Error(`${UNSEEN_PORTRAIT} is not in the validate fold`);
  return decodeImage(await readFile(path.join(defaultFacesDir(), UNSEEN_PORTRAIT)));
}
