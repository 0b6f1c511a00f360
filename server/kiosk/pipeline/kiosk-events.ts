import type { CameraStatus } from '../camera/frame.js';
import type { KioskState } from './kiosk-state.js';
import type { RegionQuality } from './measurements.js';
import type { Language } from '../guidance/guidance-ids.js';

export interface FrameEvent {
  seq: number;
  /** Capture time, epoch ms. */
  ts: number;
  width: number;
  height: number;
  /** Downscaled JPEG preview. */
  jpeg: Buffer;
  /** Face boxes of the latest tracking, in preview pixels. */
  faces: Array<{ box: [number, number, number, number] }>;
}

export interface PlqEvent {
  seq: number;
  /** Capture time of the frame this map belongs to, epoch ms (clients measure latency with it). */
  frameTs: number;
  quality: number;
  qualityScaled: number;
  regions: RegionQuality;
  /** Aligned-to-frame affine [a, b, tx, c, d, ty] in full-frame pixels. */
  transform: [number, number, number, number, number, number];
  /** Full frame size (the transform's target space). */
  frameWidth: number;
  frameHeight: number;
  width: number;
  height: number;
  /** The map as RGBA PNG in aligned coordinates (RdYlGn). */
  png: Buffer;
  plqMs: number;
}

/** Live AD-MAM_H: how this face's activation map deviates from high-quality faces (DESIGN.md 3). */
export interface AdMamEvent {
  seq: number;
  frameTs: number;
  /** Same aligned-to-frame transform and sizes as the `plq` event of this frame. */
  transform: [number, number, number, number, number, number];
  frameWidth: number;
  frameHeight: number;
  width: number;
  height: number;
  /** RGBA PNG, aligned coordinates, red where the map is far from MAM_H. */
  png: Buffer;
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
  | { type: 'error'; data: { message: string } };
