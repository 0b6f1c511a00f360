import type { RegionAppearance } from './region-appearance.js';

/** Per-frame tracking measurements (cheap, every frame) — the inputs of the guidance rules. */
export interface FaceMeasurements {
  /** Detector confidence. */
  score: number;
  /** [x, y, w, h] in frame pixels. */
  box: [number, number, number, number];
  /** Face centre relative to the frame centre, in units of frame width/height (-0.5..0.5). */
  offsetX: number;
  offsetY: number;
  /** Inter-eye distance in frame pixels (eye centres), over cos(yaw) as ISO/IEC 29794-5 measures it (`yawCorrectedInterEye`). */
  interEyeDistance: number;
  /** Face height (box) relative to the frame height. */
  relativeSize: number;
  yaw: number;
  pitch: number;
  roll: number;
  /** Eye aspect ratios from the mesh, the person's own left/right. */
  leftEyeOpen: number;
  rightEyeOpen: number;
  /** Eye aspect ratios from the attention mesh's lids (`tracking.eyelids`), the person's own left/right. */
  eyelids?: { left: number; right: number };
  /** Mouth opening relative to mouth width. */
  mouthOpen: number;
  /** Variance of the Laplacian over the face crop (grey levels^2). */
  sharpness: number;
  /** Mean luminance of the face, 0..255. */
  luminance: number;
  /** (left - right) / (left + right) mean luminance of the person's face halves, -1..1. */
  illuminationBalance: number;
  /** Mean luminance around both eyes relative to the face's (dark glasses: well below 1). */
  eyeLuminanceRatio: number;
  /** Movement of the face centre since the previous tracked frame, in inter-eye distances. */
  motion: number;
  /** Per-region luminance and texture relative to the face, in the aligned crop. */
  appearance: RegionAppearance;
  /** Five alignment points in frame pixels (image-left eye first). */
  landmarks5: Array<[number, number]>;
  /** Dense mesh in frame pixels (468 points) for region maps; may be empty. */
  mesh: Array<[number, number]>;
  /**
   * Presentation-attack scores 0..1 of Human's antispoof (`real`) and liveness (`live`) models,
   * higher = bona fide; only when the tracker runs them (guidance.presentationAttack.enabled).
   */
  antispoof?: number;
  liveness?: number;
  /**
   * Tracked between two runs of the face detector (`tracking.detectorEveryFrames` > 1): good for
   * following the face (box, offsets, motion), but the guidance and PLQ read only the frames on
   * which the detector ran, so that what they judge is what they were fit and measured on.
   */
  tracked?: boolean;
}

export interface TrackingResult {
  seq: number;
  ts: number;
  width: number;
  height: number;
  /** Every tracked face, the subject first (largest, most central: `subject-selection.ts`). */
  faces: FaceMeasurements[];
  /** Other faces comparable in size to the subject (`selection.multipleFacesRatio`); 0 = one clear subject. */
  competingFaces: number;
  trackMs: number;
}

/** Region statistics of a PLQ map: mean P per face region (person's own left/right). */
export type RegionQuality = Record<
  'forehead' | 'leftEye' | 'rightEye' | 'nose' | 'leftCheek' | 'rightCheek' | 'mouth' | 'chin' | 'face',
  number
>;

export interface PlqResult {
  seq: number;
  /** Capture time of the frame, epoch ms. */
  frameTs: number;
  quality: number;
  qualityScaled: number;
  regions: RegionQuality;
  /** Aligned-to-frame affine [a, b, tx, c, d, ty]. */
  transform: [number, number, number, number, number, number];
  width: number;
  height: number;
  /** P map, row-major, aligned coordinates. */
  map: Float32Array;
  /**
   * The FR network's embedding of the aligned face, L2-normalised: a biometric template. The
   * guidance detectors read it in-process; it is never sent to a client, logged or stored.
   */
  embedding: Float32Array;
  plqMs: number;
}
