/**
 * The JSON report of one capture. Pure: builds a plain, JSON-serialisable object from what the
 * pipeline had when it captured. Pixels are never in it except, on request, the PLQ map as a
 * base64 PNG (by default the map is referenced as the capture's `plq.png`).
 */
import { randomBytes } from 'node:crypto';
import type { FaceMeasurements, PlqResult, RegionQuality } from '../pipeline/measurements.js';
import type { Frame } from '../camera/frame.js';
import { assessIsoComponents, DEFAULT_ISO_THRESHOLDS, type IsoComponent, type IsoComponentName, type IsoThresholds } from './iso-components.js';
import type { CropRect, PortraitCrop } from './portrait-crop.js';
import type { Waiver } from '../guidance/waivers.js';

export const CAPTURE_REPORT_SCHEMA = 'plq-kiosk/capture-report@1';

/** Capture ids: `<UTC yyyymmddThhmmssSSS>Z-<8 hex>`; sortable by time; safe as a folder name. */
export const CAPTURE_ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;

export function newCaptureId(ts: number): string {
  const iso = new Date(ts).toISOString(); // 2024-05-01T12:34:56.789Z
  const compact = iso.replace(/[-:]/g, '').replace('.', ''); // 20240501T123456789Z
  return `${compact}-${randomBytes(4).toString('hex')}`;
}

export function isCaptureId(id: unknown): id is string {
  return typeof id === 'string' && CAPTURE_ID_PATTERN.test(id);
}

export interface GuidanceEntry {
  ts: number;
  /** Guidance message ids shown at `ts` (empty = no message). */
  ids: string[];
}

export interface ModelDescription {
  name: string;
  inputSize: [number, number];
  alpha?: number;
  r?: number;
  gamma?: number;
  clip?: number;
  backend?: string;
  [key: string]: unknown;
}

export interface CameraDescription {
  description: string;
  width: number;
  height: number;
  [key: string]: unknown;
}

export interface PlqMapStats {
  width: number;
  height: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Share of pixels with P >= 0.5. */
  highShare: number;
}

export interface CaptureReportInput {
  /** Generated from `capturedAt` when absent. */
  id?: string;
  /** When the capture decision was taken, epoch ms. */
  capturedAt: number;
  frame: Pick<Frame, 'seq' | 'ts'> & { width: number; height: number };
  face: FaceMeasurements;
  /** The subject plus the faces competing with it (SingleFacePresent's native value). */
  faceCount: number;
  /** Every face detected in the frame (default: faceCount). */
  facesDetected?: number;
  plq: PlqResult;
  portrait: Pick<PortraitCrop, 'rect' | 'scale' | 'padding' | 'shifted' | 'chinToCrownShare' | 'eyeLineFromBottom' | 'horizontalOffset'> & {
    width: number;
    height: number;
  };
  guidance: GuidanceEntry[];
  model: ModelDescription;
  camera: CameraDescription;
  thresholds?: IsoThresholds;
  /** Advisory components (`capture.advisoryComponents`): reported, not required. Default none. */
  advisory?: readonly string[];
  /** Presentation-attack settings of the session and whether it was flagged. */
  presentationAttack?: { enabled: boolean; minReal: number; minLive: number; latch: boolean; suspected: boolean };
  /** The operator who captured by hand (absent for automatic captures). */
  capturedBy?: string;
  /** Messages an operator waived for the session (guidance/waivers.ts); default none. */
  waivers?: readonly Waiver[];
}

export interface CaptureReportOptions {
  /** Embed the PLQ map as base64 PNG (give the PNG) instead of referencing plq.png. */
  plqPng?: Buffer;
  /** Include the 468-point mesh in the report (default false: it is biometric and bulky). */
  includeMesh?: boolean;
}

export interface OperatorApproval {
  approved: boolean;
  /** Epoch ms of the last approval change; null when never changed. */
  at: number | null;
  by: string | null;
}

export interface CaptureReport {
  schema: typeof CAPTURE_REPORT_SCHEMA;
  id: string;
  capturedAt: number;
  capturedAtIso: string;
  frame: { seq: number; ts: number; width: number; height: number };
  quality: number;
  qualityScaled: number;
  measurements: Omit<FaceMeasurements, 'mesh'> & { mesh?: Array<[number, number]>; meshPoints: number };
  faceCount: number;
  facesDetected: number;
  /**
   * Required components (not advisory) that failed: empty for an automatic capture (it waits for
   * them to pass); what the operator overrode for a manual one.
   */
  failedChecks: IsoComponentName[];
  iso: {
    /** Every required component passes. */
    passed: boolean;
    /** Every failed component, advisory ones included. */
    failed: IsoComponentName[];
    /** Advisory patterns in force. */
    advisory: string[];
    thresholds: IsoThresholds;
    components: IsoComponent[];
  };
  plq: {
    regions: RegionQuality;
    map: PlqMapStats;
    /** The map of record: P * 255 greyscale PNG, aligned coordinates. */
    mapImage: { file: 'plq.png' } | { pngBase64: string };
    plqMs: number;
  };
  guidance: GuidanceEntry[];
  /**
   * Messages an operator ruled wrong for this person and waived, with who and when: not shown,
   * not blocking; a waived message's own capture check (`open-eyes`: EyesOpen) is in `iso.advisory`.
   */
  waivers: Waiver[];
  /**
   * Presentation-attack check: the face's antispoof and liveness scores (null when the models
   * did not run), the thresholds, and whether `presentation-attack` was shown or latched.
   */
  presentationAttack: {
    enabled: boolean;
    antispoof: number | null;
    liveness: number | null;
    minReal: number;
    minLive: number;
    latch: boolean;
    suspected: boolean;
  };
  model: ModelDescription;
  camera: CameraDescription;
  transforms: {
    /** Aligned (model input) to frame affine [a, b, tx, c, d, ty]. */
    alignedToFrame: [number, number, number, number, number, number];
    /** The portrait in frame pixels: portrait pixel (u, v) = frame pixel (x + u / scale, y + v / scale). */
    portraitRect: CropRect;
    portraitScale: number;
  };
  portrait: {
    width: number;
    height: number;
    chinToCrownShare: number;
    eyeLineFromBottom: number;
    horizontalOffset: number;
    padding: { left: number; top: number; right: number; bottom: number };
    shifted: { x: number; y: number };
  };
  operator: OperatorApproval;
  /** The operator who captured by hand; null for an automatic capture. */
  capturedBy: string | null;
}

