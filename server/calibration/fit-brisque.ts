/**
 * Fits the linear BRISQUE model (server/xai/brisque-model.ts) on synthetic distortions of
 * aligned faces: Gaussian blur, additive Gaussian noise and JPEG compression, each at four
 * levels, with the level as the target score (pristine 0, then 25, 50, 75, 100). Deterministic:
 * seeded noise, sharp's libvips for blur and JPEG.
 */
import sharp from 'sharp';
import type { RgbImage } from '../detect/face-detector.js';
import { mulberry32 } from '../plq/seeded-random.js';
import { brisqueFeatures, rgbToGrey } from '../xai/brisque-features.js';
import { fitBrisque, type BrisqueModel } from '../xai/brisque-model.js';

export const DISTORTIONS = {
  blur: [1, 2, 3, 4],
  noise: [5, 10, 20, 40],
  jpeg: [50, 25, 10, 5],
} as const;
export type Distortion = keyof typeof DISTORTIONS;
const SEVERITY = [25, 50, 75, 100];

const raw = (img: RgbImage) => sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } });
const toRgb = (buf: Buffer, img: RgbImage): RgbImage => ({ width: img.width, height: img.height, data: new Uint8Array(buf) });

export async function distort(img: RgbImage, kind: Distortion, level: number, seed: number): Promise<RgbImage> {
  if (kind === 'blur') return toRgb(await raw(img).blur(level).raw().toBuffer(), img);
  if (kind === 'jpeg') {
    const jpg = await raw(img).jpeg({ quality: level }).toBuffer();
    return toRgb(await sharp(jpg).removeAlpha().raw().toBuffer(), img);
  }
  const rand = mulberry32(seed);
  const data = new Uint8Array(img.data.length);
  for (let i = 0; i < data.length; i++) {
    const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    data[i] = Math.min(255, Math.max(0, Math.round(img.data[i] + level * g)));
  }
  return { width: img.width, height: img.height, data };
}

export interface BrisqueFit {
  model: BrisqueModel;
  /** In-sample mean score per distortion and level (pristine first). */
  table: Record<Distortion, number[]>;
}

export async function fitBrisqueOnFaces(faces: RgbImage[], source: string, lambda = 1): Promise<BrisqueFit> {
  const feats: number[][] = [];
  const targets: number[] = [];
  const tags: [Distortion | 'pristine', number][] = [];
  for (const [fi, face] of faces.entries()) {
    const grey = (im: RgbImage) => brisqueFeatures(rgbToGrey(im.data, im.width, im.height));
    feats.push(grey(face));
    targets.push(0);
    tags.push(['pristine', 0]);
    for (const kind of Object.keys(DISTORTIONS) as Distortion[]) {
      for (const [li, level] of DISTORTIONS[kind].entries()) {
        feats.push(grey(await distort(face, kind, level, 1000 * fi + li)));
        targets.push(SEVERITY[li]);
        tags.push([kind, li + 1]);
      }
    }
  }
  const model = fitBrisque(feats, targets, lambda, source);
  const { brisqueScore } = await import('../xai/brisque-model.js');
  const table = { blur: [0, 0, 0, 0, 0], noise: [0, 0, 0, 0, 0], jpeg: [0, 0, 0, 0, 0] };
  const counts = { blur: [0, 0, 0, 0, 0], noise: [0, 0, 0, 0, 0], jpeg: [0, 0, 0, 0, 0] };
  feats.forEach((f, i) => {
    const [kind, level] = tags[i];
    const kinds: Distortion[] = kind === 'pristine' ? ['blur', 'noise', 'jpeg'] : [kind];
    for (const k of kinds) {
      table[k][level] += brisqueScore(model, f);
      counts[k][level]++;
    }
  });
  for (const k of Object.keys(table) as Distortion[]) table[k] = table[k].map((v, i) => v / counts[k][i]);
  return { model, table };
}
