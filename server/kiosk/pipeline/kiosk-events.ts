import type { CameraStatus } from '../camera/frame.js';
import type { KioskState } from './kiosk-state.js';
import type { RegionQuality } from './measurements.js';
import type { Language } from '../guidance/guidance-ids.js';
import type { Waiver, WaiversEnded } from '../guidance/waivers.js';

export interface FrameEvent {
  seq: number;
  /** Capture time, epoch ms. */
  ts: number;
  width: number;
  height: number;
  /** Downscaled JPEG preview. */
  jpeg: Buffer;
  /**
   * Face boxes of the latest tracking, in preview pixels, with the presentation-attack scores
   * (antispoof, liveness; 0..1, higher = bona fide) when the tracker runs those models.
   */
  faces: Array<{ box: [number, number, number, number]; antispoof?: number; liveness?: number }>;
}

/** A map in aligned coordinates and where it goes on the frame (PLQ map, AD-MAM_H). */
export interface AlignedMapEvent {
  seq: number;
  /** Capture time of the frame this map belongs to, epoch ms (clients measure latency with it). */
  frameTs: number;
  /** Aligned-to-frame affine [a, b, tx, c, d, ty] in full-frame pixels. */
  transform: [number, number, number, number, number, number];
  /** Full frame size (the transform's target space). */
  frameWidth: number;
  frameHeight: number;
  /** Map size (the model's aligned input). */
  width: number;
  height: number;
  /** The map as RGBA PNG in aligned coordinates. */
  png: Buffer;
}

/** The PLQ map (RdYlGn) with the quality and region statistics of its frame. */
export interface PlqEvent extends AlignedMapEvent {
  quality: number;
  qualityScaled: number;
  regions: RegionQuality;
  plqMs: number;
}

/**
 * Live AD-MAM_H: how this face's activation map deviates from high-quality faces (DESIGN.md 3);
 * red where it is far from MAM_H.
 */
export interface AdMamEvent extends AlignedMapEvent {
  mean: number;
  camMs: number;
}

export interface GuidanceMessage {
  id: string;
  text: string;
  priority: number;
}

export interface GuidanceEvent {
  messages: GuidanceMessage[];
  language: Language;
  /** Escalation: the most persistent problem, repeated after a while without a capture. */
  hint: GuidanceMessage | null;
}

export interface WaiversEvent {
  waivers: Waiver[];
  /** The waivers that ended with the session (not undone by staff), and why. */
  ended?: WaiversEnded;
}

export interface StateEvent {
  state: KioskState;
  /** PLQ results still needed before the capture, while holding. */
  remaining?: number;
  detail?: string;
}

export interface CaptureEvent {
  id: string;
  ts: number;
  qualityScaled: number;
  trigger: 'auto' | 'manual';
  /** Required capture checks (ISO components) the captured frame fails: empty for automatic captures. */
  failedChecks: string[];
  /** Kept in memory: the disk refused it (full or failing); written when it recovers. */
  pending?: boolean;
  portraitUrl: string;
  frameUrl: string;
  reportUrl: string;
}

export type KioskEvent =
  | { type: 'frame'; data: FrameEvent }
  | { type: 'plq'; data: PlqEvent }
  | { type: 'admam'; data: AdMamEvent }
  | { type: 'guidance'; data: GuidanceEvent }
  | { type: 'state'; data: StateEvent }
  | { type: 'capture'; data: CaptureEvent }
  | { type: 'camera'; data: CameraStatus }
  | { type: 'error'; data: { message: string } }
  /** The operator waivers of the session in front of the kiosk (operator namespace only). */
  | { type: 'waivers'; data: WaiversEvent };
