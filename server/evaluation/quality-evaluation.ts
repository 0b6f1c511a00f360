/**
 * Does Q^ (and the PLQ map) mean something on faces no fit and no threshold saw? The questions
 * of DESIGN.md section 8, for one engine, on the faces given (the `validate` fold):
 * drop shares and severity ladders under synthetic damage, AUCs against natural conditions,
 * error-versus-reject on identity pairs, the pointing game, and where clean faces land.
 */
import sharp from 'sharp';
import { tf } from '../tf/backend.js';
import { orderByDecreasing, pixelCurve } from '../xai/deletion-insertion.js';
import type { RgbImage } from '../detect/face-detector.js';
import { randomInnerSquare, type Square } from '../experiments/degradations.js';
import type { PixelQualityEngine, PixelQualityResult } from '../plq/pixel-quality.js';
import { mulberry32 } from '../plq/seeded-random.js';
import { REGION_NAMES, regionBoxes, regionMeans, type RegionBox, type RegionName } from '../plq/face-regions.js';
import { errorVersusReject } from '../xai/error-reject.js';
import type { FaceRecord } from '../faceset/face-records.js';
import { NATURAL_CONDITIONS, type NaturalCondition } from '../faceset/face-conditions.js';
import { evenly } from '../faceset/fold-faces.js';
import { rgbTensor } from '../experiments/aligned-set.js';
import { applyDamage, type Damage } from './damage.js';
import { auc, fallsMonotonically, mean, quantile } from './metrics.js';

export interface EvalFace {
  record: FaceRecord;
  crop: RgbImage;
}

export interface DropShare {
  label: string;
  /** Share of faces whose Q falls. */
  quality: number;
  /** Share of faces whose mean P inside the damaged area falls. */
  map: number;
}

export interface Ladder {
  label: string;
  levels: number[];
  meanQualityScaled: number[];
  monotone: boolean;
}

export interface ErcSummary {
  identities: number;
  images: number;
  genuinePairs: number;
  impostorPairs: number;
  threshold: number;
  fractions: number[];
  fnmr: Record<string, number[]>;
  /** Relative FNMR reduction at 20 % rejected, per method. */
  reductionAt20: Record<string, number>;
}

export interface QualityEvaluation {
  cleanFaces: number;
  drops: DropShare[];
  ladders: Ladder[];
  auc: Array<{ condition: NaturalCondition; positives: number; clean: number; auc: number }>;
  erc: ErcSummary | null;
  pointing: { faces: number; squares: number; belowMedian: number; lowestRegion: number };
  /**
   * Deletion (pixels to black) and insertion (pixels into a sigma-5 blurred copy) AUCs of the
   * genuine similarity to the untouched face, pixels in decreasing-P order and in a random
   * order, 10 steps (lower deletion and higher insertion = the map ranks pixels better).
   */
  deletionInsertion: { plqDeletion: number; randomDeletion: number; plqInsertion: number; randomInsertion: number };
  clean: { p10: number; p50: number; p90: number; atThreshold: number; threshold: number };
  msPerMap: number;
}

