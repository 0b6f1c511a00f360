/**
 * The real development photos beside the repository (../shared/faces: manifest.csv and
 * images/). Read in place, never copied. The folder is `PLQ_FACES_DIR`, by default
 * `<repo>/../shared/faces`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MODELS_DIR } from '../plq/model-manifest.js';
import { splitLine } from '../analyze/csv-table.js';
import { conditionsFromNotes, type PhotoConditions } from './face-conditions.js';

export interface FacePhoto {
  /** Path relative to the faces folder, as in the manifest (the photo's stable id). */
  file: string;
  path: string;
  sourceRepo: string;
  /** Identity keys; several only for multi-person photos. */
  identities: string[];
  notes: string;
  conditions: PhotoConditions;
}

export function defaultFacesDir(): string {
  return process.env.PLQ_FACES_DIR ?? path.resolve(MODELS_DIR, '..', '..', 'shared', 'faces');
}

export async function readFacePhotos(dir = defaultFacesDir()): Promise<FacePhoto[]> {
  const manifest = path.join(dir, 'manifest.csv');
  if (!existsSync(manifest)) {
    throw new Error(`face set not found: ${manifest} is missing (set PLQ_FACES_DIR to the folder that holds manifest.csv and images/)`);
  }
  const lines = (await readFile(manifest, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitLine(lines[0]);
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${manifest}: no "${name}" column`);
    return i;
  };
  const [fFile, fRepo, fId, fNotes] = [col('file'), col('source_repo'), col('identity'), col('notes')];
  return lines.slice(1).map((line, i) => {
    const f = splitLine(line);
    if (f.length !== header.length) throw new Error(`${manifest}:${i + 2}: ${f.length} fields, expected ${header.length}`);
    return {
      file: f[fFile],
      path: path.join(dir, f[fFile]),
      sourceRepo: f[fRepo],
      identities: f[fId].split(';').map((s) => s.trim()).filter(Boolean),
      notes: f[fNotes],
      conditions: conditionsFromNotes(f[fNotes]),
    };
  });
}
