/**
 * Booth-camera frames of the labelled faces: each face of a development photo framed as the kiosk's
 * camera sees a person (face-frame.ts `portraitFrame`: 640x480, the ICAO portrait filling the
 * frame's height, eyes levelled; outside the photo reads black), with the face's 468-point mesh in
 * frame pixels (for the synthetic occluders). The mesh comes from the same detection as
 * face-records.ts (so face k is face k), cached per photo content in the cache folder, never the
 * repo; frames are made from the photo on each run.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../image/decode-image.js';
import { applyAffine, invertAffine, type Affine, type Point } from '../align/similarity.js';
import { warpAffine } from '../align/warp.js';
import type { FaceDetector, RgbImage } from '../detect/face-detector.js';
import { portraitFrameTransform } from '../kiosk/camera/face-frame.js';
import { defaultCacheDir, detectPhotoFaces, writeAtomic, type PhotoFace } from '../faceset/face-records.js';
import { defaultFacesDir } from '../faceset/shared-faces.js';

const CACHE_VERSION = 'guidance-frames-v1';
export const FRAME_WIDTH = 640;

export interface BoothFrame {
  image: RgbImage;
  /** The face's mesh (468 points) and five points in frame pixels. */
  mesh: Point[];
  landmarks5: Point[];
}

const hashOf = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex').slice(0, 32);

/** The faces of a photo with their meshes (face-records.ts order), cached per photo content. */
export class PhotoMeshes {
  private detector: FaceDetector | undefined;
  constructor(
    private readonly makeDetector: () => Promise<FaceDetector>,
    private readonly cacheDir = defaultCacheDir(),
  ) {}

  async faces(bytes: Buffer): Promise<PhotoFace[]> {
    const file = path.join(this.cacheDir, CACHE_VERSION, 'meshes', `${hashOf(bytes)}.json`);
    try {
      return JSON.parse(await readFile(file, 'utf8')) as PhotoFace[];
    } catch {
      // not cached yet
    }
    this.detector ??= await this.makeDetector();
    const faces = await detectPhotoFaces(this.detector, bytes);
    await writeAtomic(file, JSON.stringify(faces));
    return faces;
  }
}

/** The face of `faces` whose five points are nearest `landmarks5` (within a third of the eye distance), or undefined. */
export function matchFace(faces: PhotoFace[], landmarks5: Point[]): PhotoFace | undefined {
  const ied = Math.hypot(landmarks5[1][0] - landmarks5[0][0], landmarks5[1][1] - landmarks5[0][1]);
  let best: PhotoFace | undefined, bestD = Infinity;
  for (const f of faces) {
    const d = f.landmarks5.reduce((s, p, i) => s + Math.hypot(p[0] - landmarks5[i][0], p[1] - landmarks5[i][1]), 0) / 5;
    if (d < bestD) [best, bestD] = [f, d];
  }
  return bestD <= ied / 3 ? best : undefined;
}

/**
 * The booth frame of one face of a decoded photo. A photo much larger than the frame needs is
 * first downscaled with area resampling (as face-records.ts does for aligned crops), so the
 * bilinear warp does not alias.
 */
export async function boothFrame(photo: RgbImage, face: Pick<PhotoFace, 'mesh' | 'landmarks5'>, width = FRAME_WIDTH): Promise<BoothFrame> {
  let t: Affine = portraitFrameTransform(photo, face, { width });
  const k = Math.hypot(t[0], t[3]); // photo pixels per frame pixel
  let src = photo;
  if (k > 2) {
    const s = 1.5 / k;
    const w = Math.max(1, Math.round(photo.width * s)), h = Math.max(1, Math.round(photo.height * s));
    const data = await sharp(Buffer.from(photo.data.buffer, photo.data.byteOffset, photo.data.byteLength), { raw: { width: photo.width, height: photo.height, channels: 3 } })
      .resize(w, h, { kernel: 'lanczos3', fit: 'fill' })
      .raw()
      .toBuffer();
    src = { width: w, height: h, data: new Uint8Array(data) };
    const sx = w / photo.width, sy = h / photo.height;
    t = [t[0] * sx, t[1] * sx, t[2] * sx, t[3] * sy, t[4] * sy, t[5] * sy];
    // keep the mapping to the original photo for the mesh
  }
  const height = Math.round((width * 3) / 4);
  const image = warpAffine(src, t, width, height);
  const toFrame = invertAffine(portraitFrameTransform(photo, face, { width }));
  return { image, mesh: face.mesh.map((p) => applyAffine(toFrame, p)), landmarks5: face.landmarks5.map((p) => applyAffine(toFrame, p)) };
}

/** Convex hull (counter-clockwise in image coordinates' sense of the monotone chain). */
export function convexHull(points: Point[]): Point[] {
  const ps = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (ps.length < 3) return ps;
  const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [], upper: Point[] = [];
  for (const p of ps) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  for (const p of ps.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

function insideConvex(hull: Point[], x: number, y: number): boolean {
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i], b = hull[(i + 1) % hull.length];
    if ((b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]) < 0) return false;
  }
  return true;
}

