/** The faces of one fold of the development photos, aligned for a model (for fits, calibration, evaluation, tests). */
import { HumanFaceDetector } from '../detect/human-detector.js';
import type { ModelManifest } from '../plq/model-manifest.js';
import type { RgbImage } from '../detect/face-detector.js';
import { defaultFacesDir, readFacePhotos, type FacePhoto } from './shared-faces.js';
import { splitPhotos, type Fold } from './face-split.js';
import { alignedCrop, loadFaceRecords, type FaceRecord, type FaceSetOptions } from './face-records.js';

export interface FoldFace {
  record: FaceRecord;
  crop: RgbImage;
}

export interface FoldQuery extends FaceSetOptions {
  facesDir?: string;
  /** Only faces that pass this filter (e.g. clean frontal ones). */
  filter?: (r: FaceRecord) => boolean;
  /** At most this many faces, taken evenly over the fold (CI subsets). */
  limit?: number;
}

export interface FoldFaces {
  faces: FoldFace[];
  photos: number;
  skipped: Array<{ file: string; reason: string }>;
}

/** Every `step`-th item so that at most `limit` remain, in order. */
export function evenly<T>(items: T[], limit: number | undefined): T[] {
  if (!limit || items.length <= limit) return items;
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, i) => items[Math.floor(i * step)]);
}

export async function foldRecords(folds: Fold[], query: FoldQuery = {}): Promise<{ records: FaceRecord[]; photos: FacePhoto[]; skipped: FoldFaces['skipped'] }> {
  const all = await readFacePhotos(query.facesDir ?? defaultFacesDir());
  const split = new Map(splitPhotos(all).map((e) => [e.file, e]));
  const photos = all.filter((p) => folds.includes(split.get(p.file)!.fold));
  const { faces, skipped } = await loadFaceRecords(photos, split, () => HumanFaceDetector.create({ maxFaces: 20 }), query);
  return { records: evenly(faces.filter(query.filter ?? (() => true)), query.limit), photos, skipped };
}

export async function foldFaces(folds: Fold[], m: ModelManifest, query: FoldQuery = {}): Promise<FoldFaces> {
  const { records, photos, skipped } = await foldRecords(folds, query);
  const byFile = new Map(photos.map((p) => [p.file, p.path]));
  const faces: FoldFace[] = [];
  for (const record of records) faces.push({ record, crop: await alignedCrop(record, byFile.get(record.file)!, m, query.cacheDir) });
  return { faces, photos: photos.length, skipped };
}
