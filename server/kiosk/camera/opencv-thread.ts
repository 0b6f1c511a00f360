/**
 * The main thread's side of the OpenCV camera thread (opencv-camera-worker.ts): one thread per
 * process, started on the first open and never restarted. The binding cannot be loaded twice
 * in a process (a second worker thread loading it aborts the process, measured with
 * @u4/opencv4nodejs 6 on Node 20), and must be loaded on the main thread first (the other
 * order crashes), so: loadOpenCv() here, then the one thread, for the life of the process. If
 * that thread dies, OpenCV cameras are gone for good: opens fail with CameraFatalError and the
 * liveness probe fails, so the supervisor restarts the process.
 */
import { Worker, type TransferListItem } from 'node:worker_threads';
import type { RgbImage } from '../../detect/face-detector.js';
import { CameraFatalError, type CaptureDevice } from './capture-device.js';
import { loadOpenCv } from './opencv-loader.js';
import type { OpenCvTarget } from './opencv-target.js';
import type { OpenCvThreadRequest, OpenCvThreadResponse, OpenCvThreadResult } from './opencv-thread-protocol.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  resolve: (r: OpenCvThreadResult) => void;
  reject: (e: Error) => void;
}

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

class OpenCvThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private deadReason: string | undefined;

  constructor() {
    const entry = new URL(`./opencv-camera-worker${ext}`, import.meta.url);
    const workerData = { entry: entry.href, name: 'opencv-camera' };
    this.worker =
      ext === '.ts'
        ? new Worker(new URL('../workers/ts-worker-bootstrap.mjs', import.meta.url), { workerData })
        : new Worker(entry, { workerData });
    // the thread alone must not keep the process alive; a pending request does
    this.worker.unref();
    this.worker.on('message', (msg: OpenCvThreadResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.worker.unref();
      if (msg.ok) p.resolve(msg.result);
      else p.reject(msg.fatal ? new CameraFatalError(msg.error) : new Error(msg.error));
    });
    this.worker.on('error', (err) => {
      this.deadReason ??= `OpenCV camera thread failed: ${err.message}`;
    });
    this.worker.on('exit', (code) => {
      this.deadReason ??= `OpenCV camera thread exited with code ${code}`;
      for (const p of this.pending.values()) p.reject(this.deadError());
      this.pending.clear();
    });
  }

  get alive(): boolean {
    return this.deadReason === undefined;
  }

  get failure(): string | undefined {
    return this.deadReason;
  }

  private deadError(): CameraFatalError {
    return new CameraFatalError(`${this.deadReason}; OpenCV cameras need a restart of the kiosk`);
  }

  request(req: DistributiveOmit<OpenCvThreadRequest, 'id'>, transfer: TransferListItem[] = []): Promise<OpenCvThreadResult> {
    if (this.deadReason !== undefined) return Promise.reject(this.deadError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...req, id } as OpenCvThreadRequest, transfer);
    });
  }
}

let thread: OpenCvThread | undefined;

function openCvThread(): OpenCvThread {
  if (!thread) {
    loadOpenCv(); // on the main thread first: see the note at the top
    thread = new OpenCvThread();
  }
  return thread;
}

/** Liveness of the camera thread: ok when it was never needed or is running. */
export function openCvThreadHealth(): { name: string; ok: boolean; reason: string } {
  if (!thread) return { name: 'camera-thread', ok: true, reason: 'not started (no OpenCV camera)' };
  return thread.alive ? { name: 'camera-thread', ok: true, reason: 'running' } : { name: 'camera-thread', ok: false, reason: thread.failure ?? 'dead' };
}

/** Opens an OpenCV capture on the camera thread; the device reads there too. */
export async function openOpenCvCaptureInThread(target: OpenCvTarget, options: { maxWidth?: number } = {}): Promise<CaptureDevice> {
  const t = openCvThread();
  const opened = (await t.request({ op: 'open', target, maxWidth: options.maxWidth })) as { handle: number; nativeFps: number | undefined };
  const { handle } = opened;
  return {
    nativeFps: opened.nativeFps,
    async read(): Promise<RgbImage | null> {
      return ((await t.request({ op: 'read', handle })) as { frame: RgbImage | null }).frame;
    },
    async rewind(): Promise<boolean> {
      return ((await t.request({ op: 'rewind', handle })) as { rewound: boolean }).rewound;
    },
    release(): void {
      t.request({ op: 'release', handle }).catch(() => undefined);
    },
  };
}
