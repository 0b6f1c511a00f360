/**
 * ICAO-style portrait crop (ICAO 9303 part 3 / ISO/IEC 39794-5 "full frontal" geometry) from a
 * frame and the face's 468-point mesh (MediaPipe canonical indexing).
 *
 * Geometry, all measured on the mesh:
 * - chin = mesh point 152 (menton);
 * - top of forehead = mesh point 10 (sits at or just below the hairline);
 * - crown (top of the skull, hair not counted) is not on the mesh; it is estimated on the
 *   head's own up axis (chin -> point 10) at `crownFactor` x |chin -> point 10| above point 10.
 *   Default 0.25: in adult anthropometry the chin-to-vertex height is about 1.25 x the
 *   chin-to-hairline height (~23 cm vs ~18.5 cm), and point 10 is at or just below the hairline;
 * - head length = |chin -> crown| along that axis (so a rolled head is not under-measured);
 * - head centre (horizontal) = the middle of the mesh's horizontal extent (face oval), which
 *   stays on the head under moderate yaw, unlike the nose tip.
 *
 * The crop is an axis-aligned rectangle (no rotation: the kiosk only captures with small roll,
 * and ICAO wants no geometric manipulation beyond cropping and scaling) with aspect 35:45, of
 * height head length / `chinToCrownShare` (default 0.75, the middle of ICAO's 70-80 %), with
 * the crown `crownMargin` (default 10 %) of the height below the top edge, so the chin sits at
 * 85 % and the eyes at about 50-60 % of the height measured from the bottom edge.
 *
 * Frame edges: with `edgeMode: 'pad'` (default) the rectangle stays where the geometry puts it
 * and any part outside the frame is filled with `padColour` (default light neutral grey
 * 210,210,210, an ICAO-like plain background), reported per side in `padding`. With
 * `edgeMode: 'shift'` the rectangle is first moved back inside the frame where it fits (the head
 * is then no longer exactly centred; `shifted` says by how much); what still does not fit is
 * padded.
 */
import sharp from 'sharp';
import type { Point } from '../../align/similarity.js';
import type { RgbImage } from '../../detect/face-detector.js';

/** Mesh indices (MediaPipe canonical face mesh). */
export const MESH_CHIN = 152;
export const MESH_FOREHEAD_TOP = 10;
// Eye centres come from landmarks5 (image-left eye first).

export const PORTRAIT_ASPECT = 35 / 45;

export interface PortraitCropOptions {
  /** Output width in pixels; height = width * 45 / 35. Default 413 (35 mm at 300 dpi; 531 px high). */
  width?: number;
  /** Head (chin-to-crown) length as a share of the crop height. Default 0.75. */
  chinToCrownShare?: number;
  /** Crown above mesh point 10, as a multiple of |chin -> point 10|. Default 0.25. */
  crownFactor?: number;
  /** Space above the crown as a share of the crop height. Default 0.10. */
  crownMargin?: number;
  /** 'pad' (default) or 'shift' (move inside the frame where it fits, then pad). */
  edgeMode?: 'pad' | 'shift';
  /** RGB fill for the parts of the crop outside the frame. Default [210, 210, 210]. */
  padColour?: [number, number, number];
}

/** Integer rectangle in frame pixels; may extend beyond the frame. */
export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PortraitCrop {
  image: RgbImage;
  /** The crop in frame pixels (before scaling). */
  rect: CropRect;
  /** Output pixels per frame pixel. */
  scale: number;
  /** Frame pixels of the rectangle that lie outside the frame, per image side. */
  padding: { left: number; top: number; right: number; bottom: number };
  /** Frame pixels the rectangle was moved by to fit inside the frame (edgeMode 'shift'). */
  shifted: { x: number; y: number };
  /** Geometry in output pixels. */
  crownY: number;
  chinY: number;
  eyeY: number;
  headCentreX: number;
  /** Head length / output height. */
  chinToCrownShare: number;
  /** (output height - eye line y) / output height: eye height measured from the bottom. */
  eyeLineFromBottom: number;
  /** (head centre x - output centre x) / output width. */
  horizontalOffset: number;
}

export interface PortraitFace {
  /** 468-point mesh in frame pixels. */
  mesh: ReadonlyArray<Point>;
  /** Five points in frame pixels, image-left eye first. */
  landmarks5: ReadonlyArray<Point>;
}

export interface PortraitGeometry {
  rect: CropRect;
  shifted: { x: number; y: number };
  crown: Point;
  chin: Point;
  eyeY: number;
  headCentreX: number;
  headLength: number;
}

