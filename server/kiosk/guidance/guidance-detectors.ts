/**
 * Small learned occlusion detectors (`plq fit-detectors`, models/guidance-detectors.json): one
 * logistic probe per message over features the kiosk already has for every assessed frame — each
 * region's appearance in the aligned crop (log mean grey and log grey spread relative to the face)
 * and the PLQ map's region means (log, relative to the face's) with Q^, the spectacle-frame
 * edge energy across the nose bridge, under the eyes and beside them (region-appearance.ts), the
 * attention mesh's lid openings and the eyes' gradient histograms (eye-gradients.ts; the closed-eye
 * probe's alone), and the FR network's unit-length embedding of the crop (the PLQ worker's). Trained on the fit fold
 * only (real faces and mesh-following synthetic occluders), thresholds set on the calibrate fold.
 * The occlusion rules use a probe's decision for its message where one is loaded (sunglasses,
 * glasses, mask, head covering) or add it to the rule's (the eye and cheek messages, whose drawn
 * squares the rule already tells), and `open-eyes` to the lids' rule.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MODELS_DIR } from '../../plq/model-manifest.js';
import type { RegionQuality } from '../pipeline/measurements.js';
import { EDGE_CROP_SCALE, type RegionAppearance } from '../pipeline/region-appearance.js';
import { EYE_GRADIENT_NAMES, EYE_GRADIENT_SIZE } from '../pipeline/eye-gradients.js';
import { GUIDANCE_IDS, type GuidanceId } from './guidance-ids.js';

export const DETECTORS_FILE = path.join(MODELS_DIR, 'guidance-detectors.json');

const REGIONS = ['forehead', 'leftEye', 'rightEye', 'nose', 'leftCheek', 'rightCheek', 'mouth', 'chin'] as const;

/** Spectacle-frame edge bands of the aligned crop at {@link EDGE_CROP_SCALE} times its size (region-appearance.ts `eyewearEdges`). */
const EDGES = ['bridge', 'rims', 'sides'] as const;

/** The attention mesh's lid openings (eyelid-model.ts), each eye and the smaller and larger of the two. */
const LIDS = ['left', 'right', 'min', 'max'] as const;

/**
 * The FR network whose (L2-normalised) embedding the probes may read: the kiosk's default
 * engine model. A kiosk configured with another model runs the probes that do not read it.
 */
export const EMBEDDING_MODEL = 'mobileface';
export const EMBEDDING_SIZE = 256;

/** Feature names, in vector order. */
export const DETECTOR_FEATURES: readonly string[] = [
  ...REGIONS.map((r) => `log luminance ${r}`),
  ...REGIONS.map((r) => `log texture ${r}`),
  ...REGIONS.map((r) => `log P ${r} / P face`),
  'Q^',
  // the scale is in the name, so that probes fitted on edges of another crop are refused
  ...EDGES.map((e) => `log frame edges ${e} (${EDGE_CROP_SCALE}x crop)`),
  ...LIDS.map((l) => `log lid opening ${l}`),
  ...(['right', 'left'] as const).flatMap((eye) => EYE_GRADIENT_NAMES.map((c) => `eye gradients ${eye} ${c} (${EDGE_CROP_SCALE}x crop)`)),
  ...Array.from({ length: EMBEDDING_SIZE }, (_, i) => `${EMBEDDING_MODEL} embedding ${i}`),
];

export const isEmbeddingFeature = (name: string): boolean => name.startsWith(`${EMBEDDING_MODEL} embedding `);

/** The closed-eye probe's own features: the lids and the eyes' gradient histograms. */
export const isEyeFeature = (name: string): boolean => name.startsWith('log lid opening ') || name.startsWith('eye gradients ');

const log = (v: number): number => Math.log(Math.max(1e-3, v));

/** What a probe reads of a PLQ result; without an embedding (of the right size) its features are NaN. */
export interface DetectorPlqInput {
  regions: RegionQuality;
  qualityScaled: number;
  embedding?: ArrayLike<number>;
}

/** The lids' openings of the person's left and right eye (FaceMeasurements `eyelids`). */
export interface LidOpenings {
  left: number;
  right: number;
}

