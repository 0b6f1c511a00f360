/**
 * Deterministic frames for tests: a given list of images, cycled, or a generated moving
 * pattern (a diagonal gradient with a bright square that moves one step per frame). Frame n
 * always has the same pixels for the same options.
 */
import { BehaviorSubject, Observable, take } from 'rxjs';
import type { RgbImage } from '../../detect/face-detector.js';
import type { CameraSource, CameraStatus, Frame } from './frame.js';
import { checkFps, frameClock } from './frame-clock.js';

export interface SyntheticSourceOptions {
  /** Images to cycle through; when absent, the moving pattern is generated. */
  images?: RgbImage[];
  /** Pattern size (default 320 x 240). */
  width?: number;
  height?: number;
  /** Frames per second (default 30). */
  fps?: number;
  /** Complete after this many frames (default: never). */
  count?: number;
}

/** Frame `n` of the generated pattern. */
export function patternFrame(n: number, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const side = Math.max(4, Math.floor(Math.min(width, height) / 6));
  const sx = (n * 7) % Math.max(1, width - side);
  const sy = (n * 5) % Math.max(1, height - side);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inSquare = x >= sx && x < sx + side && y >= sy && y < sy + side;
      data[i] = inSquare ? 250 : (x * 255) / width;
      data[i + 1] = inSquare ? 250 : (y * 255) / height;
      data[i + 2] = inSquare ? 250 : (n * 3) % 256;
    }
  }
  return { width, height, data };
}

export class SyntheticSource implements CameraSource {
  readonly description: string;
  private readonly fps: number;
  private readonly status$ = new BehaviorSubject<CameraStatus>({ state: 'stopped' });

  constructor(private readonly options: SyntheticSourceOptions = {}) {
    this.fps = checkFps(options.fps ?? 30);
    if (options.images && options.images.length === 0) throw new Error('synthetic source: empty image list');
    for (const img of options.images ?? []) {
      if (img.data.length !== img.width * img.height * 3) {
        throw new Error(`synthetic source: image ${img.width}x${img.height} has ${img.data.length} bytes, not RGB`);
      }
    }
    const count = options.count;
    if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
      throw new RangeError(`count must be a whole number >= 0, got ${count}`);
    }
    this.description = options.images
      ? `synthetic: ${options.images.length} image(s) at ${this.fps} fps`
      : `synthetic pattern at ${this.fps} fps`;
  }

  /** The image of frame `n` (a fresh copy). */
  frameImage(n: number): RgbImage {
    const imgs = this.options.images;
    if (imgs) {
      const img = imgs[n % imgs.length];
      return { width: img.width, height: img.height, data: new Uint8Array(img.data) };
    }
    return patternFrame(n, this.options.width ?? 320, this.options.height ?? 240);
  }

  status(): Observable<CameraStatus> {
    return this.status$.asObservable();
  }

  frames(): Observable<Frame> {
    return new Observable<Frame>((subscriber) => {
      this.status$.next({ state: 'streaming' });
      const ticks = this.options.count === undefined ? frameClock(this.fps) : frameClock(this.fps).pipe(take(this.options.count));
      const sub = ticks.subscribe({
        next: (n) => subscriber.next({ seq: n, ts: Date.now(), image: this.frameImage(n) }),
        complete: () => subscriber.complete(),
      });
      return () => {
        sub.unsubscribe();
        this.status$.next({ state: 'stopped' });
      };
    });
  }
}
