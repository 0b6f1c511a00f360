/**
 * plq guidance-labels: the labelled guidance set (server/faceset/guidance-labels.ts) from the notes
 * of ../shared/faces/manifest.csv and models/guidance-label-overrides.csv, written to
 * models/guidance-labels.csv (or --check it). Faces come from face-records.ts (detections cached).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { defaultFacesDir, readFacePhotos } from '../faceset/shared-faces.js';
import { FOLDS, splitPhotos, type Fold } from '../faceset/face-split.js';
import { loadFaceRecords } from '../faceset/face-records.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { initBackend } from '../tf/backend.js';
import { buildLabels, labelsCsv, LABELS_FILE, readOverrides, parseLabels, csvFields, type GuidanceLabel } from '../faceset/guidance-labels.js';
import { SPLIT_FILE } from './split-command.js';

export interface GuidanceLabelsOptions {
  check: boolean;
  facesDir?: string;
  out?: string;
  overrides?: string;
}

async function splitFileRows(file: string): Promise<string[][]> {
  return (await readFile(file, 'utf8')).split(/\r?\n/).filter(Boolean).slice(1).map(csvFields);
}

/** The fold of each photo as models/face-split.csv has it. */
export async function splitFileFolds(file = SPLIT_FILE): Promise<Map<string, Fold>> {
  return new Map((await splitFileRows(file)).map((f) => [f[0], f[2] as Fold]));
}

/** The person's group of each photo (the union of its identities) as models/face-split.csv has it. */
export async function splitFileGroups(file = SPLIT_FILE): Promise<Map<string, string>> {
  return new Map((await splitFileRows(file)).map((f) => [f[0], f[1]]));
}

export async function makeGuidanceLabels(opts: { facesDir?: string; overrides?: string } = {}): Promise<GuidanceLabel[]> {
  const photos = await readFacePhotos(opts.facesDir ?? defaultFacesDir());
  const folds = await splitFileFolds();
  const split = new Map(splitPhotos(photos).map((e) => [e.file, e]));
  for (const [file, e] of split) {
    if (folds.get(file) !== e.fold) throw new Error(`${SPLIT_FILE} says ${file} is in ${folds.get(file) ?? 'no fold'}, the split rule says ${e.fold} (run plq split)`);
  }
  let backendReady = false;
  const { faces } = await loadFaceRecords(photos, split, async () => {
    if (!backendReady) await initBackend('auto');
    backendReady = true;
    return HumanFaceDetector.create({ maxFaces: 20 });
  });
  const notes = new Map(photos.map((p) => [p.file, p.notes]));
  return buildLabels(faces, (f) => notes.get(f) ?? '', await readOverrides(opts.overrides));
}

export async function guidanceLabelsCommand(opts: GuidanceLabelsOptions): Promise<number> {
  const labels = await makeGuidanceLabels(opts);
  const csv = labelsCsv(labels);
  const out = opts.out ?? LABELS_FILE;
  for (const fold of FOLDS) {
    const ls = labels.filter((l) => l.fold === fold);
    const scored = ls.filter((l) => l.must.length || l.mustNot.length);
    const must = new Map<string, number>();
    for (const l of ls) for (const t of l.must) must.set(t, (must.get(t) ?? 0) + 1);
    process.stdout.write(
      `${fold}: ${ls.length} faces, ${scored.length} labelled, ${ls.filter((l) => l.clean).length} clean, ${ls.filter((l) => l.source === 'override').length} overridden; must: ${[...must].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}\n`,
    );
  }
  if (opts.check) {
    const current = await readFile(out, 'utf8').catch(() => '');
    if (current !== csv) {
      process.stderr.write(`plq: ${out} differs from the label rules' output (run plq guidance-labels to rewrite it)\n`);
      return 1;
    }
    parseLabels(current, out);
    process.stdout.write(`${out} matches the rules\n`);
    return 0;
  }
  await writeFile(out, csv);
  process.stderr.write(`plq: wrote ${out}\n`);
  return 0;
}
