/**
 * The kiosk's Socket.IO and REST protocol as the browser sees it (binary fields arrive as
 * ArrayBuffer). Mirrors server/kiosk/pipeline/kiosk-events.ts; test/ui-protocol.test.ts checks
 * at compile time that the two stay in step. Types only: no DOM, no Node.
 */
import type { GuidanceId, Language } from '../../server/kiosk/guidance/guidance-ids.js';
import type { KioskState } from '../../server/kiosk/pipeline/kiosk-state.js';

export type { GuidanceId, Language, KioskState };

export type Box = [number, number, number, number];
export type Affine = [number, number, number, number, number, number];

export const REGION_KEYS = ['forehead', 'leftEye', 'rightEye', 'nose', 'leftCheek', 'rightCheek', 'mouth', 'chin', 'face'] as const;
export type RegionKey = (typeof REGION_KEYS)[number];
export type RegionQuality = Record<RegionKey, number>;

export type CameraState = 'starting' | 'streaming' | 'lost' | 'reconnecting' | 'stopped';

export interface CameraStatus {
  state: CameraState;
  detail?: string;
  retryInMs?: number;
}

/** How the live picture fills the kiosk screen's preview area (`ui.previewFill`). */
export type PreviewFill = 'auto' | 'whole-frame' | 'fill-height';

export interface UiSettings {
  plqOverlay: boolean;
  speech: boolean;
  /** Absent from a server before this setting: `auto`. */
  previewFill?: PreviewFill;
  /** A stored MAM_H is loaded: `admam` events come. */
  adMam?: boolean;
}

export interface HelloEvent {
  profile: string | null;
  language: Language;
  languages: Language[];
  ui: UiSettings;
  state: KioskState;
  /** The guidance shown at connection time. */
  guidance?: GuidanceMessage[];
  /** Q^ that counts as good (config capture.threshold); optional, the meter marks it when sent. */
  captureThreshold?: number;
  /** Presentation-attack thresholds when the kiosk runs that check (null or absent: off). */
  presentationAttack?: { minReal: number; minLive: number } | null;
  /** The capture on screen when the state is `captured` (kiosk namespace: portrait only). */
  capture?: KioskCaptureEvent | null;
  /** Operator namespace: the messages an operator may waive (`guidance.waivable`)... */
  waivable?: string[];
  /** ...and those waived for the session in front of the kiosk. */
  waivers?: Waiver[];
}

/** A message an operator ruled wrong for the person in front of the kiosk, for that session. */
export interface Waiver {
  id: string;
  /** The operator's user name. */
  by: string;
  at: number;
}

/** Why waivers ended without staff undoing them. */
export type WaiversEndReason = 'person left' | 'another person' | 'captured screen timed out' | 'capture accepted' | 'reset';

/** The waivers that ended with their session, and why. */
export interface WaiversEnded {
  waivers: Waiver[];
  reason: WaiversEndReason;
}

/** Operator namespace: the session's waivers changed. */
export interface WaiversEvent {
  waivers: Waiver[];
  /** When they went with the session (not undone by staff): which, and why. */
  ended?: WaiversEnded;
}

export interface FrameEvent {
  seq: number;
  ts: number;
  width: number;
  height: number;
  jpeg: ArrayBuffer;
  /** Presentation-attack scores (0..1, higher = bona fide) when the kiosk runs those models. */
  faces: Array<{ box: Box; antispoof?: number; liveness?: number }>;
}

export interface PlqEvent {
  seq: number;
  frameTs: number;
  quality: number;
  qualityScaled: number;
  regions: RegionQuality;
  /** Aligned-to-frame affine [a, b, tx, c, d, ty] in full-frame pixels. */
  transform: Affine;
  frameWidth: number;
  frameHeight: number;
  width: number;
  height: number;
  /** RGBA PNG of the map in aligned coordinates. */
  png: ArrayBuffer;
  plqMs: number;
}

export interface GuidanceMessage {
  id: string;
  text: string;
  priority: number;
}

export interface GuidanceEvent {
  messages: GuidanceMessage[];
  language: Language;
  hint: GuidanceMessage | null;
}

export interface StateEvent {
  state: KioskState;
  remaining?: number;
  detail?: string;
}

export interface CaptureEvent {
  id: string;
  ts: number;
  qualityScaled: number;
  trigger: 'auto' | 'manual';
  /** Required capture checks the captured frame fails (empty for automatic captures). */
  failedChecks: string[];
  /** Kept in memory: the disk refused it (full or failing); written when it recovers. */
  pending?: boolean;
  portraitUrl: string;
  frameUrl: string;
  reportUrl: string;
}

