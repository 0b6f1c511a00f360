/** Detects every face of a set of photos (the packaged samples by default). */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage } from '../image/decode-image.js';
import type { DetectedFace, FaceDetector, RgbImage } from '../detect/face-detector.js';
import { samplePhotos, type SamplePhoto } from '../plq/sample-faces.js';

export interface SetFace {
  photoId: string;
  index: number;
  photo: RgbImage;
  face: DetectedFace;
}

export async function photosInFolder(dir: string): Promise<SamplePhoto[]> {
  const names = (await readdir(dir)).filter((n) => /\.(jpe?g|png|webp|tiff?)$/i.test(n)).sort();
  if (names.length === 0) throw new Error(`no images in ${dir}`);
  return names.map((n) => ({ id: n, path: path.join(dir, n) }));
}

export async function loadFaces(detector: FaceDetector, photos: SamplePhoto[] = samplePhotos(), minScore = 0.5): Promise<SetFace[]> {
  const out: SetFace[] = [];
  for (const p of photos) {
    const photo = await decodeImage(await readFile(p.path));
    const faces = await detector.detect(photo);
    faces.filter((f) => f.score >= minScore).forEach((face, index) => out.push({ photoId: p.id, index, photo, face }));
  }
  return out;
}

