/** What the kiosk and operator views show, fed by the KioskConnection. */
import type { CameraStatus, KioskCaptureEvent, FrameEvent, GuidanceEvent, HelloEvent, KioskState, Language, PlqEvent, Waiver, WaiversEnded } from '../protocol.js';
import { Store } from './store.js';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

/** A decoded preview frame. */
export interface PreviewFrame {
  seq: number;
  ts: number;
  width: number;
  height: number;
  image: ImageBitmap;
  /** Face boxes in preview pixels, with presentation-attack scores when the kiosk runs that check. */
  faces: FrameEvent['faces'];
}

/** A decoded PLQ map with where it goes. */
export interface PlqOverlay extends Omit<PlqEvent, 'png'> {
  image: ImageBitmap;
  receivedAt: number;
}

/** The latest live AD-MAM_H map (aligned coordinates). */
export interface AdMamView {
  image: ImageBitmap;
  mean: number;
  receivedAt: number;
}

export interface KioskViewState {
  connection: ConnectionState;
  hello: HelloEvent | null;
  language: Language;
  languages: Language[];
  state: KioskState;
  /** PLQ results still needed before the capture (holding). */
  remaining: number | null;
  stateDetail: string | null;
  guidance: GuidanceEvent | null;
  frame: PreviewFrame | null;
  plq: PlqOverlay | null;
  adMam: AdMamView | null;
  /** Latest Q^ (null until a PLQ result, and again when the face is gone). */
  qualityScaled: number | null;
  capture: KioskCaptureEvent | null;
  /** The capture the person accepted (thank-you screen until the next state). */
  acceptedId: string | null;
  camera: CameraStatus;
  overlayOn: boolean;
  speechOn: boolean;
  lastError: string | null;
  /** Last time a face was seen (epoch ms), for the idle screen. */
  lastFaceAt: number;
  /** Bumped on every capture event (the operator view refreshes its list on it). */
  captureCount: number;
  /** Operator view: the messages waived for the session in front of the kiosk. */
  waivers: Waiver[];
  /** Operator view: the waivers that last went with their session, and why (until the waivers change again). */
  waiversEnded: WaiversEnded | null;
}

export type KioskStore = Store<KioskViewState>;

export function createKioskStore(overrides: Partial<KioskViewState> = {}): KioskStore {
  return new Store<KioskViewState>({
    connection: 'connecting',
    hello: null,
    language: 'en',
    languages: ['en', 'de', 'fr'],
    state: 'searching',
    remaining: null,
    stateDetail: null,
    guidance: null,
    frame: null,
    plq: null,
    adMam: null,
    qualityScaled: null,
    capture: null,
    acceptedId: null,
    camera: { state: 'starting' },
    overlayOn: false,
    speechOn: false,
    lastError: null,
    lastFaceAt: 0,
    captureCount: 0,
    waivers: [],
    waiversEnded: null,
    ...overrides,
  });
}
