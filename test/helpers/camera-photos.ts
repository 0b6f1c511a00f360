/** The real face photos shipped in @vladmandic/face-api, for the camera tests. */
import { copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packageFile } from '../../server/plq/model-paths.js';

export const SAMPLE_PHOTOS = [1, 2, 3, 4, 5, 6].map((i) => packageFile('@vladmandic/face-api', `demo/sample${i}.jpg`));

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `plq-${prefix}-`));
}

/** Copies the photos into a new folder as 01-sample1.jpg ...; returns the folder. */
export async function photoFolder(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  for (const [i, file] of SAMPLE_PHOTOS.entries()) {
    await copyFile(file, path.join(dir, `0${i + 1}-${path.basename(file)}`));
  }
  return dir;
}

/** A logger that keeps what it was told. */
export function memoryLogger(): { info: (m: string) => void; warn: (m: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), lines };
}
