/**
 * A second look for faces the tracker's detector does not find in the whole frame: a mask or a
 * hand hides enough of a face that BlazeFace proposes no box for it. Of the 26 drawn masks and 20
 * drawn hands of the fit and calibrate folds that the kiosk lost in their booth frames, the same
 * detector finds 19 masks and 13 hands again in two kinds of look, with the masks' meshes' eyes
 * within 0.2 eye distances of the bare photo's:
 *
 * 1. The frame letterboxed: BlazeFace resizes its input to a 128x128 square, which squashes a
 *    640x480 frame to three quarters of its width; centred in a black square, the face keeps its
 *    shape (14 masks, 13 hands; 3 masks and 7 hands no crop below shows).
 * 2. Crops around the box of a slower, more robust finder (SSD, ssd-face-finder.ts), where the
 *    face fills more of BlazeFace's input: two times the box, then 1.7 and 2.4 times (12 masks);
 *    then the same three crops moved by a fifth of the box right, left, down and up (4 more:
 *    BlazeFace places its anchors on a grid, and a face it misses in one crop it may find a few
 *    pixels over; moved by a tenth or by 0.3 of the box instead, one mesh landed 0.6 eye distances
 *    off). A lower box threshold in the crops found nothing more at 0.3 and meshes 1.3-2.8 eye
 *    distances off below it.
 *
 * Both run at most once per `everyMs` while no face is found, the letterbox first (one detector
 * pass; the finder costs about ten): an empty booth costs one of each per interval. The crops are
 * spread over the calls after the finder's, `cropsPerCall` at a time: tried all in one call, they
 * held the tracker up for most of a second, and the overlay with it. Once a face is
 * found so, the next frames look first where it was found (the same letterboxed frame, or the same
 * crop moved as the face moved), one extra detector pass a frame, until the whole frame finds the
 * face or the look loses it; a face whose centre jumped by more than half its size since the last
 * frame is taken as lost. Crops of the frame's centre without the finder (a booth guides its
 * subject there) were tried and left out: on a turned, masked face of calibrate they gave meshes
 * 0.4-1.1 eye distances off the eyes, with mesh scores up to 0.99.
 *
 * A look works while the tracker's detector skips frames too (`detectorEveryFrames` > 1): Human
 * keeps the boxes of its last call to run the mesh on in the next, but only for an input of the
 * same size that changed little (human-detector.ts `SCENE_CHANGE`). A look's letterboxed frame or
 * crop has another size than the frame unless it is the frame itself, so the call after a look
 * runs the detector on the whole frame again, and a look's boxes never stand in for the frame's.
 *
 * Faces found in a look come back in frame pixels, as the whole frame's would.
 */
import type { Point } from '../align/similarity.js';
import { cropRgb, letterboxRgb, squareInside } from '../image/rgb-crop.js';
import type { DetectedFace, FaceDetector, RgbImage } from './face-detector.js';
import type { FoundFace } from './ssd-face-finder.js';

export interface FaceFinder {
  find(image: RgbImage, minScore?: number): Promise<FoundFace[]>;
  dispose(): void;
}