const scaled = (hull: Point[], k: number): Point[] => {
  const c = hull.reduce((s, p) => [s[0] + p[0] / hull.length, s[1] + p[1] / hull.length] as Point, [0, 0] as Point);
  return hull.map((p) => [c[0] + (p[0] - c[0]) * k, c[1] + (p[1] - c[1]) * k] as Point);
};

/**
 * A booth camera sees one person: the other faces of a group photo that fall into the frame are
 * pixelated (coarse mosaic over each one's face, enlarged by a quarter), never the subject's own
 * face. In place; returns how many faces were covered.
 */
export function isolateSubject(image: RgbImage, subjectMesh: Point[], otherMeshes: Point[][]): number {
  const own = scaled(convexHull(subjectMesh), 1.08);
  let covered = 0;
  for (const mesh of otherMeshes) {
    const hull = scaled(convexHull(mesh), 1.25);
    const xs = hull.map((p) => p[0]), ys = hull.map((p) => p[1]);
    const x0 = Math.max(0, Math.floor(Math.min(...xs))), x1 = Math.min(image.width, Math.ceil(Math.max(...xs)));
    const y0 = Math.max(0, Math.floor(Math.min(...ys))), y1 = Math.min(image.height, Math.ceil(Math.max(...ys)));
    if (x1 <= x0 || y1 <= y0) continue;
    covered++;
    const block = Math.max(6, Math.round((x1 - x0) / 5));
    for (let by = y0; by < y1; by += block) for (let bx = x0; bx < x1; bx += block) {
      const ey = Math.min(y1, by + block), ex = Math.min(x1, bx + block);
      const sum = [0, 0, 0];
      let n = 0;
      for (let y = by; y < ey; y++) for (let x = bx; x < ex; x++) {
        const o = (y * image.width + x) * 3;
        sum[0] += image.data[o];
        sum[1] += image.data[o + 1];
        sum[2] += image.data[o + 2];
        n++;
      }
      for (let y = by; y < ey; y++) for (let x = bx; x < ex; x++) {
        if (!insideConvex(hull, x + 0.5, y + 0.5) || insideConvex(own, x + 0.5, y + 0.5)) continue;
        const o = (y * image.width + x) * 3;
        for (let c = 0; c < 3; c++) image.data[o + c] = Math.round(sum[c] / n);
      }
    }
  }
  return covered;
}

/** The booth frame of face `index` of a photo, the other faces pixelated. */
export async function isolatedBoothFrame(photo: RgbImage, faces: PhotoFace[], index: number, width = FRAME_WIDTH): Promise<BoothFrame & { othersCovered: number }> {
  const frame = await boothFrame(photo, faces[index], width);
  const toFrame = invertAffine(portraitFrameTransform(photo, faces[index], { width }));
  const others = faces.filter((_, k) => k !== index).map((f) => f.mesh.map((p) => applyAffine(toFrame, p)));
  const othersCovered = isolateSubject(frame.image, frame.mesh, others);
  return { ...frame, othersCovered };
}

/** Face `face` of the photo `file` of ../shared/faces (a path relative to `facesDir`) in its booth frame. */
export async function sharedPhotoBoothFrame(meshes: PhotoMeshes, file: string, face = 0, facesDir = defaultFacesDir()): Promise<BoothFrame & { othersCovered: number }> {
  const { bytes, image } = await readPhoto(path.join(facesDir, file));
  return isolatedBoothFrame(image, await meshes.faces(bytes), face);
}

/** Decodes a photo file (EXIF applied, sRGB). */
export async function readPhoto(file: string): Promise<{ bytes: Buffer; image: RgbImage }> {
  const bytes = await readFile(file);
  return { bytes, image: await decodeImage(bytes) };
}

/**
 * The booth frame of each of `faces` (a face of a photo of `facesDir`), in order, each photo read
 * and meshed once for its run of faces; `frame` undefined where the photo no longer has that face.
 */
export async function* boothFramesOf<F extends { file: string; face: number }>(
  faces: readonly F[],
  meshes: PhotoMeshes,
  facesDir: string,
): AsyncGenerator<{ face: F; id: string; frame: (BoothFrame & { othersCovered: number }) | undefined }> {
  let photo: { file: string; image: RgbImage; faces: PhotoFace[] } | undefined;
  for (const face of faces) {
    if (photo?.file !== face.file) {
      const { bytes, image } = await readPhoto(path.join(facesDir, face.file));
      photo = { file: face.file, image, faces: await meshes.faces(bytes) };
    }
    const id = `${face.file}#${face.face}`;
    yield { face, id, frame: photo.faces[face.face] ? await isolatedBoothFrame(photo.image, photo.faces, face.face) : undefined };
  }
}

