import type { RgbImage } from '../../detect/face-detector.js';

/** One camera frame. */
export interface Frame {
  /** Monotonic sequence number from the source. */
  seq: number;
  /** Capture time, epoch milliseconds. */
  ts: number;
  image: RgbImage;
}

export type CameraState = 'starting' | 'streaming' | 'lost' | 'reconnecting' | 'stopped';

export interface CameraStatus {
  state: CameraState;
  /** Human-readable reason for lost/reconnecting. */
  detail?: string;
  /** Next reconnect attempt in ms, when reconnecting. */
  retryInMs?: number;
}

/**
 * A camera: `frames()` is a cold Observable of frames (subscribing opens the device,
 * unsubscribing releases it); `status()` reports connection changes.
 */
export interface CameraSource {
  readonly description: string;
  frames(): import('rxjs').Observable<Frame>;
  status(): import('rxjs').Observable<CameraStatus>;
}
