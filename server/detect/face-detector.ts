import type { Point } from '../align/similarity.js';

/** Head pose in degrees: yaw (left/right turn), pitch (up/down), roll (in-plane tilt). */
export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
}

export interface DetectedFace {
  /** Detector confidence 0..1. */
  score: number;
  /** [x, y, width, height] in image pixels. */
  box: [number, number, number, number];
  /**
   * Five alignment points in image pixels, in template order: the eye on the image's left
   * (the person's right eye), the eye on the image's right, nose tip, mouth corner on the
   * image's left, mouth corner on the image's right.
   */
  landmarks5: Point[];
  /** Dense landmarks (e.g. 468-point mesh) in image pixels, when the detector provides them. */
  mesh: Point[];
  pose: HeadPose;
  /** Presentation-attack scores 0..1 (higher = bona fide), only when the detector runs those models. */
  antispoof?: number;
  liveness?: number;
  /** Eye aspect ratios of the person's left and right eye from a lid model, when the detector runs one. */
  eyelids?: { left: number; right: number };
  /**
   * Video, with the detector skipping frames: the mesh was run on the box of the previous call's
   * mesh, not on the face detector's. Such a mesh lies 1-3 % of the eye distance from the one the
   * detector's box gives on the same frame; absent when the detector ran.
   */
  tracked?: boolean;
}

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved RGB, 8 bits per channel. */
  data: Uint8Array;
}

export interface FaceDetector {
  readonly name: string;
  detect(image: RgbImage): Promise<DetectedFace[]>;
  dispose(): void;
}
