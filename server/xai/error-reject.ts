/**
 * Error-versus-reject curves (Grother & Tabassi): FNMR at a fixed FMR against the fraction of
 * lowest-quality images rejected. The decision threshold is set once, on all impostor pairs of
 * the full set, at the target FMR; rejecting an image removes every pair it is part of.
 */
import { cosineSimilarity } from './cosine.js';

export interface ErcPoint {
  /** Fraction of images rejected (lowest quality first). */
  rejected: number;
  /** False non-match rate over the remaining genuine pairs (NaN when none remain). */
  fnmr: number;
  genuinePairs: number;
}

export interface ErcInput {
  /** L2-normalised embeddings, one per image. */
  embeddings: readonly Float32Array[];
  /** Identity label per image. */
  identities: readonly string[];
}

export interface ErcResult {
  threshold: number;
  fmr: number;
  impostorPairs: number;
  points: ErcPoint[];
}

/**
 * Threshold t such that the share of impostor scores >= t is at most `fmr` (the smallest such
 * observed score boundary; with few impostors this is above the highest impostor score).
 */
export function thresholdAtFmr(impostor: readonly number[], fmr: number): number {
  if (impostor.length === 0) throw new Error('no impostor pairs: need at least two identities');
  const sorted = [...impostor].sort((a, b) => b - a);
  const allowed = Math.floor(fmr * sorted.length);
  // Scores strictly above the (allowed)-th highest impostor are accepted matches.
  return allowed >= sorted.length ? -Infinity : sorted[allowed] + 1e-9;
}

/** ERC of one quality method; `fractions` in [0, 1). */
export function errorVersusReject(
  input: ErcInput,
  qualities: readonly number[],
  fmr = 0.001,
  fractions: readonly number[] = Array.from({ length: 10 }, (_, i) => i * 0.05),
): ErcResult {
  const n = input.embeddings.length;
  if (input.identities.length !== n || qualities.length !== n) throw new Error('embeddings, identities and qualities differ in length');
  const genuine: [number, number, number][] = [];
  const impostor: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = cosineSimilarity(input.embeddings[i], input.embeddings[j]);
      if (input.identities[i] === input.identities[j]) genuine.push([i, j, s]);
      else impostor.push(s);
    }
  }
  if (genuine.length === 0) throw new Error('no genuine pairs: every identity has a single image');
  const threshold = thresholdAtFmr(impostor, fmr);
  const rank = qualities.map((_, i) => i).sort((a, b) => qualities[a] - qualities[b] || a - b);
  const points = fractions.map((rejected) => {
    const dropped = new Set(rank.slice(0, Math.floor(rejected * n)));
    const kept = genuine.filter(([i, j]) => !dropped.has(i) && !dropped.has(j));
    const misses = kept.filter(([, , s]) => s < threshold).length;
    return { rejected, fnmr: kept.length ? misses / kept.length : Number.NaN, genuinePairs: kept.length };
  });
  return { threshold, fmr, impostorPairs: impostor.length, points };
}
