/** Faces of the given photos (files/folders), aligned for a model; unusable inputs are reported, not fatal. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage } from '../image/decode-image.js';
import type { FaceDetector, RgbImage } from '../detect/face-detector.js';
import { alignFace } from '../align/align-face.js';
import type { ModelManifest } from '../plq/model-manifest.js';
import { expandInputs } from '../cli/input-files.js';

export interface AlignedPhotoFace {
  file: string;
  faceIndex: number;
  aligned: RgbImage;
}

export async function alignedFacesOf(paths: string[], detector: FaceDetector, m: ModelManifest): Promise<{ faces: AlignedPhotoFace[]; skipped: string[] }> {
  const faces: AlignedPhotoFace[] = [];
  const skipped: string[] = [];
  for (const input of await expandInputs(paths)) {
    if (input.error) {
      skipped.push(`${input.path}: ${input.error}`);
      continue;
    }
    try {
      const photo = await decodeImage(await readFile(input.path));
      const found = await detector.detect(photo);
      if (found.length === 0) skipped.push(`${input.path}: no face found`);
      found.forEach((f, faceIndex) =>
        faces.push({ file: path.resolve(input.path), faceIndex, aligned: alignFace(photo, f.landmarks5, m.alignmentTemplate, m.inputSize).image }),
      );
    } catch (err) {
      skipped.push(`${input.path}: ${(err as Error).message}`);
    }
  }
  return { faces, skipped };
}