/** What /kiosk is told of a capture: the portrait (through the kiosk's own route), no frame, no report. */
export type KioskCaptureEvent = Omit<CaptureEvent, 'frameUrl' | 'reportUrl'>;

/** Live AD-MAM_H: where this face's activation map deviates from high-quality faces. */
export interface AdMamEvent {
  seq: number;
  frameTs: number;
  transform: [number, number, number, number, number, number];
  frameWidth: number;
  frameHeight: number;
  width: number;
  height: number;
  png: ArrayBuffer;
  mean: number;
  camMs: number;
}

export interface ServerToClient {
  hello: (e: HelloEvent) => void;
  frame: (e: FrameEvent) => void;
  plq: (e: PlqEvent) => void;
  admam: (e: AdMamEvent) => void;
  guidance: (e: GuidanceEvent) => void;
  state: (e: StateEvent) => void;
  capture: (e: KioskCaptureEvent) => void;
  camera: (e: CameraStatus) => void;
  error: (e: { message: string }) => void;
  waivers: (e: WaiversEvent) => void;
}

/** What the touchscreen may send on /kiosk. */
export interface KioskClientToServer {
  retake: () => void;
  language: (language: Language) => void;
  accept: (captureId: string) => void;
}

/** What an operator may send on /operator (a logged-in session). */
export interface OperatorClientToServer {
  retake: () => void;
  reset: () => void;
  'operator:capture': () => void;
  'operator:approve': (captureId: string) => void;
  'operator:delete': (captureId: string) => void;
  /** Waive message `id` for the session in front of the kiosk (`waived: false` takes it back). */
  'operator:waive': (request: { id: string; waived?: boolean }) => void;
}

export type ClientToServer = KioskClientToServer & OperatorClientToServer;

export type Namespace = '/kiosk' | '/operator';

/** GET /api/session and POST /api/login. */
export interface SessionInfo {
  user: string | null;
  /** Sent back as the `x-csrf-token` header on every state-changing request of the session. */
  csrfToken: string | null;
  /** false: no operator accounts on this kiosk (`plq user add`). */
  operatorsConfigured: boolean;
  roles: string[];
}

export const CSRF_HEADER = 'x-csrf-token';

/** GET /api/status (the fields the UI reads; the server may send more). */
export interface KioskStatus {
  state: KioskState;
  fps: number;
  plqPerSecond: number;
  cameraState: CameraState;
  frameToPlqP95Ms: number | null;
  captures: number;
}

/** GET /api/captures rows, newest first. */
export interface CaptureSummary {
  id: string;
  ts: number;
  qualityScaled: number;
  approved: boolean;
  trigger: 'auto' | 'manual';
  /** Kept in memory: the disk refused it (full or failing); written when it recovers. */
  pending?: boolean;
}

/** GET /api/storage (operator): can captures be written, free space, captures waiting in memory. */
export interface StorageHealth {
  writable: boolean;
  freeBytes: number | null;
  minFreeBytes: number;
  lowSpace: boolean;
  pending: number;
  maxPending: number;
  lastError: string | null;
}

/** One ISO/IEC 29794-5 (or kiosk) quality component of a capture report. */
export interface IsoComponentReport {
  name: string;
  native: number | null;
  unit: string;
  value: number;
  assessed: boolean;
  pass: boolean;
}

/** GET /api/captures/:id — the fields the operator view reads (tolerant: shows what is there). */
export interface CaptureReport {
  id?: string;
  qualityScaled: number;
  quality?: number;
  plq?: { regions?: Partial<RegionQuality> };
  measurements?: Record<string, unknown>;
  failedChecks?: string[];
  iso?: { passed?: boolean; failed?: string[]; components?: IsoComponentReport[] };
  guidance?: Array<{ ts: number; ids: string[] }>;
  presentationAttack?: { enabled?: boolean; minReal?: number; minLive?: number; antispoof?: number | null; liveness?: number | null; suspected?: boolean };
  /** Messages an operator waived for the session. */
  waivers?: Waiver[];
}

export const captureUrls = (id: string) => {
  const base = `/api/captures/${encodeURIComponent(id)}`;
  return {
    report: base,
    portrait: `${base}/portrait.jpg`,
    frame: `${base}/frame.jpg`,
    plq: `${base}/plq.png`,
    overlay: `${base}/overlay.png`,
    approve: `${base}/approve`,
  };
};
