/** The H (highest) and L (lowest) quality subsets of a set, and how they overlap between methods. */

export interface HighLow {
  /** Indices of the highest-quality items, best first. */
  high: number[];
  /** Indices of the lowest-quality items, worst first. */
  low: number[];
}

/**
 * The `fraction` highest and lowest scored items (at least one each; ties broken by index so
 * the split is deterministic). Scores that are not finite are refused.
 */
export function splitHighLow(scores: readonly number[], fraction: number): HighLow {
  if (!(fraction > 0 && fraction <= 0.5)) throw new Error(`fraction must be in (0, 0.5], got ${fraction}`);
  if (scores.length < 2) throw new Error(`need at least 2 scored items, got ${scores.length}`);
  scores.forEach((s, i) => {
    if (!Number.isFinite(s)) throw new Error(`score ${i} is not a finite number`);
  });
  const k = Math.max(1, Math.round(scores.length * fraction));
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
  return { low: order.slice(0, k), high: order.slice(-k).reverse() };
}

/** |A ∩ B| / |A| for two sets of the same size (the share of A that B also selects). */
export function overlapRatio(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0) return 0;
  const set = new Set(b);
  return a.filter((x) => set.has(x)).length / a.length;
}
