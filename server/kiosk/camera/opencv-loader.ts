/**
 * The optional dependency @u4/opencv4nodejs for the cameras, typed by the few members the camera
 * code uses (so this compiles, and the rest of the server runs, where it is absent).
 */
import { CameraFatalError } from './capture-device.js';
import { openCvMissingMessage, requireOpenCvBinding } from '../../image/opencv-binding.js';

const WITHOUT_OPENCV = 'Without OpenCV, use the camera spec replay:DIR (a folder of images) or synthetic.';

export interface CvSize {
  readonly width: number;
  readonly height: number;
}

export interface CvMat {
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
  readonly type: number;
  readonly empty: boolean;
  cvtColor(code: number): CvMat;
  cvtColorAsync(code: number): Promise<CvMat>;
  resizeAsync(rows: number, cols: number, fx?: number, fy?: number, interpolation?: number): Promise<CvMat>;
  getDataAsync(): Promise<Buffer>;
  release(): void;
}

export interface CvVideoCapture {
  get(property: number): number;
  set(property: number, value: number): boolean;
  readAsync(): Promise<CvMat>;
  reset(): void;
  release(): void;
}

export interface CvVideoWriter {
  write(frame: CvMat): void;
  release(): void;
}

export interface OpenCvModule {
  VideoCapture: new (source: string | number, apiPreference?: number) => CvVideoCapture;
  VideoWriter: {
    new (path: string, fourcc: number, fps: number, frameSize: CvSize, isColor?: boolean): CvVideoWriter;
    fourcc(code: string): number;
  };
  Mat: new (data: Buffer, rows: number, cols: number, type?: number) => CvMat;
  Size: new (width: number, height: number) => CvSize;
  getBuildInformation(): string;
  /** Whether the binding's Mat allocator reports Mat memory to V8 (off: see `loadOpenCv`); absent in older builds. */
  isCustomMatAllocatorEnabled?(): boolean;
  CAP_ANY: number;
  CAP_V4L2: number;
  CAP_FFMPEG: number;
  CAP_GSTREAMER: number;
  CAP_PROP_FPS: number;
  CAP_PROP_POS_FRAMES: number;
  CAP_PROP_FRAME_COUNT: number;
  CAP_PROP_BUFFERSIZE: number;
  COLOR_BGR2RGB: number;
  COLOR_BGRA2RGB: number;
  COLOR_GRAY2RGB: number;
  COLOR_RGB2BGR: number;
  INTER_AREA: number;
  CV_8UC3: number;
}

/** OpenCV was asked for (a camera or a video) but the optional dependency does not load. */
export class OpenCvMissingError extends CameraFatalError {
  constructor(purpose: string, cause: unknown) {
    super(openCvMissingMessage(purpose, cause, WITHOUT_OPENCV), { cause });
    this.name = 'OpenCvMissingError';
  }
}

/** How the module is required; replaceable so a test can simulate a missing install. */
export type RequireFn = (id: string) => unknown;

let cached: OpenCvModule | undefined;

/**
 * Loads OpenCV (once; later calls return the cached module). Throws OpenCvMissingError, whose
 * message says what to install, when it cannot be loaded.
 */
export function loadOpenCv(purpose = 'OpenCV camera', requireFn?: RequireFn): OpenCvModule {
  if (cached && !requireFn) return cached;
  let mod: unknown;
  try {
    mod = requireOpenCvBinding(requireFn);
  } catch (err) {
    throw new OpenCvMissingError(purpose, err);
  }
  const cv = mod as Partial<OpenCvModule>;
  if (typeof cv.VideoCapture !== 'function' || typeof cv.COLOR_BGR2RGB !== 'number') {
    throw new OpenCvMissingError(purpose, new Error('module loaded but has no VideoCapture'));
  }
  if (!requireFn) cached = cv as OpenCvModule;
  return cv as OpenCvModule;
}

/** True when OpenCV loads here (for skipping tests and for `plq doctor`-style checks). */
export function isOpenCvAvailable(): boolean {
  try {
    loadOpenCv();
    return true;
  } catch {
    return false;
  }
}
