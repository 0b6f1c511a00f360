/**
 * Capture measurements named after the ISO/IEC 29794-5 quality components they correspond to
 * (names as in OFIQ, the standard's reference implementation: `OFIQ::QualityMeasure`), plus the
 * kiosk's own PLQ components. Each component has
 * - `native`: the kiosk's own measurement in its own unit (NOT OFIQ's raw value: the kiosk
 *   measures differently, e.g. eye aspect ratios on the 468-point mesh);
 * - `value`: a 0..100 component value, higher = better, by the mapping documented per
 *   component below (-1 when the component could not be assessed, as in OFIQ);
 * - `pass`: the native value against an explicit threshold from `IsoThresholds`.
 * The values are the kiosk's, not OFIQ's: they share OFIQ's names and direction (0..100,
 * higher is better), not its algorithms, and are not interchangeable with OFIQ scores.
 */
import type { FaceMeasurements, PlqResult, RegionQuality } from '../pipeline/measurements.js';
import type { PortraitCrop } from './portrait-crop.js';

export type RegionName = keyof RegionQuality;
export const PLQ_REGION_NAMES: readonly RegionName[] = [
  'forehead', 'leftEye', 'rightEye', 'nose', 'leftCheek', 'rightCheek', 'mouth', 'chin', 'face',
];

export type OfiqComponentName =
  | 'SingleFacePresent'
  | 'EyesOpen'
  | 'MouthClosed'
  | 'HeadPoseYaw'
  | 'HeadPosePitch'
  | 'HeadPoseRoll'
  | 'InterEyeDistance'
  | 'HeadSize'
  | 'IlluminationUniformity'
  | 'Sharpness'
  | 'LuminanceMean'
  | 'LeftwardCropOfTheFaceImage'
  | 'RightwardCropOfTheFaceImage'
  | 'UpwardCropOfTheFaceImage'
  | 'DownwardCropOfTheFaceImage';
export type KioskComponentName = 'PlqQualityScore' | `PlqRegion.${RegionName}`;
export type IsoComponentName = OfiqComponentName | KioskComponentName;

/** Every component, in report order. */
export const ISO_COMPONENT_NAMES: readonly IsoComponentName[] = [
  'SingleFacePresent',
  'EyesOpen',
  'MouthClosed',
  'HeadPoseYaw',
  'HeadPosePitch',
  'HeadPoseRoll',
  'InterEyeDistance',
  'HeadSize',
  'IlluminationUniformity',
  'Sharpness',
  'LuminanceMean',
  'LeftwardCropOfTheFaceImage',
  'RightwardCropOfTheFaceImage',
  'UpwardCropOfTheFaceImage',
  'DownwardCropOfTheFaceImage',
  'PlqQualityScore',
  ...PLQ_REGION_NAMES.map((r) => `PlqRegion.${r}` as const),
];

/**
 * Names accepted in `capture.advisoryComponents`: a component name, or `PlqRegion.*` for every
 * PLQ region component.
 */
export const ADVISORY_PATTERNS: readonly string[] = [...ISO_COMPONENT_NAMES, 'PlqRegion.*'];

/** A component listed (by name, or by a `Prefix.*` pattern) as advisory: reported, never blocks a capture. */
export function isAdvisory(name: string, advisory: readonly string[]): boolean {
  return advisory.some((p) => p === name || (p.endsWith('.*') && name.startsWith(p.slice(0, -1))));
}

/** A closed range on the native value; a missing side is unbounded. */
export interface NativeRange {
  min?: number;
  max?: number;
}

export interface IsoComponent {
  name: IsoComponentName;
  /** 'ISO/IEC 29794-5' for components named after the standard, 'kiosk' for PLQ ones. */
  source: 'ISO/IEC 29794-5' | 'kiosk';
  /** The kiosk's measurement, in `unit`; null when not assessed. */
  native: number | null;
  unit: string;
  /** 0..100, higher is better; -1 when not assessed. */
  value: number;
  /** The acceptance range applied to `native`. */
  threshold: NativeRange;
  assessed: boolean;
  /** native within threshold; false when not assessed. */
  pass: boolean;
}

