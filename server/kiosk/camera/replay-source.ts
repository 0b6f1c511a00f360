/**
 * The replay camera, the kiosk's demo on a box with no camera: a folder of images (or one
 * image), or a video file (through OpenCV), looped forever at a set fps.
 *
 * A folder is decoded once, ahead of playing, and cached; frames are then emitted by a
 * drift-free timer, each with its own copy of the pixels (safe to mutate or transfer to a
 * worker). A video is streamed through OpenCV (never all decoded into memory), rewound at
 * its end.
 */
import { statSync } from 'node:fs';
import { BehaviorSubject, Observable } from 'rxjs';
import type { CaptureOpener } from './capture-device.js';
import { consoleCameraLogger, type CameraLogger } from './camera-logger.js';
import type { CameraSource, CameraStatus, Frame } from './frame.js';
import { checkFps, frameClock } from './frame-clock.js';
import { decodeImageFolder, isImageFile, type DecodedFolder } from './image-folder.js';
import { OpenCvSource } from './opencv-source.js';

export const DEFAULT_REPLAY_FPS = 30;
export const DEFAULT_REPLAY_MAX_WIDTH = 640;
/** The grey level of a replay's empty scene between two images (`gapFrames`). */
export const EMPTY_SCENE_GREY = 40;

export interface ReplaySourceOptions {
  /** Frames per second (default 30). */
  fps?: number;
  /** Images and video frames wider than this are downscaled, never upscaled (default 640). */
  maxWidth?: number;
  logger?: CameraLogger;
  /** Images only: each image is shown for this many frames before the next (default 1). */
  holdFrames?: number;
  /**
   * Images only: between two images, this many frames of an empty scene (a uniform dark frame of
   * the image's size), as when one person leaves the camera and the next steps in (default 0; no
   * gap in a replay of one image).
   */
  gapFrames?: number;
  /** Video only: opens the capture (tests); default OpenCV. */
  openVideo?: CaptureOpener;
}

/** Creates the replay source for a folder, an image file or a video file. */
export function createReplaySource(path: string, options: ReplaySourceOptions = {}): CameraSource {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new Error(`replay path not found: ${path}`);
  }
  if (isDir || isImageFile(path)) return new ImageReplaySource(path, options);
  return new OpenCvSource({
    target: { kind: 'file', path },
    fps: options.fps ?? DEFAULT_REPLAY_FPS,
    maxWidth: options.maxWidth ?? DEFAULT_REPLAY_MAX_WIDTH,
    loop: true,
    open: options.openVideo,
    purpose: 'Video replay (OpenCV)',
    description: `replay of video ${path}`,
    logger: options.logger,
  });
}

/** Images of a folder (or one image), decoded once and looped at a set fps. */
export class ImageReplaySource implements CameraSource {
  readonly description: string;
  private readonly fps: number;
  private readonly maxWidth: number;
  private readonly holdFrames: number;
  private readonly gapFrames: number;
  private readonly log: CameraLogger;
  private readonly status$ = new BehaviorSubject<CameraStatus>({ state: 'stopped' });
  private decoded: Promise<DecodedFolder> | undefined;
  private seq = 0;

  constructor(
    private readonly path: string,
    options: ReplaySourceOptions = {},
  ) {
    this.fps = checkFps(options.fps ?? DEFAULT_REPLAY_FPS);
    this.maxWidth = options.maxWidth ?? DEFAULT_REPLAY_MAX_WIDTH;
    if (!Number.isInteger(this.maxWidth) || this.maxWidth < 1) {
      throw new RangeError(`maxWidth must be a positive whole number, got ${this.maxWidth}`);
    }
    this.holdFrames = Math.max(1, Math.round(options.holdFrames ?? 1));
    this.gapFrames = Math.max(0, Math.round(options.gapFrames ?? 0));
    this.log = options.logger ?? consoleCameraLogger;
    this.description = `replay of ${path} at ${this.fps} fps`;
  }

  /** The decoded images (decoding them on first call), and the files skipped with reasons. */
  load(): Promise<DecodedFolder> {
    this.decoded ??= decodeImageFolder(this.path, this.maxWidth, (s) =>
      this.log.warn(`replay: skipped ${s.file}: ${s.reason}`),
    ).then((d) => {
      if (d.images.length === 0) throw new Error(`replay: no decodable images in ${this.path}`);
      this.log.info(`replay: ${d.images.length} image(s) from ${this.path}, ${d.skipped.length} skipped`);
      return d;
    });
    return this.decoded;
  }

  status(): Observable<CameraStatus> {
    return this.status$.asObservable();
  }

  frames(): Observable<Frame> {
    return new Observable<Frame>((subscriber) => {
      this.status$.next({ state: 'starting' });
      let stopped = false;
      let tick: { unsubscribe(): void } | undefined;
      this.load().then(
        ({ images }) => {
          if (stopped) return;
          this.status$.next({ state: 'streaming' });
          const gap = images.length > 1 ? this.gapFrames : 0;
          const period = this.holdFrames + gap;
          tick = frameClock(this.fps).subscribe((n) => {
            const { image } = images[Math.floor(n / period) % images.length];
            const data = n % period < this.holdFrames ? new Uint8Array(image.data) : new Uint8Array(image.data.length).fill(EMPTY_SCENE_GREY);
            subscriber.next({ seq: this.seq++, ts: Date.now(), image: { width: image.width, height: image.height, data } });
          });
        },
        (err: unknown) => {
          this.decoded = undefined; // a later subscription tries again
          this.status$.next({ state: 'stopped', detail: err instanceof Error ? err.message : String(err) });
          if (!stopped) subscriber.error(err);
        },
      );
      return () => {
        stopped = true;
        tick?.unsubscribe();
        this.status$.next({ state: 'stopped' });
      };
    });
  }
}
