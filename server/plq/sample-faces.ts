/** Real face photos that ship in installed packages (no downloads): for calibration, tests, demos. */
import { existsSync } from 'node:fs';
import { packageFile } from './model-paths.js';

export interface SamplePhoto {
  /** Stable id, e.g. 'face-api/sample3'. */
  id: string;
  path: string;
}

export function samplePhotos(): SamplePhoto[] {
  const photos: SamplePhoto[] = [];
  for (let i = 1; i <= 6; i++) {
    photos.push({ id: `face-api/sample${i}`, path: packageFile('@vladmandic/face-api', `demo/sample${i}.jpg`) });
  }
  const astronaut = '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';
  if (existsSync(astronaut)) photos.push({ id: 'skimage/astronaut', path: astronaut });
  return photos;
}
