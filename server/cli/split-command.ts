/** plq split: the fit / calibrate / validate split of ../shared/faces, written to models/face-split.csv or checked against it. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MODELS_DIR } from '../plq/model-manifest.js';
import { defaultFacesDir, readFacePhotos } from '../faceset/shared-faces.js';
import { FOLDS, splitCsv, splitPhotos, SPLIT_RULE } from '../faceset/face-split.js';
import { isClean, NATURAL_CONDITIONS } from '../faceset/face-conditions.js';

export const SPLIT_FILE = path.join(MODELS_DIR, 'face-split.csv');

export async function splitCommand(opts: { check: boolean; facesDir?: string }): Promise<number> {
  const photos = await readFacePhotos(opts.facesDir ?? defaultFacesDir());
  const entries = splitPhotos(photos);
  const csv = splitCsv(entries);
  for (const fold of FOLDS) {
    const ps = photos.filter((_, i) => entries[i].fold === fold);
    const ids = new Set(ps.flatMap((p) => p.identities));
    const conds = NATURAL_CONDITIONS.map((c) => `${c} ${ps.filter((p) => p.conditions.all.has(c)).length}`).join(', ');
    process.stdout.write(`${fold}: ${ps.length} photos, ${ids.size} identities, ${ps.filter((p) => isClean(p.conditions)).length} clean; ${conds}\n`);
  }
  process.stdout.write(`rule: ${JSON.stringify(SPLIT_RULE)}\n`);
  if (opts.check) {
    const current = await readFile(SPLIT_FILE, 'utf8').catch(() => '');
    if (current !== csv) {
      process.stderr.write(`plq: ${SPLIT_FILE} differs from the split rule's output (run plq split to rewrite it)\n`);
      return 1;
    }
    process.stdout.write(`${SPLIT_FILE} matches the rule\n`);
    return 0;
  }
  await writeFile(SPLIT_FILE, csv);
  process.stderr.write(`plq: wrote ${SPLIT_FILE}\n`);
  return 0;
}
