import type { Frame } from '../camera/frame.js';
import type { FaceMeasurements, PlqResult } from './measurements.js';
import type { PresentationAttackConfig } from '../config/kiosk-config.js';
import type { Actor } from '../../security/roles.js';
import type { Waiver } from '../guidance/waivers.js';

export interface PresentationAttackCapture extends PresentationAttackConfig {
  /** `presentation-attack` was shown (or latched) when the capture was taken: a manual capture. */
  suspected: boolean;
}

export interface GuidanceHistoryEntry {
  ts: number;
  ids: string[];
}

/** Everything a capture is made from. */
export interface CaptureInput {
  trigger: 'auto' | 'manual';
  frame: Frame;
  /** The subject's measurements. */
  measurements: FaceMeasurements;
  /** The subject plus the faces competing with it (SingleFacePresent). */
  faceCount: number;
  /** Every face the tracker saw in the frame. */
  facesDetected: number;
  plq: PlqResult & { overlayPng: Uint8Array; aligned: Uint8Array };
  guidanceHistory: GuidanceHistoryEntry[];
  /** The presentation-attack settings and whether this session was flagged (scores are in `measurements`). */
  presentationAttack?: PresentationAttackCapture;
  model: string;
  camera: string;
  /** Who captured by hand (manual captures). */
  actor?: Actor;
  /** Messages an operator waived for this session (absent = none). */
  waivers?: Waiver[];
}

export interface SavedCapture {
  id: string;
  ts: number;
  qualityScaled: number;
  /** Required capture checks the report marks as failed. */
  failedChecks: string[];
  /** Kept in memory because the disk is full or failing; written when it can be. */
  pending?: boolean;
}

/** Where captures go (the capture store). */
export interface CaptureSink {
  save(input: CaptureInput): Promise<SavedCapture>;
}