export interface EvaluationInput {
  /** Faces of the fold under evaluation (every condition). */
  faces: EvalFace[];
  /** Recognition embeddings (L2 or not) for the identity-labelled faces, by record id (one FR system for every candidate). */
  recognition: Map<string, Float32Array>;
  /** Plain baselines for the ERC, by record id. */
  baselines: Record<string, Map<string, number>>;
  captureThreshold: number;
  /** Cap on clean faces used for the map-based checks (cost); all by default. */
  maxMapFaces?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export const FMR = 0.01;
const ERC_FRACTIONS = [0, 0.1, 0.2, 0.3, 0.4];
const SQUARES_PER_FACE = 5;
const POINTING_REGIONS: RegionName[] = ['forehead', 'leftEye', 'rightEye', 'nose', 'leftCheek', 'rightCheek', 'mouth'];
const LADDERS: Array<{ label: string; levels: number[]; damage: (level: number, sq: Square) => Damage }> = [
  { label: 'blur sigma 0..4', levels: [0, 1, 2, 3, 4], damage: (sigma) => ({ kind: 'blur', sigma }) },
  { label: 'downscale 1..8x', levels: [1, 2, 4, 6, 8], damage: (factor) => ({ kind: 'downscale', factor }) },
  { label: 'squares 0..50 px', levels: [0, 10, 20, 30, 40, 50], damage: (size, sq) => ({ kind: 'square', square: { ...sq, size } }) },
];


function boxMean(map: Float32Array, w: number, b: RegionBox): number {
  let s = 0, n = 0;
  for (let y = b[1]; y < b[3]; y++) for (let x = b[0]; x < b[2]; x++) {
    s += map[y * w + x];
    n++;
  }
  return n ? s / n : 0;
}

function boxMedian(map: Float32Array, w: number, b: RegionBox): number {
  const v: number[] = [];
  for (let y = b[1]; y < b[3]; y++) for (let x = b[0]; x < b[2]; x++) v.push(map[y * w + x]);
  return quantile(v, 0.5);
}

/** A square at the 112 px scale centred on a region box given in model pixels. */
function squareOn(b: RegionBox, scale: number, size: number): Square {
  const cx = (b[0] + b[2]) / 2 / scale, cy = (b[1] + b[3]) / 2 / scale;
  const clamp = (v: number): number => Math.max(0, Math.min(112 - size, Math.round(v - size / 2)));
  return { x: clamp(cx), y: clamp(cy), size };
}

export async function evaluateQuality(engine: PixelQualityEngine, input: EvaluationInput): Promise<QualityEvaluation> {
  const m = engine.model.manifest;
  const [w] = m.inputSize;
  const scale = w / 112;
  const boxes = regionBoxes(m.alignmentTemplate, m.inputSize);
  const rand = mulberry32(input.seed ?? 11);

  // Q^ of every face (natural conditions, ERC, clean distribution)
  const qHat = new Map<string, number>();
  for (const f of input.faces) {
    const x = rgbTensor(f.crop);
    qHat.set(f.record.id, engine.scaled(engine.quality(x)[0]));
    x.dispose();
  }

  const clean = input.faces.filter((f) => f.record.clean);
  const mapFaces = evenly(clean, input.maxMapFaces);
  const headline: Damage[] = [
    { kind: 'square', square: { x: 0, y: 0, size: 30 } },
    { kind: 'blur', sigma: 2 },
    { kind: 'downscale', factor: 4 },
    { kind: 'jpeg', quality: 10 },
    { kind: 'dark', ev: 1.5 },
  ];
  const dropCounts = headline.map(() => ({ q: 0, p: 0 }));
  const ladderSums = LADDERS.map((l) => l.levels.map(() => 0));
  let pointingSquares = 0, belowMedian = 0, lowestRegion = 0;
  const diSums = { plqDeletion: 0, randomDeletion: 0, plqInsertion: 0, randomInsertion: 0 };
  const mapMs: number[] = [];
  const assess = (x: tf.Tensor4D): PixelQualityResult => {
    const r = engine.assess(x);
    mapMs.push(r.timings.totalMs);
    return r;
  };

  for (const [i, f] of mapFaces.entries()) {
    const x = rgbTensor(f.crop);
    const orig = assess(x);
    // several seeded squares per face: where one square lands (hair, background, an eye) decides
    // its own outcome, so one square per face makes a noisy share
    const squares = Array.from({ length: SQUARES_PER_FACE }, () => randomInnerSquare(112, 112, 30, rand));
    const sq = squares[0];
    for (const [k, d0] of headline.entries()) {
      const variants: Damage[] = d0.kind === 'square' ? squares.map((square) => ({ kind: 'square', square })) : [d0];
      for (const d of variants) {
        const y = await applyDamage(x, d);
        const r = assess(y);
        y.dispose();
        const area: RegionBox =
          d.kind === 'square'
            ? [Math.round(d.square.x * scale), Math.round(d.square.y * scale), Math.round((d.square.x + d.square.size) * scale), Math.round((d.square.y + d.square.size) * scale)]
            : boxes.face;
        if (r.quality < orig.quality) dropCounts[k].q += 1 / variants.length;
        if (boxMean(r.map, w, area) < boxMean(orig.map, w, area)) dropCounts[k].p += 1 / variants.length;
      }
    }
    for (const [li, ladder] of LADDERS.entries()) {
      for (const [k, level] of ladder.levels.entries()) {
        const y = await applyDamage(x, ladder.damage(level, { ...sq, size: level }));
        ladderSums[li][k] += engine.scaled(engine.quality(y)[0]);
        y.dispose();
      }
    }
    for (const region of POINTING_REGIONS) {
      const s = squareOn(boxes[region], scale, 30);
      const y = await applyDamage(x, { kind: 'square', square: s });
      const r = assess(y);
      y.dispose();
      const area: RegionBox = [Math.round(s.x * scale), Math.round(s.y * scale), Math.round((s.x + 30) * scale), Math.round((s.y + 30) * scale)];
      pointingSquares++;
      if (boxMean(r.map, w, area) < boxMedian(r.map, w, boxes.face)) belowMedian++;
      const means = regionMeans(r.map, w, boxes);
      const named = REGION_NAMES.filter((n) => n !== 'face');
      const lowest = named.reduce((a, b) => (means[b] < means[a] ? b : a));
      if (lowest === region) lowestRegion++;
    }
    const di = await deletionInsertion(engine, x, f.crop, orig.map, mulberry32(1000 + i));
    for (const k of Object.keys(diSums) as Array<keyof typeof diSums>) diSums[k] += di[k];
    x.dispose();
    input.onProgress?.(i + 1, mapFaces.length);
  }

  const n = Math.max(mapFaces.length, 1);
  const drops: DropShare[] = headline.map((d, k) => ({
    label: d.kind === 'square' ? `square 30 px (${SQUARES_PER_FACE} per face)` : d.kind === 'blur' ? 'blur sigma 2' : d.kind === 'downscale' ? 'downscale 4x' : d.kind === 'jpeg' ? 'JPEG q10' : 'dark -1.5 EV',
    quality: dropCounts[k].q / n,
    map: dropCounts[k].p / n,
  }));
  const ladders: Ladder[] = LADDERS.map((l, li) => {
    const means = ladderSums[li].map((s) => s / n);
    return { label: l.label, levels: l.levels, meanQualityScaled: means, monotone: fallsMonotonically(means) };
  });

  const cleanQ = clean.map((f) => qHat.get(f.record.id)!);
  const aucs = NATURAL_CONDITIONS.map((condition) => {
    const pos = input.faces.filter((f) => f.record.conditions.includes(condition)).map((f) => qHat.get(f.record.id)!);
    return { condition, positives: pos.length, clean: cleanQ.length, auc: auc(cleanQ, pos) };
  });

  return {
    cleanFaces: clean.length,
    drops,
    ladders,
    auc: aucs,
    erc: ercSummary(input, qHat),
    deletionInsertion: {
      plqDeletion: diSums.plqDeletion / n,
      randomDeletion: diSums.randomDeletion / n,
      plqInsertion: diSums.plqInsertion / n,
      randomInsertion: diSums.randomInsertion / n,
    },
    pointing: { faces: mapFaces.length, squares: pointingSquares, belowMedian: belowMedian / Math.max(pointingSquares, 1), lowestRegion: lowestRegion / Math.max(pointingSquares, 1) },
    clean: {
      p10: quantile(cleanQ, 0.1),
      p50: quantile(cleanQ, 0.5),
      p90: quantile(cleanQ, 0.9),
      atThreshold: cleanQ.filter((q) => q >= input.captureThreshold).length / Math.max(cleanQ.length, 1),
      threshold: input.captureThreshold,
    },
    msPerMap: quantile(mapMs, 0.5),
  };
}

async function deletionInsertion(engine: PixelQualityEngine, x: tf.Tensor4D, crop: RgbImage, map: Float32Array, rand: () => number) {
  const { width: w, height: h } = crop;
  const image = Float32Array.from(crop.data);
  const blurred = Float32Array.from(await sharp(Buffer.from(crop.data), { raw: { width: w, height: h, channels: 3 } }).blur(5).raw().toBuffer());
  const black = new Float32Array(image.length);
  const model = engine.model;
  const embed = (p: tf.Tensor4D): tf.Tensor2D => model.head(model.backbone(p));
  const plq = orderByDecreasing(map);
  const random = Int32Array.from({ length: w * h }, (_, i) => i);
  for (let i = random.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [random[i], random[j]] = [random[j], random[i]];
  }
  const curve = (start: Float32Array, end: Float32Array, order: Int32Array): number => pixelCurve(embed, x, start, end, w, h, order, { steps: 10 }).auc;
  return {
    plqDeletion: curve(image, black, plq),
    randomDeletion: curve(image, black, random),
    plqInsertion: curve(blurred, image, plq),
    randomInsertion: curve(blurred, image, random),
  };
}

/** Faces whose identity has at least two images in the set. */
export function ercFaces(faces: EvalFace[]): EvalFace[] {
  const count = new Map<string, number>();
  for (const f of faces) if (f.record.identity) count.set(f.record.identity, (count.get(f.record.identity) ?? 0) + 1);
  return faces.filter((f) => f.record.identity && count.get(f.record.identity)! >= 2);
}

function ercSummary(input: EvaluationInput, qHat: Map<string, number>): ErcSummary | null {
  const faces = ercFaces(input.faces).filter((f) => input.recognition.has(f.record.id));
  if (faces.length < 4) return null;
  const erc = { embeddings: faces.map((f) => input.recognition.get(f.record.id)!), identities: faces.map((f) => f.record.identity!) };
  const run = (q: number[]): number[] => errorVersusReject(erc, q, FMR, ERC_FRACTIONS).points.map((p) => p.fnmr);
  const base = errorVersusReject(erc, faces.map((f) => qHat.get(f.record.id)!), FMR, ERC_FRACTIONS);
  const fnmr: Record<string, number[]> = { 'Q^': base.points.map((p) => p.fnmr) };
  for (const [name, values] of Object.entries(input.baselines)) fnmr[name] = run(faces.map((f) => values.get(f.record.id) ?? 0));
  // random rejection: mean over 20 seeded orders
  const rnd = mulberry32(99);
  const runs = Array.from({ length: 20 }, () => run(faces.map(() => rnd())));
  fnmr.random = ERC_FRACTIONS.map((_, k) => mean(runs.map((r) => r[k])));
  const i20 = ERC_FRACTIONS.indexOf(0.2);
  const reductionAt20 = Object.fromEntries(Object.entries(fnmr).map(([k, v]) => [k, v[0] > 0 ? 1 - v[i20] / v[0] : Number.NaN]));
  return {
    identities: new Set(faces.map((f) => f.record.identity)).size,
    images: faces.length,
    genuinePairs: base.points[0].genuinePairs,
    impostorPairs: base.impostorPairs,
    threshold: base.threshold,
    fractions: ERC_FRACTIONS,
    fnmr,
    reductionAt20,
  };
}
