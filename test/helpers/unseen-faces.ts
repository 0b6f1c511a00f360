/**
 * Faces of the validate fold of ../shared/faces: people that no fit and no threshold saw.
 * Detections are cached outside the repository (PLQ_CACHE_DIR or ~/.cache/plq-kiosk).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
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
  return unseenPhoto(UNSEEN_PORTRAIT);
}

/** A region of a photo, in photo pixels (for one portrait of a side-by-side composite). */
export interface PhotoRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * A validate-fold photo (or one region of it) with its edges replicated by 35 % on every side;
 * throws if the photo is in a fold that a fit or a threshold saw.
 */
export async function unseenPhoto(file: string, region?: PhotoRegion): Promise<RgbImage> {
  await initBackend();
  if ((await foldOf(file)) !== 'validate') throw new Error(`${file} is not in the validate fold`);
  const bytes = await readFile(path.join(defaultFacesDir(), file));
  const tight = await decodeImage(region ? await sharp(bytes).extract(region).toBuffer() : bytes);
  return padEdges(tight, Math.round(tight.height * 0.35));
}

/**
 * Real occluders on people no fit and no threshold saw, for the kiosk's end-to-end tests. Chosen
 * as the only single-person validate-fold photos with each occluder (a composite's masked half
 * counts as one person), or for eyeglasses, of which there are many, the first in the label file's
 * order; never by a score.
 */
export const UNSEEN_OCCLUDED = {
  /** LFW news photo, dark wrap-around sunglasses, 250x250. */
  sunglasses: { file: 'images/face-recognition-krasserm/images/Arnold_Schwarzenegger/Arnold_Schwarzenegger_0008.jpg' },
  /** A 3DDFA_V2 example portrait, dark-rimmed eyeglasses. */
  glasses: { file: 'images/3DDFA_V2/examples/inputs/JianzhuGuo.jpg' },
  /** The right portrait of a side-by-side composite (810x417): a white surgical mask. */
  mask: { file: 'images/FaceX-Zoo/face_sdk/api_usage/test_images/test4_mask.jpg', region: { left: 405, top: 0, width: 405, height: 417 } },
} as const satisfies Record<string, { file: string; region?: PhotoRegion }>;
