/**
 * Faces of the development photos: every usable face of every photo with its fold, identity
 * (only where the label surely belongs to that face) and conditions, and its aligned crop for
 * a model. Detection and alignment are cached on disk (the cache folder, never the repo), keyed
 * by the photo's content hash, so a second run only reads files.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../image/decode-image.js';
import { fitWithin, padEdges, resizeRgb } from '../image/resample.js';
import { alignFace } from '../align/align-face.js';
import type { Point } from '../align/similarity.js';
import type { DetectedFace, FaceDetector, HeadPose, RgbImage } from '../detect/face-detector.js';
import type { ModelManifest } from '../plq/model-manifest.js';
import { isClean, type Condition } from './face-conditions.js';
import type { FacePhoto } from './shared-faces.js';
import type { Fold, SplitEntry } from './face-split.js';

export interface FaceRecord {
  /** `<file>#<k>`, k = face index by decreasing size. */
  id: string;
  file: string;
  faceIndex: number;
  fold: Fold;
  /** The labelled person, only where the label surely belongs to this face. */
  identity: string | null;
  /** Conditions that hold for this face. */
  conditions: Condition[];
  /** Conditions that hold for some faces of its photo, maybe this one. */
  ambiguous: Condition[];
  clean: boolean;
  facesInPhoto: number;
  box: [number, number, number, number];
  landmarks5: Point[];
  pose: HeadPose;
  score: number;
  /** Inter-eye distance in photo pixels. */
  eyeDistance: number;
}

interface CachedDetection {
  box: [number, number, number, number];
  landmarks5: Point[];
  pose: HeadPose;
  score: number;
}

export function defaultCacheDir(): string {
  return process.env.PLQ_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'plq-kiosk');
}

const DETECT_MAX_SIDE = 1600;
const MIN_EYE_DISTANCE = 12;
const MIN_SCORE = 0.5;
const CACHE_VERSION = 'faces-v1';

/** Writes `file` (and its folder) through a temporary file and a rename: readers see all or nothing. */
export async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

const eyeDistanceOf = (l: Point[]): number => Math.hypot(l[1][0] - l[0][0], l[1][1] - l[0][1]);

/** Decodes a photo, downscaled so its longest side is at most `maxSide` (area resampling). */
async function decodeScaled(bytes: Buffer, maxSide: number): Promise<{ image: RgbImage; scale: number }> {
  return fitWithin(await decodeImage(bytes), maxSide);
}

/** A detected face in photo pixels, with its 468-point mesh. */
export interface PhotoFace extends CachedDetection {
  mesh: Point[];
}

/**
 * Every usable face of a photo as face-records.ts sees it (detected on the photo downscaled to
 * at most 1600 px, small photos padded; score >= 0.5, eyes >= 12 px apart), largest first, in
 * photo pixels: the order of `faceIndex`.
 */
export async function detectPhotoFaces(detector: FaceDetector, bytes: Buffer): Promise<PhotoFace[]> {
  const { image, scale } = await decodeScaled(bytes, DETECT_MAX_SIDE);
  const back = (dx: number) => ([x, y]: Point | number[]): Point => [(x - dx) / scale, (y - dx) / scale];
  const keep = (faces: DetectedFace[], dx: number): PhotoFace[] =>
    faces
      .filter((f) => f.score >= MIN_SCORE)
      .map((f) => ({
        box: [(f.box[0] - dx) / scale, (f.box[1] - dx) / scale, f.box[2] / scale, f.box[3] / scale] as [number, number, number, number],
        landmarks5: f.landmarks5.map(back(dx)),
        pose: f.pose,
        score: f.score,
        mesh: f.mesh.map(back(dx)),
      }));
  let found = keep(await detector.detect(image), 0);
  if (found.length === 0 && Math.max(image.width, image.height) <= 400) {
    const pad = Math.round(Math.max(image.width, image.height) * 0.4);
    found = keep(await detector.detect(await padEdges(image, pad)), pad);
  }
  return found.filter((f) => eyeDistanceOf(f.landmarks5) >= MIN_EYE_DISTANCE).sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
}

async function detectPhoto(detector: FaceDetector, bytes: Buffer): Promise<CachedDetection[]> {
  return (await detectPhotoFaces(detector, bytes)).map(({ box, landmarks5, pose, score }) => ({ box, landmarks5, pose, score }));
}

