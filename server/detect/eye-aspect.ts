import type { Point } from '../align/similarity.js';

const dist = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/**
 * Eye aspect ratio of one eye in `points`: the mean gap of the `lids` pairs (upper, lower) over the
 * eye's width between its `outer` and `inner` corners; 0 for an eye of no width.
 */
export function eyeAspect(points: readonly Point[], outer: number, inner: number, lids: ReadonlyArray<readonly [number, number]>): number {
  const w = dist(points[outer], points[inner]);
  if (w === 0) return 0;
  return lids.reduce((s, [u, l]) => s + dist(points[u], points[l]), 0) / (lids.length * w);
}
