/**
 * A live camera through OpenCV (device index, /dev/video*, GStreamer pipeline, RTSP URL or
 * video file), opened and read on the OpenCV camera thread (opencv-thread.ts). Frames are
 * emitted at the configured fps. A camera
 * that disappears (read error or exception, a read that hangs, or only empty frames for a
 * while) is reported `lost`, then `reconnecting` with exponential back-off, and reopened;
 * the frames Observable carries on across reconnects with increasing seq numbers.
 */
import { BehaviorSubject, Observable, type Subscriber } from 'rxjs';
import { CameraFatalError, type CaptureDevice, type CaptureOpener } from './capture-device.js';
import { consoleCameraLogger, type CameraLogger } from './camera-logger.js';
import type { CameraSource, CameraStatus, Frame } from './frame.js';
import { checkFps, sleep } from './frame-clock.js';
import { openOpenCvCaptureInThread } from './opencv-thread.js';
import { loadOpenCv } from './opencv-loader.js';
import { describeOpenCvTarget, type OpenCvTarget } from './opencv-target.js';
import { maskCredentials } from '../../security/mask-credentials.js';

export interface ReconnectOptions {
  /** First delay after a loss, ms (default 500). */
  minDelayMs?: number;
  /** Ceiling of the doubling delay, ms (default 10000). */
  maxDelayMs?: number;
}

export interface OpenCvSourceOptions {
  target: OpenCvTarget;
  /** Emitted frames per second (default 30); a faster camera is thinned, a file is paced. */
  fps?: number;
  /** Downscale frames wider than this (never upscale). */
  maxWidth?: number;
  /** Video files: start again at the end (default true); false completes at the end. */
  loop?: boolean;
  reconnect?: ReconnectOptions;
  /** Only empty frames for this long means the camera is lost (default 2000 ms). */
  emptyTimeoutMs?: number;
  /** A read pending this long means the camera is lost (default 5000 ms). */
  readTimeoutMs?: number;
  /** Opens the device; default: an OpenCV VideoCapture on the camera thread. Tests inject a double here. */
  open?: CaptureOpener;
  /** What this is, in the missing-OpenCV message (default 'OpenCV camera'). */
  purpose?: string;
  description?: string;
  logger?: CameraLogger;
}

/** Delay before reconnect attempt `attempt` (0-based): min * 2^attempt, capped at max. */
export function backoffDelay(attempt: number, minDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(attempt, 30));
}

type ReadOutcome = { kind: 'frame'; frame: NonNullable<Awaited<ReturnType<CaptureDevice['read']>>> } | { kind: 'empty' };

export class OpenCvSource implements CameraSource {
  readonly description: string;
  private readonly status$ = new BehaviorSubject<CameraStatus>({ state: 'stopped' });
  private readonly opener: CaptureOpener;
  private readonly fps: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly emptyTimeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly isFile: boolean;
  private readonly loop: boolean;
  private readonly log: CameraLogger;
  private seq = 0;

  constructor(private readonly options: OpenCvSourceOptions) {
    this.fps = checkFps(options.fps ?? 30);
    this.minDelayMs = options.reconnect?.minDelayMs ?? 500;
    this.maxDelayMs = Math.max(this.minDelayMs, options.reconnect?.maxDelayMs ?? 10_000);
    if (!(this.minDelayMs > 0)) throw new RangeError(`reconnect minDelayMs must be > 0, got ${this.minDelayMs}`);
    this.emptyTimeoutMs = options.emptyTimeoutMs ?? 2000;
    this.readTimeoutMs = options.readTimeoutMs ?? 5000;
    this.isFile = options.target.kind === 'file';
    this.loop = options.loop ?? true;
    this.log = options.logger ?? consoleCameraLogger;
    this.description = options.description ?? `OpenCV ${describeOpenCvTarget(options.target)}`;
    if (options.open) {
      this.opener = options.open;
    } else {
      // fail at start, not at the first subscription, when OpenCV is not there
      loadOpenCv(options.purpose ?? 'OpenCV camera');
      // opening and reading run on the camera thread, never on the event loop
      this.opener = () => openOpenCvCaptureInThread(options.target, { maxWidth: options.maxWidth });
    }
  }

  status(): Observable<CameraStatus> {
    return this.status$.asObservable();
  }

  frames(): Observable<Frame> {
    return new Observable<Frame>((subscriber) => {
      const abort = new AbortController();
      this.run(subscriber, abort.signal).catch((err: unknown) => {
        if (!abort.signal.aborted) subscriber.error(err);
      });
      return () => {
        abort.abort();
        if (this.status$.value.state !== 'stopped') this.status$.next({ state: 'stopped' });
      };
    });
  }

  /** Status changes of a run; none once its subscriber has left (teardown said 'stopped'). */
  private setStatus(status: CameraStatus, signal: AbortSignal): void {
    if (!signal.aborted) this.status$.next(status);
  }