export interface FaceSetOptions {
  cacheDir?: string;
  /** Called after each photo (progress). */
  onPhoto?: (done: number, total: number, file: string) => void;
}

export interface FaceSet {
  faces: FaceRecord[];
  /** Photos where no usable face was found, or that failed to decode, with the reason. */
  skipped: Array<{ file: string; reason: string }>;
}

const hashOf = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex').slice(0, 32);

/** Every usable face of `photos`; detections are cached per photo content. */
export async function loadFaceRecords(
  photos: FacePhoto[],
  split: Map<string, SplitEntry>,
  detector: () => Promise<FaceDetector>,
  options: FaceSetOptions = {},
): Promise<FaceSet> {
  const cacheDir = path.join(options.cacheDir ?? defaultCacheDir(), CACHE_VERSION);
  const faces: FaceRecord[] = [];
  const skipped: FaceSet['skipped'] = [];
  let det: FaceDetector | undefined;
  for (const [i, photo] of photos.entries()) {
    const entry = split.get(photo.file);
    if (!entry) throw new Error(`photo ${photo.file} is not in the split`);
    let found: CachedDetection[];
    try {
      const bytes = await readFile(photo.path);
      const cacheFile = path.join(cacheDir, 'detections', `${hashOf(bytes)}.json`);
      try {
        found = JSON.parse(await readFile(cacheFile, 'utf8')) as CachedDetection[];
      } catch {
        det ??= await detector();
        found = await detectPhoto(det, bytes);
        await writeAtomic(cacheFile, JSON.stringify(found));
      }
    } catch (err) {
      skipped.push({ file: photo.file, reason: (err as Error).message });
      options.onPhoto?.(i + 1, photos.length, photo.file);
      continue;
    }
    if (found.length === 0) skipped.push({ file: photo.file, reason: 'no face found' });
    const single = photo.identities.length === 1;
    // the label belongs to the largest face when it is alone or clearly the subject
    const subjectClear = found.length === 1 || (found.length > 1 && found[0].box[2] >= 1.5 * found[1].box[2]);
    found.forEach((f, k) => {
      const conditions = new Set(photo.conditions.all);
      if (found.length > 1) conditions.add('multiFace');
      faces.push({
        id: `${photo.file}#${k}`,
        file: photo.file,
        faceIndex: k,
        fold: entry.fold,
        identity: single && k === 0 && subjectClear ? photo.identities[0] : null,
        conditions: [...conditions],
        ambiguous: [...photo.conditions.some],
        clean: isClean(photo.conditions) && (found.length === 1 || (k === 0 && subjectClear)),
        facesInPhoto: found.length,
        box: f.box,
        landmarks5: f.landmarks5,
        pose: f.pose,
        score: f.score,
        eyeDistance: eyeDistanceOf(f.landmarks5),
      });
    });
    options.onPhoto?.(i + 1, photos.length, photo.file);
  }
  return { faces, skipped };
}

/**
 * The aligned crop of a face for a model (template and input size), cached as PNG. A face much
 * larger than the template is first downscaled with area resampling, so the crop is not aliased.
 */
export async function alignedCrop(face: FaceRecord, photoPath: string, m: ModelManifest, cacheDir = defaultCacheDir()): Promise<RgbImage> {
  const [w, h] = m.inputSize;
  const key = createHash('sha256').update(JSON.stringify([face.id, face.landmarks5, m.alignmentTemplate, m.inputSize])).digest('hex').slice(0, 32);
  const file = path.join(cacheDir, CACHE_VERSION, 'aligned', `${key}.png`);
  try {
    const { data, info } = await sharp(await readFile(file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.width === w && info.height === h) return { width: w, height: h, data: new Uint8Array(data) };
  } catch {
    // not cached yet
  }
  const bytes = await readFile(photoPath);
  const templateEye = eyeDistanceOf(m.alignmentTemplate);
  const ratio = face.eyeDistance / templateEye;
  const image = await decodeImage(bytes);
  let src = image, s = 1;
  if (ratio > 2) {
    s = 1.5 / ratio;
    src = await resizeRgb(image, Math.max(1, Math.round(image.width * s)), Math.max(1, Math.round(image.height * s)));
  }
  const { image: crop } = alignFace(src, face.landmarks5.map(([x, y]) => [x * s, y * s] as Point), m.alignmentTemplate, m.inputSize);
  await writeAtomic(file, await sharp(Buffer.from(crop.data), { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
  return crop;
}
