/** Messages between the main thread and the OpenCV camera thread. */
import type { RgbImage } from '../../detect/face-detector.js';
import type { OpenCvTarget } from './opencv-target.js';

export type OpenCvThreadRequest =
  | { id: number; op: 'open'; target: OpenCvTarget; maxWidth: number | undefined }
  | { id: number; op: 'read'; handle: number }
  | { id: number; op: 'rewind'; handle: number }
  | { id: number; op: 'release'; handle: number };

export type OpenCvThreadResult =
  | { handle: number; nativeFps: number | undefined }
  /** A frame (its pixel buffer transferred), or null for an empty read. */
  | { frame: RgbImage | null }
  | { rewound: boolean }
  | { released: true };

export type OpenCvThreadResponse =
  | { id: number; ok: true; result: OpenCvThreadResult }
  /** `fatal`: a CameraFatalError (retrying cannot fix it). */
  | { id: number; ok: false; error: string; fatal: boolean };
