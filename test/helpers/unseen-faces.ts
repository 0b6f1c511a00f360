/**
 * Faces of the validate fold of ../shared/faces: people that no fit and no threshold saw.
 * Detections are cached outside the repository (PLQ_CACHE_DIR or ~/.cache/plq-kiosk).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../../server/tf/backend.js';
import { decodeImage } from '../../server/image/decode-image.js';
import { padEdges } from '../../server/image/resample.js';
import type { RgbImage } from '../../server/detect/face-detector.js';
import { defaultFacesDir, readFacePhotos } from '../../server/faceset/shared-faces.js';
import { splitPhotos, type Fold } from '../../server/faceset/face-split.js';

/**
 * The unseen portrait of the kiosk tests, chosen by its look, never by a score: among the
 * validate-fold clean single-face photos within 8 degrees of frontal (yaw, roll), the one with
 * the largest inter-eye distance whose expression is what ICAO asks of a reference image
 * (neutral, mouth closed; the larger ones smile with their teeth showing, which the kiosk
 * rightly answers with `close-mouth`). An AFLW2000 portrait on a plain background, 450x450.
 */
export const UNSEEN_PORTRAIT = 'images/PRNet/TestImages/AFLW2000/image00050.jpg';

export async function foldOf(file: string): Promise<Fold> {
  const photos = await readFacePhotos();
  const entry = splitPhotos(photos).find((e) => e.file === file);
  if (!entry) throw new Error(`${file} is not in ../shared/faces/manifest.csv`);
  return entry.fold;
}

/**
 * The portrait with its edges replicated by 35 % on every side: a tight portrait leaves the
 * booth framing (face box at 60 % of the frame height) no room, and the kiosk would say `step-back`.
 */
export async function unseenPortrait(): Promise<RgbImage> {
  await initBackend();
  if ((await foldOf(UNSEEN_PORTRAIT)) !== 'validate') throw new Error(`${UNSEEN_PORTRAIT} is not in the validate fold`);
  const tight = await decodeImage(await readFile(path.join(defaultFacesDir(), UNSEEN_PORTRAIT)));
  return padEdges(tight, Math.round(tight.height * 0.35));
}
