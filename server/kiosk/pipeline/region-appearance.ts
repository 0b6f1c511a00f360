/**
 * Appearance of each face region in the aligned crop, relative to the whole face: mean grey
 * (dark glasses, a dark cover) and grey-level spread (a uniform cover: a band, a hand in
 * shadow, a square). Combined with the PLQ region statistics by the guidance rules.
 */
import type { RgbImage } from '../../detect/face-detector.js';
import { alignFace } from '../../align/align-face.js';
import type { Point } from '../../align/similarity.js';
import { REGION_NAMES, regionBoxes, type RegionName } from '../../plq/face-regions.js';

export interface RegionLook {
  /** Region mean grey / face mean grey. */
  luminance: number;
  /** Region grey standard deviation / face grey standard deviation. */
  texture: number;
}
export type RegionAppearance = Record<RegionName, RegionLook>;

export function regionAppearance(frame: RgbImage, landmarks5: Point[], template: Point[], size: [number, number]): RegionAppearance {
  const { image } = alignFace(frame, landmarks5, template, size);
  const boxes = regionBoxes(template, size);
  const stats = (name: RegionName): { mean: number; sd: number } => {
    const [x0, y0, x1, y1] = boxes[name];
    let s = 0, s2 = 0, n = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
      const i = (y * image.width + x) * 3;
      const g = 0.299 * image.data[i] + 0.587 * image.data[i + 1] + 0.114 * image.data[i + 2];
      s += g;
      s2 += g * g;
      n++;
    }
    const mean = n ? s / n : 0;
    return { mean, sd: n ? Math.sqrt(Math.max(0, s2 / n - mean * mean)) : 0 };
  };
  const face = stats('face');
  const out = {} as RegionAppearance;
  for (const name of REGION_NAMES) {
    const r = stats(name);
    out[name] = { luminance: r.mean / Math.max(1, face.mean), texture: r.sd / Math.max(1, face.sd) };
  }
  return out;
}