export interface SecondLookOptions {
  /** The letterboxed frame and the finder run at most once per this many milliseconds while no face is found. */
  everyMs: number;
  /** Look at the letterboxed frame before the finder (default true). */
  letterbox?: boolean;
  /** The finder's confidence a box needs. */
  minFinderScore?: number;
  /** Crops around the finder's box, tried in order (default {@link SECOND_LOOK_CROPS}). */
  crops?: readonly FinderCrop[];
  /** How many of those crops one call tries, on the calls after the finder's (default 3). */
  cropsPerCall?: number;
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
/** A face found again by the last look whose centre moved more than this share of its box's side since the last frame is taken as lost. */
const MAX_REGION_JUMP = 0.5;

/**
 * How the faces of the last call were found: in the whole frame, by the last call's look again
 * (`region`), in the letterboxed frame, in a crop around the finder's box, or not at all.
 */
export type FoundBy = 'frame' | 'region' | 'letterbox' | 'finder' | 'none';

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

/** Where a look found faces: the letterboxed frame, or a crop kept in its place relative to the face. */
type LookPlace = { kind: 'letterbox' } | ({ kind: 'crop' } & Crop);

/** Where to look next, with the face found there. */
type Look = LookPlace & { face: FacePlace };

/** The finder's box (centre and side) and the next of its crops to try. */
interface PendingCrops extends FacePlace {
  next: number;
}

const faceCentre = (f: DetectedFace): FacePlace => {
  const [x, y, w, h] = f.box;
  return { cx: x + w / 2, cy: y + h / 2, side: Math.max(w, h) };
};

export class SecondLookDetector implements FaceDetector {
  readonly name: string;
  private look: Look | undefined;
  private pending: PendingCrops | undefined;
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
      this.look = undefined;
      this.pending = undefined;
      return this.found(faces, 'frame');
    }
    const last = this.look;
    this.look = undefined;
    if (last) {
      const again = last.kind === 'letterbox' ? await this.detectLetterboxed(image) : await this.detectIn(image, last.face.cx + last.dx, last.face.cy + last.dy, last.side);
      if (again.length && !jumped(last.face, again[0])) return this.found(again, 'region', last);
    }
    if (this.pending) return this.tryPendingCrops(image, this.pending);
    const now = this.options.now ? this.options.now() : performance.now();
    if (now - this.lastLookAt < this.options.everyMs) return this.found([], 'none');
    this.lastLookAt = now;
    if (this.options.letterbox ?? true) {
      const letterboxed = await this.detectLetterboxed(image);
      if (letterboxed.length) return this.found(letterboxed, 'letterbox', { kind: 'letterbox' });
    }
    this.finderRuns++;
    const [box] = await this.finder.find(image, this.options.minFinderScore ?? 0.5);
    if (box) this.pending = { cx: box.x + box.width / 2, cy: box.y + box.height / 2, side: Math.max(box.width, box.height), next: 0 };
    return this.found([], 'none');
  }

  /** Crops of the finder's box not tried yet: how many calls still try them (for tests and benches). */
  get cropsPending(): number {
    return this.pending ? this.crops.length - this.pending.next : 0;
  }

  private get crops(): readonly FinderCrop[] {
    return this.options.crops ?? SECOND_LOOK_CROPS;
  }

  /**
   * The next `cropsPerCall` crops around the finder's box; the first that shows a face ends the
   * search. `box` is this detector's own `pending`: its `next` advances here, so the next call
   * goes on where this one stopped.
   */
  private async tryPendingCrops(image: RgbImage, box: PendingCrops): Promise<DetectedFace[]> {
    const crops = this.crops;
    const end = Math.min(crops.length, box.next + (this.options.cropsPerCall ?? 3));
    for (; box.next < end; box.next++) {
      const crop = crops[box.next];
      const cx = box.cx + crop.dx * box.side, cy = box.cy + crop.dy * box.side;
      const side = box.side * crop.zoom;
      const inCrop = await this.detectIn(image, cx, cy, side);
      if (inCrop.length) {
        this.pending = undefined;
        const face = faceCentre(inCrop[0]);
        return this.found(inCrop, 'finder', { kind: 'crop', dx: cx - face.cx, dy: cy - face.cy, side });
      }
    }
    if (box.next >= crops.length) this.pending = undefined;
    return this.found([], 'none');
  }

  /**
   * `look`: where the faces were found. The next frame looks there again; a crop is moved as the
   * face moved: on a still person the crop that found the face again, on a moving one it follows.
   */
  private found(faces: DetectedFace[], by: FoundBy, look?: LookPlace): DetectedFace[] {
    this.lastFoundBy = by;
    if (look && faces.length) this.look = { ...look, face: faceCentre(faces[0]) };
    return faces;
  }

  private async detectIn(image: RgbImage, cx: number, cy: number, side: number): Promise<DetectedFace[]> {
    const rect = squareInside(image, cx, cy, side);
    if (!rect) return [];
    const faces = await this.inner.detect(cropRgb(image, rect));
    return faces.map((f) => shiftFace(f, rect.x, rect.y));
  }

  private async detectLetterboxed(image: RgbImage): Promise<DetectedFace[]> {
    const { image: square, dx, dy } = letterboxRgb(image);
    const faces = await this.inner.detect(square);
    return faces.map((f) => shiftFace(f, -dx, -dy));
  }

  dispose(): void {
    this.inner.dispose();
    this.finder.dispose();
  }
}

function jumped(last: FacePlace, face: DetectedFace): boolean {
  const now = faceCentre(face);
  return Math.hypot(now.cx - last.cx, now.cy - last.cy) > MAX_REGION_JUMP * last.side;
}

/** A face found in a crop whose top-left corner is (dx, dy), in the whole frame's pixels. */
export function shiftFace(face: DetectedFace, dx: number, dy: number): DetectedFace {
  const shift = (p: Point): Point => [p[0] + dx, p[1] + dy];
  const [x, y, w, h] = face.box;
  return { ...face, box: [x + dx, y + dy, w, h], landmarks5: face.landmarks5.map(shift), mesh: face.mesh.map(shift) };
}
