/**
 * Lazy loading of the optional dependency @u4/opencv4nodejs, typed by the few members the
 * camera code uses (so this compiles, and the rest of the server runs, where it is absent).
 */
import { createRequire } from 'node:module';
import { CameraFatalError } from './capture-device.js';

export const OPENCV_PACKAGE = '@u4/opencv4nodejs';

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

export const OPENCV_INSTALL_STEPS =
  'install OpenCV and build the binding against it, e.g. on Debian/Ubuntu: ' +
  '`sudo apt-get install libopencv-dev` then ' +
  '`OPENCV4NODEJS_DISABLE_AUTOBUILD=1 OPENCV_INCLUDE_DIR=/usr/include/opencv4 ' +
  'OPENCV_LIB_DIR=/usr/lib/$(uname -m)-linux-gnu OPENCV_BIN_DIR=/usr/bin npm install @u4/opencv4nodejs` ' +
  '(on a Jetson use the JetPack OpenCV, which has GStreamer). ' +
  'Without OpenCV, use the camera spec replay:DIR (a folder of images) or synthetic.';

/** OpenCV was asked for (a camera or a video) but the optional dependency does not load. */
export class OpenCvMissingError extends CameraFatalError {
  constructor(purpose: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    const notInstalled = isPackageMissing(cause);
    super(
      notInstalled
        ? `${purpose} requested but the optional dependency ${OPENCV_PACKAGE} is not installed: ${reason}. To fix: ${OPENCV_INSTALL_STEPS}`
        : `${purpose} requested but the optional dependency ${OPENCV_PACKAGE} failed to load ` +
            `(native binding missing or built against another OpenCV): ${reason}. To fix: ${OPENCV_INSTALL_STEPS}`,
      { cause },
    );
    this.name = 'OpenCvMissingError';
  }
}

function isPackageMissing(cause: unknown): boolean {
  const e = cause as { code?: string; message?: string } | undefined;
  return e?.code === 'MODULE_NOT_FOUND' && (e.message ?? '').includes(`'${OPENCV_PACKAGE}'`);
}

/** How the module is required; replaceable so a test can simulate a missing install. */
export type RequireFn = (id: string) => unknown;

const nodeRequire = createRequire(import.meta.url);
let cached: OpenCvModule | undefined;

/**
 * Loads OpenCV (once; later calls return the cached module). Throws OpenCvMissingError, whose
 * message says what to install, when it cannot be loaded.
 */
export function loadOpenCv(purpose = 'OpenCV camera', requireFn?: RequireFn): OpenCvModule {
  if (cached && !requireFn) return cached;
  let mod: unknown;
  // The binding's own Mat allocator tells V8 about every Mat it frees, and V8 may collect garbage
  // right there. A Mat freed by its finalizer is freed inside a collection, which then waits for
  // itself: a fresh-clone CI run hung so, the main thread in cv::Mat::release ->
  // Isolate::AdjustAmountOfExternalAllocatedMemory -> Heap::CollectGarbage, blocked on cppgc's
  // process mutex. The kiosk releases its Mats itself (opencv-capture.ts), so V8 needs no such
  // hints. The binding reads this variable when it loads; set on the main thread (which loads it
  // first, opencv-thread.ts), it is in the process's environment for the camera thread too. Its
  // other switch, dangerousDisableCustomMatAllocator(), crashes the next Mat (segfault, measured).
  process.env.OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING ??= '1';
  try {
    if (!requireFn) silenceBuildLog();
    mod = (requireFn ?? nodeRequire)(OPENCV_PACKAGE);
  } catch (err) {
    throw new OpenCvMissingError(purpose, err);
  }
  const cv = ((mod as { cv?: unknown }).cv ?? mod) as Partial<OpenCvModule>;
  if (typeof cv.VideoCapture !== 'function' || typeof cv.COLOR_BGR2RGB !== 'number') {
    throw new OpenCvMissingError(purpose, new Error('module loaded but has no VideoCapture'));
  }
  if (!requireFn) cached = cv as OpenCvModule;
  return cv as OpenCvModule;
}

/**
 * The binding's loader logs its build configuration (several coloured lines) through
 * @u4/opencv-build on every load; keep the kiosk's journal clean unless
 * OPENCV4NODES_DEBUG_REQUIRE asks for it. Best effort: nothing happens if the layout differs.
 */
function silenceBuildLog(): void {
  if (process.env.OPENCV4NODES_DEBUG_REQUIRE) return;
  try {
    const fromBinding = createRequire(nodeRequire.resolve(OPENCV_PACKAGE));
    const build = fromBinding('@u4/opencv-build') as { Log?: { silence?: boolean } };
    if (build.Log) build.Log.silence = true;
  } catch {
    /* not installed, or another layout: leave the logging as it is */
  }
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