/** Statistics of a P map (values clamped to 0..1). */
export function plqMapStats(map: Float32Array, width: number, height: number): PlqMapStats {
  const n = width * height;
  if (map.length < n || n === 0) throw new Error(`PLQ map has ${map.length} values, expected ${n}`);
  const v = Float32Array.from(map.subarray(0, n), (x) => Math.min(1, Math.max(0, x)));
  let sum = 0, hi = 0, min = Infinity, max = -Infinity;
  for (const x of v) {
    sum += x;
    if (x >= 0.5) hi++;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  v.sort();
  const median = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return { width, height, min, max, mean: sum / n, median, highShare: hi / n };
}

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function buildCaptureReport(input: CaptureReportInput, options: CaptureReportOptions = {}): CaptureReport {
  const id = input.id ?? newCaptureId(input.capturedAt);
  if (!isCaptureId(id)) throw new Error('invalid capture id');
  const thresholds = input.thresholds ?? DEFAULT_ISO_THRESHOLDS;
  const iso = assessIsoComponents(
    { face: input.face, faceCount: input.faceCount, plq: input.plq, portrait: input.portrait },
    thresholds,
    input.advisory ?? [],
  );
  const { mesh, ...rest } = input.face;
  // the eyes' gradient histograms (480 numbers) are the closed-eye probe's input, not a finding
  const { eyeGradients: _probeInput, ...appearance } = rest.appearance;
  const measurements: CaptureReport['measurements'] = {
    ...rest,
    appearance,
    landmarks5: rest.landmarks5.map(([x, y]) => [round(x, 2), round(y, 2)] as [number, number]),
    meshPoints: mesh.length,
    ...(options.includeMesh ? { mesh: mesh.map(([x, y]) => [round(x, 2), round(y, 2)] as [number, number]) } : {}),
  };
  const p = input.portrait;
  return {
    schema: CAPTURE_REPORT_SCHEMA,
    id,
    capturedAt: input.capturedAt,
    capturedAtIso: new Date(input.capturedAt).toISOString(),
    frame: { seq: input.frame.seq, ts: input.frame.ts, width: input.frame.width, height: input.frame.height },
    quality: input.plq.quality,
    qualityScaled: input.plq.qualityScaled,
    measurements,
    faceCount: input.faceCount,
    facesDetected: input.facesDetected ?? input.faceCount,
    failedChecks: iso.failedRequired,
    iso: { passed: iso.passed, failed: iso.failed, advisory: iso.advisory, thresholds: structuredClone(thresholds), components: iso.components },
    plq: {
      regions: { ...input.plq.regions },
      map: plqMapStats(input.plq.map, input.plq.width, input.plq.height),
      mapImage: options.plqPng ? { pngBase64: options.plqPng.toString('base64') } : { file: 'plq.png' },
      plqMs: input.plq.plqMs,
    },
    guidance: input.guidance.map((g) => ({ ts: g.ts, ids: [...g.ids] })),
    waivers: (input.waivers ?? []).map((w) => ({ ...w })),
    presentationAttack: {
      enabled: input.presentationAttack?.enabled ?? false,
      antispoof: input.face.antispoof ?? null,
      liveness: input.face.liveness ?? null,
      minReal: input.presentationAttack?.minReal ?? 0,
      minLive: input.presentationAttack?.minLive ?? 0,
      latch: input.presentationAttack?.latch ?? false,
      suspected: input.presentationAttack?.suspected ?? false,
    },
    model: { ...input.model },
    camera: { ...input.camera },
    transforms: { alignedToFrame: [...input.plq.transform], portraitRect: { ...p.rect }, portraitScale: p.scale },
    portrait: {
      width: p.width,
      height: p.height,
      chinToCrownShare: p.chinToCrownShare,
      eyeLineFromBottom: p.eyeLineFromBottom,
      horizontalOffset: p.horizontalOffset,
      padding: { ...p.padding },
      shifted: { ...p.shifted },
    },
    operator: { approved: false, at: null, by: null },
    capturedBy: input.capturedBy ?? null,
  };
}
