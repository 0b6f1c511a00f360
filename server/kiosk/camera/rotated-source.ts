/**
 * A camera mounted turned (a portrait booth often turns a landscape camera on its side, for more
 * pixels along the face): its frames turned upright before anything reads them (`camera.rotate`).
 */
import { map } from 'rxjs';
import { rotateRgb, type QuarterTurn } from '../../image/rotate-rgb.js';
import type { CameraSource } from './frame.js';

export function rotatedSource(source: CameraSource, degrees: QuarterTurn): CameraSource {
  if (degrees === 0) return source;
  return {
    description: `${source.description}, turned ${degrees}° clockwise`,
    frames: () => source.frames().pipe(map((f) => ({ ...f, image: rotateRgb(f.image, degrees) }))),
    status: () => source.status(),
  };
}
