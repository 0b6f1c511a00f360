/** Histograms of map values (the H vs L activation distributions). */

export interface Histogram {
  /** Bin edges, bins + 1 values. */
  edges: number[];
  /** Share of values per bin (sums to 1; a density when divided by the bin width). */
  shares: number[];
}

export function histogram(values: Iterable<number>, bins: number, lo: number, hi: number): Histogram {
  if (!(hi > lo) || bins < 1) throw new Error('histogram needs hi > lo and at least one bin');
  const counts = new Array<number>(bins).fill(0);
  let n = 0;
  for (const v of values) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
    counts[b]++;
    n++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  return { edges, shares: counts.map((c) => (n ? c / n : 0)) };
}
