/** A booth frame in a mirror (training cases for plq fit-detectors): pixels and labels. */
import { describe, expect, it } from 'vitest';
import { mirrorImage, mirrorSide } from '../server/evaluation/mirror.js';

describe('mirror', () => {
  it('moves each pixel to the other side of its row, and twice is the original', () => {
    const image = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i) };
    const m = mirrorImage(image);
    expect(Array.from(m.data.slice(0, 9))).toEqual([6, 7, 8, 3, 4, 5, 0, 1, 2]);
    expect(Array.from(m.data.slice(9))).toEqual([15, 16, 17, 12, 13, 14, 9, 10, 11]);
    expect(Array.from(mirrorImage(m).data)).toEqual(Array.from(image.data));
    expect(Array.from(image.data)).toEqual(Array.from({ length: 18 }, (_, i) => i));
  });

  it("swaps the person's left and right in a message, and leaves the others", () => {
    expect(mirrorSide('uncover-left-eye')).toBe('uncover-right-eye');
    expect(mirrorSide('uncover-right-cheek')).toBe('uncover-left-cheek');
    expect(mirrorSide('remove-glasses')).toBe('remove-glasses');
    expect(mirrorSide('uncover-*')).toBe('uncover-*');
  });
});
