/**
 * The largest low-PLQ region of an aligned face, with OpenCV: P smoothed with a 5x5 box (the raw
 * map has a stride-2 checkerboard); inside the face box shrunk by `inset` of its size on each
 * side (its rim is background), the pixels whose smoothed P is in the lowest `quantile`, opened
 * and closed with a 3x3 ellipse; the largest 8-connected component, dilated by `dilate` px
 * (inpainting needs a margin).
 */
import type * as OpenCv from '@u4/opencv4nodejs';
import type { RegionBox } from '../plq/face-regions.js';
import { openCvMissingMessage, requireOpenCvBinding } from '../image/opencv-binding.js';

let loaded: typeof OpenCv | undefined;

/**
 * OpenCV, loaded on first use (with require: the package's ESM build imports globSync from
 * whatever 'glob' resolves to, an old one here). Throws what to install where it is missing.
 */
function openCv(): typeof OpenCv {
  if (loaded) return loaded;
  try {
    loaded = requireOpenCvBinding() as typeof OpenCv;
  } catch (err) {
    throw new Error(openCvMissingMessage('plq experiment inpaint', err), { cause: err });
  }
  return loaded;
}

export interface LowRegion {
  /** 0/255 mask, row-major, the aligned face's size. */
  mask: Uint8Array;
  area: number;
}

export function largestLowRegion(map: Float32Array, w: number, h: number, box: RegionBox, quantile = 0.15, dilate = 2, inset = 0.1): LowRegion {
  const cv = openCv();
  const p = new Float32Array(new cv.Mat(Buffer.from(map.buffer, map.byteOffset, map.byteLength), h, w, cv.CV_32FC1).blur(new cv.Size(5, 5)).getData().buffer);
  const [bx, by, bw, bh] = [box[0] + inset * box[2], box[1] + inset * box[3], box[2] * (1 - 2 * inset), box[3] * (1 - 2 * inset)].map(Math.round);
  const inBox: number[] = [];
  for (let y = Math.max(0, by); y < Math.min(h, by + bh); y++) for (let x = Math.max(0, bx); x < Math.min(w, bx + bw); x++) inBox.push(p[y * w + x]);
  inBox.sort((a, b) => a - b);
  const t = inBox[Math.floor(quantile * (inBox.length - 1))];
  const raw = Buffer.alloc(w * h);
  for (let y = Math.max(0, by); y < Math.min(h, by + bh); y++) for (let x = Math.max(0, bx); x < Math.min(w, bx + bw); x++) {
    if (p[y * w + x] <= t) raw[y * w + x] = 255;
  }
  const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(3, 3));
  const cleaned = new cv.Mat(raw, h, w, cv.CV_8UC1).morphologyEx(kernel, cv.MORPH_OPEN).morphologyEx(kernel, cv.MORPH_CLOSE);
  const { labels, stats } = cleaned.connectedComponentsWithStats(8, cv.CV_32S);
  let best = 0, bestArea = 0;
  for (let i = 1; i < stats.rows; i++) {
    const a = stats.at(i, cv.CC_STAT_AREA);
    if (a > bestArea) {
      bestArea = a;
      best = i;
    }
  }
  const lab = labels.getDataAsArray() as number[][];
  const one = Buffer.alloc(w * h);
  if (best > 0) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (lab[y][x] === best) one[y * w + x] = 255;
  const grown = dilate > 0
    ? new cv.Mat(one, h, w, cv.CV_8UC1).dilate(cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(2 * dilate + 1, 2 * dilate + 1)))
    : new cv.Mat(one, h, w, cv.CV_8UC1);
  const mask = new Uint8Array(grown.getData());
  return { mask, area: mask.reduce((s, v) => s + (v ? 1 : 0), 0) };
}

/** OpenCV inpainting (Telea) of interleaved RGB under a 0/255 mask. */
export function inpaintRgb(rgb: Uint8Array, w: number, h: number, mask: Uint8Array, radius = 3): Uint8Array {
  const cv = openCv();
  const src = new cv.Mat(Buffer.from(rgb), h, w, cv.CV_8UC3);
  const m = new cv.Mat(Buffer.from(mask), h, w, cv.CV_8UC1);
  return new Uint8Array(cv.inpaint(src, m, radius, cv.INPAINT_TELEA).getData());
}
