/**
 * The OpenCV capture device: a VideoCapture read asynchronously (readAsync runs on the libuv
 * thread pool), downscaled on the OpenCV side, converted BGR -> RGB and copied into a buffer
 * the frame owns. Opening (the VideoCapture constructor) is synchronous in the binding (an
 * unreachable RTSP URL takes the FFmpeg timeout), so the kiosk runs this on the OpenCV camera
 * thread (opencv-thread.ts), never on the main event loop.
 */
import { existsSync } from 'node:fs';
import type { RgbImage } from '../../detect/face-detector.js';
import { CameraFatalError, type CaptureDevice } from './capture-device.js';
import { loadOpenCv, type CvMat, type CvVideoCapture, type OpenCvModule } from './opencv-loader.js';
import { describeOpenCvTarget, type OpenCvTarget } from './opencv-target.js';
import { maskCredentials } from '../../security/mask-credentials.js';

export interface OpenCvCaptureOptions {
  /** Frames wider than this are downscaled (aspect kept); never upscaled. */
  maxWidth?: number;
  /** An already loaded module (tests); by default loaded lazily. */
  cv?: OpenCvModule;
  /** What the capture is for, in the missing-OpenCV message. */
  purpose?: string;
}

export async function openOpenCvCapture(target: OpenCvTarget, options: OpenCvCaptureOptions = {}): Promise<CaptureDevice> {
  const cv = options.cv ?? loadOpenCv(options.purpose);
  if (target.kind === 'file' && !existsSync(target.path)) {
    throw new CameraFatalError(`video file not found: ${target.path}`);
  }
  let cap: CvVideoCapture;
  try {
    cap = openCapture(cv, target);
  } catch (err) {
    const msg = maskCredentials(err instanceof Error ? err.message : String(err));
    const e = new Error(`cannot open ${describeOpenCvTarget(target)}: ${msg}`, { cause: err });
    if (target.kind === 'file') throw new CameraFatalError(e.message, { cause: err });
    throw e;
  }
  if (target.kind === 'index' || target.kind === 'device-path') {
    // keep at most one frame queued in the driver, so a slow consumer sees fresh frames
    try {
      cap.set(cv.CAP_PROP_BUFFERSIZE, 1);
    } catch {
      /* not supported by every backend */
    }
  }
  const fps = safeGet(cap, cv.CAP_PROP_FPS);
  return new OpenCvCaptureDevice(cv, cap, options.maxWidth, fps && fps > 0 && fps < 1000 ? fps : undefined);
}

function openCapture(cv: OpenCvModule, t: OpenCvTarget): CvVideoCapture {
  switch (t.kind) {
    case 'index':
      return new cv.VideoCapture(t.index);
    case 'device-path':
      return new cv.VideoCapture(t.path, cv.CAP_V4L2);
    case 'url':
      return new cv.VideoCapture(t.url, cv.CAP_FFMPEG);
    case 'pipeline':
      return new cv.VideoCapture(t.pipeline, cv.CAP_GSTREAMER);
    case 'file':
      return new cv.VideoCapture(t.path);
  }
}

function safeGet(cap: CvVideoCapture, prop: number): number | undefined {
  try {
    return cap.get(prop);
  } catch {
    return undefined;
  }
}

class OpenCvCaptureDevice implements CaptureDevice {
  constructor(
    private readonly cv: OpenCvModule,
    private readonly cap: CvVideoCapture,
    private readonly maxWidth: number | undefined,
    readonly nativeFps: number | undefined,
  ) {}

  async read(): Promise<RgbImage | null> {
    // every Mat of the frame is released here, once its pixels are copied, not left to the GC
    const mats: CvMat[] = [];
    const keep = (m: CvMat): CvMat => (mats.push(m), m);
    try {
      let mat = keep(await this.cap.readAsync());
      if (mat.empty || mat.rows === 0 || mat.cols === 0) return null;
      if (this.maxWidth && mat.cols > this.maxWidth) {
        const rows = Math.max(1, Math.round((mat.rows * this.maxWidth) / mat.cols));
        mat = keep(await mat.resizeAsync(rows, this.maxWidth, 0, 0, this.cv.INTER_AREA));
      }
      const code =
        mat.channels === 3 ? this.cv.COLOR_BGR2RGB : mat.channels === 4 ? this.cv.COLOR_BGRA2RGB : this.cv.COLOR_GRAY2RGB;
      const rgb = keep(await mat.cvtColorAsync(code));
      if (rgb.type !== this.cv.CV_8UC3) throw new Error(`unsupported frame type ${rgb.type} (expected 8-bit)`);
      const buf = await rgb.getDataAsync();
      // a copy in a plain ArrayBuffer: the frame owns it and may transfer it to a worker
      const data = new Uint8Array(buf.byteLength);
      data.set(buf);
      return { width: rgb.cols, height: rgb.rows, data };
    } finally {
      for (const m of mats) m.release();
    }
  }

  async rewind(): Promise<boolean> {
    try {
      if (this.cap.set(this.cv.CAP_PROP_POS_FRAMES, 0)) return true;
    } catch {
      /* fall through to reopening */
    }
    try {
      this.cap.reset();
      return true;
    } catch {
      return false;
    }
  }

  release(): void {
    this.cap.release();
  }
}