/** Without lids (eyelid model off) or eye gradients (older measurements) those features are NaN. */
export function detectorFeatures(appearance: RegionAppearance, plq: DetectorPlqInput, lids?: LidOpenings): number[] {
  const e = plq.embedding?.length === EMBEDDING_SIZE ? plq.embedding : undefined;
  const g = appearance.eyeGradients;
  const lidValues = lids ? [lids.left, lids.right, Math.min(lids.left, lids.right), Math.max(lids.left, lids.right)].map(log) : LIDS.map(() => Number.NaN);
  const eyeValues = (eye: number[] | undefined): number[] => (eye?.length === EYE_GRADIENT_SIZE ? eye : EYE_GRADIENT_NAMES.map(() => Number.NaN));
  return [
    ...REGIONS.map((r) => log(appearance[r].luminance)),
    ...REGIONS.map((r) => log(appearance[r].texture)),
    ...REGIONS.map((r) => log(plq.regions[r] / Math.max(1e-3, plq.regions.face))),
    plq.qualityScaled,
    // measurements recorded without edges read as a bare face's typical level (log 1)
    ...EDGES.map((e) => log(appearance.edges?.[e] ?? 1)),
    ...lidValues,
    ...eyeValues(g?.right),
    ...eyeValues(g?.left),
    ...Array.from({ length: EMBEDDING_SIZE }, (_, i) => (e ? e[i] : Number.NaN)),
  ];
}

/** How a probe's decision combines with its rule: `replace` the rule's, or `add` to it. */
export type DetectorMode = 'replace' | 'add';

export interface LinearDetector {
  id: GuidanceId;
  mode: DetectorMode;
  /** Standardisation of the features (training set). */
  mean: number[];
  sd: number[];
  weights: number[];
  bias: number;
  /** Probability at or above which the message holds. */
  threshold: number;
}

export interface GuidanceDetectors {
  version: 1;
  features: string[];
  detectors: LinearDetector[];
  /** How they were made, and what they did on the folds (see `plq fit-detectors`). */
  command: string;
  trainedOn: string;
  figures: unknown;
}

/** The probe's probability; NaN (never fires) where a feature it reads is missing. */
export function detectorProbability(d: LinearDetector, x: readonly number[]): number {
  let z = d.bias;
  for (let i = 0; i < x.length; i++) if (d.weights[i] !== 0) z += d.weights[i] * ((x[i] - d.mean[i]) / d.sd[i]);
  return 1 / (1 + Math.exp(-z));
}

const readsEmbedding = (d: LinearDetector): boolean => DETECTOR_FEATURES.some((f, j) => d.weights[j] !== 0 && isEmbeddingFeature(f));

/**
 * The probes a kiosk running FR model `model` can use: those reading the embedding only where it
 * is {@link EMBEDDING_MODEL}'s (the others' messages fall back to their rules).
 */
export function detectorsForModel(dets: GuidanceDetectors | null, model: string): GuidanceDetectors | null {
  if (!dets || model === EMBEDDING_MODEL) return dets;
  return { ...dets, detectors: dets.detectors.filter((d) => !readsEmbedding(d)) };
}

/**
 * The probes a kiosk uses: those for its FR model ({@link detectorsForModel}), without the
 * closed-eye probe unless `closedEyeProbe` (`guidance.closedEyeProbe`, off by default).
 */
export function kioskDetectors(dets: GuidanceDetectors | null, model: string, closedEyeProbe: boolean): GuidanceDetectors | null {
  const forModel = detectorsForModel(dets, model);
  if (!forModel || closedEyeProbe) return forModel;
  return { ...forModel, detectors: forModel.detectors.filter((d) => d.id !== 'open-eyes') };
}

/** The messages whose probes fire on this frame. */
export function detectedIds(dets: GuidanceDetectors, appearance: RegionAppearance, plq: DetectorPlqInput, lids?: LidOpenings): GuidanceId[] {
  const x = detectorFeatures(appearance, plq, lids);
  return dets.detectors.filter((d) => detectorProbability(d, x) >= d.threshold).map((d) => d.id);
}

export function parseDetectors(json: unknown, what = 'detectors'): GuidanceDetectors {
  const d = json as GuidanceDetectors;
  if (d?.version !== 1 || !Array.isArray(d.detectors)) throw new Error(`${what}: not a guidance detectors file (version 1)`);
  if (JSON.stringify(d.features) !== JSON.stringify(DETECTOR_FEATURES)) throw new Error(`${what}: made for other features (run plq fit-detectors)`);
  const n = DETECTOR_FEATURES.length;
  for (const x of d.detectors) {
    if (!GUIDANCE_IDS.includes(x.id)) throw new Error(`${what}: unknown message ${x.id}`);
    if (x.mode !== 'replace' && x.mode !== 'add') throw new Error(`${what}: ${x.id}: mode must be replace or add`);
    if ([x.mean, x.sd, x.weights].some((v) => !Array.isArray(v) || v.length !== n)) throw new Error(`${what}: ${x.id}: ${n} features expected`);
  }
  return d;
}

/** The shipped detectors, or null where there is no file. */
export function loadDetectors(file = DETECTORS_FILE): GuidanceDetectors | null {
  if (!existsSync(file)) return null;
  return parseDetectors(JSON.parse(readFileSync(file, 'utf8')), file);
}
