/**
 * The closed-eye probe's eye descriptor (eye-gradients.ts): oriented-gradient histograms of a
 * window around each eye of the fine aligned crop.
 */
import { describe, expect, it } from 'vitest';
import { EYE_GRADIENT_SIZE, EYE_GRID, eyeGradients } from '../server/kiosk/pipeline/eye-gradients.js';
import { greyArrayAt } from '../server/kiosk/pipeline/region-appearance.js';
import type { Point } from '../server/align/similarity.js';

const W = 336;
const EYES: [Point, Point] = [[115, 155], [221, 155]];

/** Skin (150) with, at each eye, a lash line (closed) or a dark iris between white corners (open), shifted by `dx`. */
function face(eye: 'open' | 'closed', dx = 0): Float32Array {
  const g = new Float32Array(W * W).fill(150);
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) {
      for (const [ex0, ey] of EYES) {
        const ex = ex0 + dx;
        if (eye === 'closed') {
          if (Math.abs(y - ey) <= 1 && Math.abs(x - ex) <= 16) g[y * W + x] = 40;
        } else if (Math.hypot((x - ex) / 18, (y - ey) / 8) < 1) {
          g[y * W + x] = Math.hypot(x - ex, y - ey) < 7 ? 30 : 220;
        }
      }
    }
  }
  return g;
}

/** The share of a histogram's squared length in orientation bin `bin` over all cells. */
const binShare = (h: number[], bin: number): number => h.reduce((s, v, k) => s + (k % EYE_GRID.bins === bin ? v * v : 0), 0);

describe('eye gradients', () => {
  it('one unit-length histogram per eye; a lash line is all vertical gradient (the horizontal-edge bin), an open eye\'s iris and white add the other orientations', () => {
    expect(EYE_GRADIENT_SIZE).toBe(240);
    const closed = eyeGradients(greyArrayAt(face('closed'), W, W), EYES);
    const open = eyeGradients(greyArrayAt(face('open'), W, W), EYES);
    const vertical = Math.floor(EYE_GRID.bins / 2); // gradient angle pi/2
    for (const h of [closed.left, closed.right, open.left, open.right]) {
      expect(h).toHaveLength(EYE_GRADIENT_SIZE);
      expect(Math.hypot(...h)).toBeCloseTo(1, 6);
    }
    expect(binShare(closed.right, vertical)).toBeGreaterThan(0.9);
    expect(binShare(open.right, vertical)).toBeLessThan(0.5);
    // the iris's and the white's sides: horizontal gradient (bin 0), which a lash line hardly has
    expect(binShare(open.left, 0)).toBeGreaterThan(0.1);
    expect(binShare(closed.left, 0)).toBeLessThan(0.05);
  });

  it('follow the eye centres: the same eyes elsewhere in the crop give the same histograms; the person\'s right eye is the image\'s left', () => {
    const here = eyeGradients(greyArrayAt(face('open'), W, W), EYES);
    const moved = eyeGradients(greyArrayAt(face('open', 12), W, W), EYES.map(([x, y]) => [x + 12, y] as Point) as [Point, Point]);
    expect(moved.right).toEqual(here.right);
    expect(moved.left).toEqual(here.left);
    // close only the image-left eye: the person's right histogram changes, the left does not
    const g = face('open');
    const shut = face('closed');
    for (let y = 0; y < W; y++) for (let x = 0; x < W / 2; x++) g[y * W + x] = shut[y * W + x];
    const half = eyeGradients(greyArrayAt(g, W, W), EYES);
    expect(half.left).toEqual(here.left);
    expect(half.right).not.toEqual(here.right);
  });
});