/**
 * Acceptance thresholds on the native values. Defaults (`DEFAULT_ISO_THRESHOLDS`) follow ICAO
 * 9303 / ISO/IEC 39794-5 where those give numbers, and the kiosk's measured behaviour elsewhere;
 * the server's configuration supplies its own.
 */
export interface IsoThresholds {
  /** Number of faces in the frame: max (default 1). */
  maxFaces: number;
  /** Smaller of the two eye aspect ratios, Human's face mesh: min (default 0.18). Used where the lids are not measured. */
  minEyeAspectRatio: number;
  /**
   * Smaller of the two eyes' lid openings on the attention mesh (`tracking.eyelids`), which follows
   * closed eyes where the face mesh draws them open: min (default 0.17, the lid opening below which
   * the open-eyes message calls an eye shut). Where the lids are measured, EyesOpen uses them.
   */
  minLidAspectRatio: number;
  /** Mouth opening / mouth width: max (default 0.12). */
  maxMouthOpening: number;
  /** |yaw| in degrees: max (default 8; ICAO: 5). */
  maxAbsYawDeg: number;
  /** |pitch| in degrees: max (default 10; ICAO: 5, widened for the pose estimator's bias). */
  maxAbsPitchDeg: number;
  /** |roll| in degrees: max (default 8, ICAO). */
  maxAbsRollDeg: number;
  /** Inter-eye distance in frame pixels: min (default 90, ICAO's minimum; 120 recommended). */
  minInterEyeDistancePx: number;
  /** Chin-to-crown share of the portrait height (default 0.70..0.80, ICAO). */
  headSizeShare: { min: number; max: number };
  /** |illumination balance| (left-right luminance contrast, 0..1): max (default 0.15). */
  maxIlluminationImbalance: number;
  /** Variance of the Laplacian over the face resampled to 96x96 (grey levels^2): min (default 150). */
  minSharpness: number;
  /** Mean face luminance 0..255 (default 60..200). */
  luminance: { min: number; max: number };
  /** Share of the portrait height/width padded beyond the frame, per side: max (default 0.02). */
  maxCropPadding: number;
  /** Scaled quality Q^ 0..1: min (default 0.5 = the calibration set's mean Q). */
  minQualityScaled: number;
  /** Mean P per region: min (default 0.3 for every region); per-region overrides allowed. */
  minRegionP: number;
  regionP?: Partial<Record<RegionName, number>>;
}

export const DEFAULT_ISO_THRESHOLDS: Readonly<IsoThresholds> = Object.freeze({
  maxFaces: 1,
  minEyeAspectRatio: 0.18,
  minLidAspectRatio: 0.17,
  maxMouthOpening: 0.12,
  maxAbsYawDeg: 8,
  maxAbsPitchDeg: 10,
  maxAbsRollDeg: 8,
  minInterEyeDistancePx: 90,
  headSizeShare: Object.freeze({ min: 0.7, max: 0.8 }),
  maxIlluminationImbalance: 0.15,
  minSharpness: 150,
  luminance: Object.freeze({ min: 60, max: 200 }),
  maxCropPadding: 0.02,
  minQualityScaled: 0.5,
  minRegionP: 0.3,
});

export interface IsoInput {
  /** The captured face's tracking measurements. */
  face: FaceMeasurements;
  /**
   * Faces that compete to be the subject: the subject plus every other face comparable in size
   * (`selection.multipleFacesRatio`); faces far behind the subject do not count.
   */
  faceCount: number;
  /** The PLQ result of the captured frame, when available. */
  plq?: Pick<PlqResult, 'qualityScaled' | 'regions'>;
  /** The portrait crop, when made (for HeadSize and the crop components). */
  portrait?: Pick<PortraitCrop, 'chinToCrownShare' | 'padding' | 'rect'>;
}