/** Where the crop goes in the frame; pure geometry, no pixels. */
export function portraitGeometry(
  frameSize: { width: number; height: number },
  face: PortraitFace,
  options: PortraitCropOptions = {},
): PortraitGeometry {
  if (face.mesh.length < 468) throw new Error(`portrait crop needs the 468-point mesh (got ${face.mesh.length} points)`);
  if (face.landmarks5.length < 2) throw new Error('portrait crop needs the eye landmarks');
  const share = options.chinToCrownShare ?? 0.75;
  const crownFactor = options.crownFactor ?? 0.25;
  const crownMargin = options.crownMargin ?? 0.1;
  if (!(share > 0 && share < 1)) throw new Error('chinToCrownShare must be in (0, 1)');
  if (!(crownMargin >= 0 && crownMargin + share <= 1)) throw new Error('crownMargin + chinToCrownShare must be <= 1');

  const chin = face.mesh[MESH_CHIN];
  const top = face.mesh[MESH_FOREHEAD_TOP];
  const up: Point = [top[0] - chin[0], top[1] - chin[1]];
  const crown: Point = [top[0] + crownFactor * up[0], top[1] + crownFactor * up[1]];
  const headLength = Math.hypot(crown[0] - chin[0], crown[1] - chin[1]);
  if (!(headLength > 1)) throw new Error('degenerate face mesh (no chin-to-forehead extent)');

  let minX = Infinity, maxX = -Infinity;
  for (const p of face.mesh) {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
  }
  const headCentreX = (minX + maxX) / 2;
  const eyeY = (face.landmarks5[0][1] + face.landmarks5[1][1]) / 2;

  const height = Math.max(2, Math.round(headLength / share));
  const width = Math.max(1, Math.round(height * PORTRAIT_ASPECT));
  // The crown's vertical position: the head's top in the frame is the higher of crown and chin
  // (a head tilted by roll keeps its crown above its chin).
  const headTopY = Math.min(crown[1], chin[1]);
  let x = Math.round(headCentreX - width / 2);
  let y = Math.round(headTopY - crownMargin * height);

  const shifted = { x: 0, y: 0 };
  if ((options.edgeMode ?? 'pad') === 'shift') {
    const fit = (pos: number, size: number, limit: number): number =>
      size > limit ? pos : Math.min(Math.max(pos, 0), limit - size);
    const nx = fit(x, width, frameSize.width);
    const ny = fit(y, height, frameSize.height);
    shifted.x = nx - x;
    shifted.y = ny - y;
    x = nx;
    y = ny;
  }
  return { rect: { x, y, width, height }, shifted, crown, chin, eyeY, headCentreX, headLength };
}

/** Frame pixels of `rect` that lie outside the frame, per image side. */
export function cropPadding(frameSize: { width: number; height: number }, rect: CropRect): PortraitCrop['padding'] {
  return {
    left: Math.max(0, -rect.x),
    top: Math.max(0, -rect.y),
    right: Math.max(0, rect.x + rect.width - frameSize.width),
    bottom: Math.max(0, rect.y + rect.height - frameSize.height),
  };
}

export type PortraitLayout = Pick<PortraitCrop, 'rect' | 'padding' | 'chinToCrownShare'>;

/**
 * Where the portrait would be cut, from geometry alone (no pixels): what the HeadSize and
 * *CropOfTheFaceImage components need. The live checks use it on every tracked frame, so the
 * checks before a capture are the ones its report will carry.
 */
export function portraitLayout(frameSize: { width: number; height: number }, face: PortraitFace, options: PortraitCropOptions = {}): PortraitLayout {
  const g = portraitGeometry(frameSize, face, options);
  return { rect: g.rect, padding: cropPadding(frameSize, g.rect), chinToCrownShare: g.headLength / g.rect.height };
}

/** Crops, pads and scales the frame to the portrait. Never logs or keeps pixels. */
export async function portraitCrop(frame: RgbImage, face: PortraitFace, options: PortraitCropOptions = {}): Promise<PortraitCrop> {
  const outW = Math.round(options.width ?? 413);
  const outH = Math.round((outW * 45) / 35);
  const [pr, pg, pb] = options.padColour ?? [210, 210, 210];
  const g = portraitGeometry(frame, face, options);
  const { rect } = g;

  const ix0 = Math.max(0, rect.x), iy0 = Math.max(0, rect.y);
  const ix1 = Math.min(frame.width, rect.x + rect.width), iy1 = Math.min(frame.height, rect.y + rect.height);
  const padding = cropPadding(frame, rect);
  const background = { r: pr, g: pg, b: pb };
  let full: Buffer;
  if (ix1 <= ix0 || iy1 <= iy0) {
    // Entirely outside the frame: a plain background (cannot happen for a face inside the frame).
    full = Buffer.alloc(rect.width * rect.height * 3);
    for (let i = 0; i < rect.width * rect.height; i++) full.set([pr, pg, pb], i * 3);
  } else {
    full = await sharp(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), {
      raw: { width: frame.width, height: frame.height, channels: 3 },
    })
      .extract({ left: ix0, top: iy0, width: ix1 - ix0, height: iy1 - iy0 })
      .extend({ ...padding, background })
      .raw()
      .toBuffer();
  }
  const { data, info } = await sharp(full, { raw: { width: rect.width, height: rect.height, channels: 3 } })
    .resize(outW, outH, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels in portrait`);

  const sx = outW / rect.width, sy = outH / rect.height;
  const toOutY = (y: number): number => (y - rect.y) * sy;
  const crownY = toOutY(Math.min(g.crown[1], g.chin[1]));
  const chinY = crownY + g.headLength * sy;
  const eyeY = toOutY(g.eyeY);
  const headCentreX = (g.headCentreX - rect.x) * sx;
  return {
    image: { width: outW, height: outH, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) },
    rect,
    scale: sy,
    padding,
    shifted: g.shifted,
    crownY,
    chinY,
    eyeY,
    headCentreX,
    chinToCrownShare: (g.headLength * sy) / outH,
    eyeLineFromBottom: (outH - eyeY) / outH,
    horizontalOffset: (headCentreX - outW / 2) / outW,
  };
}
