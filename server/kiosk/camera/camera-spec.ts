/**
 * Camera specs as written in the kiosk config or on the command line, parsed into a typed
 * spec, and the factory that makes the camera source:
 *
 *   replay:PATH                      folder of images, one image, or a video file, looped
 *   opencv:INDEX                     V4L2 device by index (opencv:0 is /dev/video0)
 *   opencv:/dev/video2               V4L2 device by path
 *   opencv:rtsp://host/stream        network stream (FFmpeg)
 *   opencv:nvarguscamerasrc ! ... ! appsink   GStreamer pipeline (e.g. Jetson CSI camera)
 *   opencv:FILE                      video file, looped
 *   synthetic                        generated moving pattern (tests)
 */
import { maskCredentials } from '../../security/mask-credentials.js';
import type { CameraLogger } from './camera-logger.js';
import type { CameraSource } from './frame.js';
import { OpenCvSource, type ReconnectOptions } from './opencv-source.js';
import { classifyOpenCvTarget, type OpenCvTarget } from './opencv-target.js';
import { createReplaySource, DEFAULT_REPLAY_MAX_WIDTH } from './replay-source.js';
import { SyntheticSource } from './synthetic-source.js';

export type CameraSpec =
  | { kind: 'replay'; path: string }
  | { kind: 'opencv'; target: OpenCvTarget }
  | { kind: 'synthetic' };

export const CAMERA_SPEC_HELP =
  'expected replay:PATH, opencv:INDEX, opencv:/dev/videoN, opencv:rtsp://..., ' +
  "opencv:'<gstreamer pipeline> ! appsink', opencv:VIDEO-FILE or synthetic";

export class CameraSpecError extends Error {
  constructor(spec: string, problem: string) {
    super(`bad camera spec '${maskCredentials(spec)}': ${maskCredentials(problem)}; ${CAMERA_SPEC_HELP}`);
    this.name = 'CameraSpecError';
  }
}

export function parseCameraSpec(text: string): CameraSpec {
  const spec = text.trim();
  if (spec === '') throw new CameraSpecError(text, 'empty');
  if (spec === 'synthetic') return { kind: 'synthetic' };
  const colon = spec.indexOf(':');
  if (colon < 0) throw new CameraSpecError(text, `no kind (missing ':')`);
  const kind = spec.slice(0, colon).trim().toLowerCase();
  const rest = spec.slice(colon + 1).trim();
  switch (kind) {
    case 'replay':
      if (rest === '') throw new CameraSpecError(text, 'replay needs a folder, image or video path');
      return { kind: 'replay', path: rest };
    case 'opencv':
      if (rest === '') throw new CameraSpecError(text, 'opencv needs a device index, device path, URL, pipeline or file');
      try {
        return { kind: 'opencv', target: classifyOpenCvTarget(rest) };
      } catch (err) {
        throw new CameraSpecError(text, (err as Error).message);
      }
    case 'synthetic':
      throw new CameraSpecError(text, 'synthetic takes no argument');
    default:
      throw new CameraSpecError(text, `unknown camera kind '${kind}'`);
  }
}

export interface CameraOptions {
  /** Frames per second (default 30). */
  fps?: number;
  /** Downscale frames wider than this; never upscale (replay default 640; live default none). */
  maxWidth?: number;
  /** OpenCV reconnect back-off. */
  reconnect?: ReconnectOptions;
  logger?: CameraLogger;
  /** Replay of images: frames each image is held for (default 1). */
  holdFrames?: number;
  /** Replay of images: frames of an empty scene between two images (default 0). */
  gapFrames?: number;
}

/**
 * Makes the source for a spec (or spec text). Throws at once, with install steps, when the
 * spec needs OpenCV and it is not installed, and when a replay path does not exist.
 */
export function createCameraSource(spec: CameraSpec | string, options: CameraOptions = {}): CameraSource {
  const s = typeof spec === 'string' ? parseCameraSpec(spec) : spec;
  switch (s.kind) {
    case 'replay':
      return createReplaySource(s.path, {
        fps: options.fps,
        maxWidth: options.maxWidth ?? DEFAULT_REPLAY_MAX_WIDTH,
        holdFrames: options.holdFrames,
        gapFrames: options.gapFrames,
        logger: options.logger,
      });
    case 'opencv':
      return new OpenCvSource({
        target: s.target,
        fps: options.fps,
        maxWidth: options.maxWidth,
        reconnect: options.reconnect,
        logger: options.logger,
      });
    case 'synthetic':
      return new SyntheticSource({ fps: options.fps });
  }
}