export interface IsoAssessment {
  components: IsoComponent[];
  /** Every required (non-advisory) component was assessed and passes. */
  passed: boolean;
  /** Every component that failed or could not be assessed, advisory ones included. */
  failed: IsoComponentName[];
  /** The failed components that are required: what blocks an automatic capture. */
  failedRequired: IsoComponentName[];
  /** The advisory patterns this assessment was made with (`capture.advisoryComponents`). */
  advisory: string[];
}

const sigmoid = (x: number, x0: number, w: number): number => 1 / (1 + Math.exp(-(x - x0) / w));
const clamp100 = (v: number): number => Math.round(Math.min(100, Math.max(0, v)));
const within = (x: number, r: NativeRange): boolean => (r.min === undefined || x >= r.min) && (r.max === undefined || x <= r.max);

function component(
  name: IsoComponentName,
  native: number | null,
  unit: string,
  toValue: (x: number) => number,
  threshold: NativeRange,
): IsoComponent {
  const source = name === 'PlqQualityScore' || name.startsWith('PlqRegion.') ? 'kiosk' : 'ISO/IEC 29794-5';
  if (native === null || !Number.isFinite(native)) {
    return { name, source, native: null, unit, value: -1, threshold, assessed: false, pass: false };
  }
  return { name, source, native, unit, value: clamp100(toValue(native)), threshold, assessed: true, pass: within(native, threshold) };
}

/** Value mappings, one per component (documented in docs/capture.md). */
export const VALUE_MAPPINGS = {
  /** 100 for exactly one face, 0 otherwise. */
  singleFace: (n: number): number => (n === 1 ? 100 : 0),
  /** 100 * sigmoid((EAR - 0.15) / 0.03): closed eyes (~0.05-0.1) -> ~0-16, open (>= 0.25) -> ~97-100. */
  eyesOpen: (ear: number): number => 100 * sigmoid(ear, 0.15, 0.03),
  /** The same on the attention mesh's lids, centred as far below its threshold: 100 * sigmoid((opening - 0.14) / 0.03). */
  lidsOpen: (opening: number): number => 100 * sigmoid(opening, 0.14, 0.03),
  /** 100 * (1 - sigmoid((opening - 0.15) / 0.05)): closed (< 0.05) -> ~88-100, open (0.3) -> ~5. */
  mouthClosed: (o: number): number => 100 * (1 - sigmoid(o, 0.15, 0.05)),
  /** 100 * cos^2(angle), OFIQ's head-pose mapping: 5 deg -> 99, 30 deg -> 75, 90 deg -> 0. */
  headPose: (deg: number): number => 100 * Math.cos((deg * Math.PI) / 180) ** 2,
  /** 100 * sigmoid((IED - 70) / 20) (OFIQ's default sigmoid): 90 px -> 73, 120 px -> 92. */
  interEyeDistance: (px: number): number => 100 * sigmoid(px, 70, 20),
  /** 100 inside 0.70-0.80, falling linearly to 0 at 0.10 beyond either edge. */
  headSize: (s: number): number => 100 * (1 - Math.max(0, Math.abs(s - 0.75) - 0.05) / 0.1),
  /** 100 * (1 - |balance|). */
  illumination: (b: number): number => 100 * (1 - Math.abs(b)),
  /** 100 * v / (v + 40): v = 40 -> 50, 160 -> 80, 360 -> 90. */
  sharpness: (v: number): number => (100 * v) / (v + 40),
  /** OFIQ's LuminanceMean mapping on m = mean/255: 100 * sigmoid((m-0.2)/0.05) * (1 - sigmoid((m-0.8)/0.05)). */
  luminance: (l: number): number => {
    const m = l / 255;
    return 100 * sigmoid(m, 0.2, 0.05) * (1 - sigmoid(m, 0.8, 0.05));
  },
  /** 100 * (1 - padded share / 0.1): 0 padding -> 100, 10 % of the side padded -> 0. */
  cropPadding: (share: number): number => 100 * (1 - share / 0.1),
  /** 100 * Q^ / 100 * mean P. */
  unit: (q: number): number => 100 * q,
} as const;

/**
 * Computes every component for one capture (or one live frame). Pure. `advisory` lists the
 * components that are reported but do not count for `passed` (default: none).
 */
