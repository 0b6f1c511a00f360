/**
 * The small seam between a capture backend (OpenCV VideoCapture, or a test double) and
 * `OpenCvSource`, which owns pacing, loss detection and reconnection.
 */
import type { RgbImage } from '../../detect/face-detector.js';

export interface CaptureDevice {
  /**
   * The next frame as 8-bit RGB (its own buffer, safe to transfer), or null when the device
   * returned an empty frame (end of a file, or a camera that has stopped delivering).
   * Rejects on a read error.
   */
  read(): Promise<RgbImage | null>;
  /** Back to the first frame of a file; false when the source cannot rewind. */
  rewind(): Promise<boolean>;
  /** Frame rate the device reports (files and most cameras); undefined when unknown. */
  readonly nativeFps: number | undefined;
  /** Releases the device. Called once, never while a read is pending. */
  release(): void;
}

/** Opens the device; rejects when it cannot be opened now (it may be retried later). */
export type CaptureOpener = () => Promise<CaptureDevice>;

/** An error that retrying cannot fix (missing dependency, missing file): no reconnect. */
export class CameraFatalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CameraFatalError';
  }
}
