/**
 * A second look for faces the tracker's detector does not find in the whole frame: a mask or a
 * hand hides enough of a face that BlazeFace proposes no box for it. The same detector often does
 * find the face in a crop around it, where the face fills more of its input (BlazeFace's front
 * model works on a 128x128 input): of the 26 drawn masks of the fit and calibrate folds that the
 * kiosk lost in their booth frames, 16 were found this way, each with its mesh's eyes within 0.14
 * eye distances of the bare photo's.
 *
 * Where to crop: around the box of a slower, more robust finder (SSD, ssd-face-finder.ts) at two
 * times the box, then 1.7 and 2.4 times (12 of the 26); then the same three crops moved by a fifth
 * of the box right, left, down and up (4 more, meshes within 0.09 eye distances: BlazeFace places
 * its anchors on a grid, and a face it misses in one crop it may find a few pixels over; moved by a
 * tenth or by 0.3 of the box instead, one mesh landed 0.6 eye distances off). The finder runs at
 * most once per `everyMs` while no face is found (an empty booth costs one finder run per interval).
 * Once a face is found this way, the next frames look first at the same crop, moved as the face
 * moved (the region of interest), one extra detector pass a frame, until the whole frame finds the
 * face or the region loses it; a face in the region whose centre jumped by more than half its size
 * since the last frame is taken as lost.
 * Crops of the frame's centre without the finder (a booth guides its subject there) were tried and
 * left out: on a turned, masked face of calibrate they gave meshes 0.4-1.1 eye distances off the
 * eyes, with mesh scores up to 0.99.
 *
 * Faces found in a crop come back in frame pixels, as the whole frame's would.
 */
import type { Point } from '../align/similarity.js';
import { cropRgb, squareInside } from '../image/rgb-crop.js';
import type { DetectedFace, FaceDetector, RgbImage } from './face-detector.js';
import type { FoundFace } from './ssd-face-finder.js';

export interface FaceFinder {
  find(image: RgbImage, minScore?: number): Promise<FoundFace[]>;
  dispose(): void;
}

export interface SecondLookOptions {
  /** The finder runs at most once per this many milliseconds while no face is found. */
  everyMs: number;
  /** The finder's confidence a box needs. */
  minFinderScore?: number;
  /** Crops around the finder's box, tried in order (default {@link SECOND_LOOK_CROPS}). */
  crops?: readonly FinderCrop[];
  now?: () => number;
}

/** A crop around the finder's box: its side and its centre's offset from the box's, in box sides. */
export interface FinderCrop {
  zoom: number;
  dx: number;
  dy: number;
}

const ZOOMS = [2, 1.7, 2.4];
const SHIFT = 0.2;
/** The three zooms centred on the box, then each moved right, left, down and up. */
export const SECOND_LOOK_CROPS: readonly FinderCrop[] = [
  ...ZOOMS.map((zoom) => ({ zoom, dx: 0, dy: 0 })),
  ...ZOOMS.flatMap((zoom) => [[SHIFT, 0], [-SHIFT, 0], [0, SHIFT], [0, -SHIFT]].map(([dx, dy]) => ({ zoom, dx, dy }))),
];
/** A face in the region whose centre moved more than this share of its box's side since the last frame is taken as lost. */
const MAX_REGION_JUMP = 0.5;

/** How the faces of the last call were found. */
export type FoundBy = 'frame' | 'region' | 'finder' | 'none';

interface FacePlace {
  cx: number;
  cy: number;
  side: number;
}

/** A crop that found a face: its side and its centre's offset from the face's centre. */
interface Crop {
  dx: number;
  dy: number;
  side: number;
}

/** The crop to look in next: the last crop, kept in its place relative to the face found in it. */
interface Region extends Crop {
  face: FacePlace;
}

const faceCentre = (f: DetectedFace): FacePlace => {
  const [x, y, w, h] = f.box;
  return { cx: x + w / 2, cy: y + h / 2, side: Math.max(w, h) };
};

export class SecondLookDetector implements FaceDetector {
  readonly name: string;
  private region: Region | undefined;
  private lastLookAt = -Infinity;
  /** How the last call's faces were found, and how many finder runs so far (for tests and benches). */
  lastFoundBy: FoundBy = 'none';
  finderRuns = 0;

  constructor(
    private readonly inner: FaceDetector,
    private readonly finder: FaceFinder,
    private readonly options: SecondLookOptions,
  ) {
    this.name = `${inner.name}+second-look`;
  }

  async detect(image: RgbImage): Promise<DetectedFace[]> {
    const faces = await this.inner.detect(image);
    if (faces.length) {
      this.region = undefined;
      return this.found(faces, 'frame');
    }
    const region = this.region;
    this.region = undefined;
    if (region) {
      const inRegion = await this.detectIn(image, region.face.cx + region.dx, region.face.cy + region.dy, region.side);
      if (inRegion.length && !jumped(region, inRegion[0])) return this.found(inRegion, 'region', region);
    }
    const now = this.options.now ? this.options.now() : performance.now();
    if (now - this.lastLookAt < this.options.everyMs) return this.found([], 'none');
    this.lastLookAt = now;
    this.finderRuns++;
    const boxes = await this.finder.find(image, this.options.minFinderScore ?? 0.5);
    for (const box of boxes.slice(0, 1)) {
      const boxSide = Math.max(box.width, box.height);
      for (const crop of this.options.crops ?? SECOND_LOOK_CROPS) {
        const cx = box.x + box.width / 2 + crop.dx * boxSide, cy = box.y + box.height / 2 + crop.dy * boxSide;
        const side = boxSide * crop.zoom;
        const inCrop = await this.detectIn(image, cx, cy, side);
        if (inCrop.length) {
          const face = faceCentre(inCrop[0]);
          return this.found(inCrop, 'finder', { dx: cx - face.cx, dy: cy - face.cy, side });
        }
      }
    }
    return this.found([], 'none');
  }

  /**
   * `crop`: the crop that found the faces. The next frame crops the same, moved as the face
   * moved: on a still person the crop that found the face again, on a moving one it follows.
   */
  private found(faces: DetectedFace[], by: FoundBy, crop?: Crop): DetectedFace[] {
    this.lastFoundBy = by;
    if (crop && faces.length) this.region = { dx: crop.dx, dy: crop.dy, side: crop.side, face: faceCentre(faces[0]) };
    return faces;
  }

  private async detectIn(image: RgbImage, cx: number, cy: number, side: number): Promise<DetectedFace[]> {
    const rect = squareInside(image, cx, cy, side);
    if (!rect) return [];
    const faces = await this.inner.detect(cropRgb(image, rect));
    return faces.map((f) => shiftFace(f, rect.x, rect.y));
  }

  dispose(): void {
    this.inner.dispose();
    this.finder.dispose();
  }
}

function jumped(region: Region, face: DetectedFace): boolean {
  const now = faceCentre(face);
  return Math.hypot(now.cx - region.face.cx, now.cy - region.face.cy) > MAX_REGION_JUMP * region.face.side;
}

/** A face found in a crop whose top-left corner is (dx, dy), in the whole frame's pixels. */
export function shiftFace(face: DetectedFace, dx: number, dy: number): DetectedFace {
  const shift = (p: Point): Point => [p[0] + dx, p[1] + dy];
  const [x, y, w, h] = face.box;
  return { ...face, box: [x + dx, y + dy, w, h], landmarks5: face.landmarks5.map(shift), mesh: face.mesh.map(shift) };
}