  private async run(subscriber: Subscriber<Frame>, signal: AbortSignal): Promise<void> {
    this.setStatus({ state: 'starting' }, signal);
    let attempt = 0;
    let lossReason: string | undefined;
    while (!signal.aborted) {
      if (lossReason !== undefined) {
        const delay = backoffDelay(attempt++, this.minDelayMs, this.maxDelayMs);
        this.setStatus({ state: 'reconnecting', detail: lossReason, retryInMs: delay }, signal);
        await sleep(delay, signal);
        if (signal.aborted) break;
      }
      let device: CaptureDevice;
      try {
        device = await this.opener();
      } catch (err) {
        if (err instanceof CameraFatalError) {
          this.setStatus({ state: 'stopped', detail: message(err) }, signal);
          if (!signal.aborted) subscriber.error(err);
          return;
        }
        const reason = `cannot open: ${message(err)}`;
        if (lossReason === undefined) this.lost(reason, signal);
        lossReason = reason;
        continue;
      }
      if (signal.aborted) {
        device.release();
        break;
      }
      const end = await this.stream(device, subscriber, signal, () => {
        if (lossReason !== undefined) this.log.info(`${this.description}: streaming again`);
        attempt = 0;
      });
      if (end.kind === 'lost') {
        this.lost(end.reason, signal);
        lossReason = end.reason;
      } else {
        this.setStatus({ state: 'stopped' }, signal);
        if (end.kind === 'ended' && !signal.aborted) subscriber.complete();
        return;
      }
    }
    this.setStatus({ state: 'stopped' }, signal);
  }

  private lost(reason: string, signal: AbortSignal): void {
    this.log.warn(`${this.description}: lost (${reason})`);
    this.setStatus({ state: 'lost', detail: reason }, signal);
  }

  /**
   * Reads until the device is lost, the file ends (no loop) or the subscriber leaves. The
   * device is released here, and only once no read is pending (a hung read is abandoned and
   * the device released when it finally settles).
   */
  private async stream(
    device: CaptureDevice,
    subscriber: Subscriber<Frame>,
    signal: AbortSignal,
    onFirstFrame: () => void,
  ): Promise<{ kind: 'lost'; reason: string } | { kind: 'ended' } | { kind: 'aborted' }> {
    const period = 1000 / this.fps;
    let nextDue = performance.now();
    let emptySince: number | undefined;
    let rewoundWithoutFrame = false;
    let streaming = false;
    let pending: Promise<unknown> | undefined;
    const finish = <T>(result: T): T => {
      if (pending) void pending.then(() => device.release(), () => device.release());
      else device.release();
      return result;
    };
    while (!signal.aborted) {
      let outcome: ReadOutcome | 'timeout';
      const read = device.read().then((img): ReadOutcome => (img ? { kind: 'frame', frame: img } : { kind: 'empty' }));
      pending = read;
      try {
        outcome = await withTimeout(read, this.readTimeoutMs, signal);
      } catch (err) {
        pending = undefined;
        return finish({ kind: 'lost', reason: `read error: ${message(err)}` });
      }
      if (outcome === 'timeout') {
        if (signal.aborted) break;
        return finish({ kind: 'lost', reason: `no frame within ${this.readTimeoutMs} ms` });
      }
      pending = undefined;
      if (signal.aborted) break;
      const now = performance.now();
      if (outcome.kind === 'empty') {
        if (this.isFile) {
          if (!this.loop) return finish({ kind: 'ended' });
          if (!rewoundWithoutFrame && (await device.rewind())) {
            rewoundWithoutFrame = true;
            continue;
          }
          return finish({ kind: 'lost', reason: 'video file gives no frames after rewinding' });
        }
        emptySince ??= now;
        if (now - emptySince >= this.emptyTimeoutMs) {
          return finish({ kind: 'lost', reason: `only empty frames for ${Math.round(now - emptySince)} ms` });
        }
        await sleep(Math.min(period, 50), signal);
        continue;
      }
      emptySince = undefined;
      rewoundWithoutFrame = false;
      if (this.isFile) {
        // a file reads as fast as it decodes: pace it
        if (nextDue > now) await sleep(nextDue - now, signal);
        if (signal.aborted) break;
      } else if (now < nextDue - period / 4) {
        continue; // camera faster than the configured fps: thin it
      }
      const t = performance.now();
      nextDue = Math.max(nextDue + period, t + period / 2);
      if (!streaming) {
        streaming = true;
        onFirstFrame();
        this.setStatus({ state: 'streaming' }, signal);
      }
      subscriber.next({ seq: this.seq++, ts: Date.now(), image: outcome.frame });
    }
    return finish({ kind: 'aborted' });
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, signal: AbortSignal): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    onAbort = () => resolve('timeout');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** OpenCV and FFmpeg errors may echo the stream URL: masked before they reach a status or a log. */
function message(err: unknown): string {
  return maskCredentials(err instanceof Error ? err.message : String(err));
}
