/** A booth frame seen in a mirror, and its labels: the person's left becomes their right. */
import type { RgbImage } from '../detect/face-detector.js';
import type { LabelToken } from '../faceset/guidance-labels.js';

export function mirrorImage(image: RgbImage): RgbImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const from = row + x * 3, to = row + (width - 1 - x) * 3;
      out[to] = data[from];
      out[to + 1] = data[from + 1];
      out[to + 2] = data[from + 2];
    }
  }
  return { width, height, data: out };
}

export function mirrorSide<T extends LabelToken>(id: T): T {
  if (id.includes('-left-')) return id.replace('-left-', '-right-') as T;
  if (id.includes('-right-')) return id.replace('-right-', '-left-') as T;
  return id;
}