export function assessIsoComponents(
  input: IsoInput,
  thresholds: IsoThresholds = DEFAULT_ISO_THRESHOLDS,
  advisory: readonly string[] = [],
): IsoAssessment {
  const t = thresholds;
  const f = input.face;
  const m = VALUE_MAPPINGS;
  const components: IsoComponent[] = [
    component('SingleFacePresent', input.faceCount, 'faces', m.singleFace, { min: 1, max: t.maxFaces }),
    f.eyelids
      ? component('EyesOpen', Math.min(f.eyelids.left, f.eyelids.right), 'lid opening / eye width, attention mesh (smaller eye)', m.lidsOpen, { min: t.minLidAspectRatio })
      : component('EyesOpen', Math.min(f.leftEyeOpen, f.rightEyeOpen), 'eye aspect ratio (smaller eye)', m.eyesOpen, { min: t.minEyeAspectRatio }),
    component('MouthClosed', f.mouthOpen, 'opening / mouth width', m.mouthClosed, { max: t.maxMouthOpening }),
    component('HeadPoseYaw', f.yaw, 'degrees', m.headPose, { min: -t.maxAbsYawDeg, max: t.maxAbsYawDeg }),
    component('HeadPosePitch', f.pitch, 'degrees', m.headPose, { min: -t.maxAbsPitchDeg, max: t.maxAbsPitchDeg }),
    component('HeadPoseRoll', f.roll, 'degrees', m.headPose, { min: -t.maxAbsRollDeg, max: t.maxAbsRollDeg }),
    component('InterEyeDistance', f.interEyeDistance, 'frame pixels', m.interEyeDistance, { min: t.minInterEyeDistancePx }),
    component('HeadSize', input.portrait?.chinToCrownShare ?? null, 'chin-to-crown / portrait height', m.headSize, {
      min: t.headSizeShare.min,
      max: t.headSizeShare.max,
    }),
    component('IlluminationUniformity', f.illuminationBalance, '(left - right) / (left + right) luminance', m.illumination, {
      min: -t.maxIlluminationImbalance,
      max: t.maxIlluminationImbalance,
    }),
    component('Sharpness', f.sharpness, 'Laplacian variance (grey levels^2)', m.sharpness, { min: t.minSharpness }),
    component('LuminanceMean', f.luminance, 'mean face luminance 0..255', m.luminance, { min: t.luminance.min, max: t.luminance.max }),
  ];
  const p = input.portrait;
  const pad = (side: 'left' | 'right' | 'top' | 'bottom'): number | null => {
    if (!p) return null;
    const size = side === 'left' || side === 'right' ? p.rect.width : p.rect.height;
    return p.padding[side] / size;
  };
  // "Leftward"/"Rightward" are the image's left/right; "Upward" is the top edge.
  components.push(
    component('LeftwardCropOfTheFaceImage', pad('left'), 'padded share of portrait width', m.cropPadding, { max: t.maxCropPadding }),
    component('RightwardCropOfTheFaceImage', pad('right'), 'padded share of portrait width', m.cropPadding, { max: t.maxCropPadding }),
    component('UpwardCropOfTheFaceImage', pad('top'), 'padded share of portrait height', m.cropPadding, { max: t.maxCropPadding }),
    component('DownwardCropOfTheFaceImage', pad('bottom'), 'padded share of portrait height', m.cropPadding, { max: t.maxCropPadding }),
    component('PlqQualityScore', input.plq?.qualityScaled ?? null, 'Q^ 0..1', m.unit, { min: t.minQualityScaled }),
  );
  for (const r of PLQ_REGION_NAMES) {
    const min = t.regionP?.[r] ?? t.minRegionP;
    components.push(component(`PlqRegion.${r}`, input.plq?.regions[r] ?? null, 'mean P 0..1', m.unit, { min }));
  }
  const failed = components.filter((c) => !c.pass).map((c) => c.name);
  const failedRequired = failed.filter((n) => !isAdvisory(n, advisory));
  return { components, passed: failedRequired.length === 0, failed, failedRequired, advisory: [...advisory] };
}
