/** The AMVA figures of a set of analysed faces (DESIGN.md section 3), computed from the per-face records. */
import { absDiff, adMam, stackStats, type Map2D, type StackStats } from '../xai/map-stats.js';
import { overlapRatio, splitHighLow } from '../xai/quality-split.js';
import { histogram, type Histogram } from '../xai/histogram.js';
import { errorVersusReject, type ErcResult } from '../xai/error-reject.js';
import type { FaceRecord } from './face-record.js';
import type { QualityMethod } from './quality-methods.js';

export interface MethodAnalysis {
  name: string;
  /** Faces the method scored. */
  scored: number;
  high: number[];
  low: number[];
  statsH: StackStats;
  statsL: StackStats;
  dAmV: Map2D;
  dAmMV: Map2D;
  histH: Histogram;
  histL: Histogram;
  /** AD-MAM_H of the lowest- and the highest-quality face. */
  adMamLowest: Map2D;
  adMamHighest: Map2D;
  erc?: ErcResult;
}

export interface PairAnalysis {
  a: string;
  b: string;
  /** |AM-V_H(a) - AM-V_H(b)| etc. */
  dAmVH: Map2D;
  dAmMVH: Map2D;
  dAmVL: Map2D;
  dAmMVL: Map2D;
}

export interface SetAnalysis {
  fraction: number;
  faces: number;
  methods: MethodAnalysis[];
  pairs: PairAnalysis[];
  /** overlapH[i][j] = |H_i ∩ H_j| / |H_i|, likewise for L. */
  overlapH: number[][];
  overlapL: number[][];
  fmr: number;
  /** Faces without an identity (left out of the ERC), when identities were given. */
  unlabelled?: number;
}

const camOf = (f: FaceRecord): Map2D => ({ width: f.width, height: f.height, data: f.cam });

export function analyseSet(
  faces: readonly FaceRecord[],
  methods: readonly QualityMethod[],
  fraction: number,
  identities?: (f: FaceRecord) => string | undefined,
  fmr = 0.001,
): SetAnalysis {
  const results: MethodAnalysis[] = methods.map((m) => {
    const idx = faces.map((_, i) => i).filter((i) => Number.isFinite(m.score(faces[i])));
    if (idx.length < 2) throw new Error(`method ${m.name} scored ${idx.length} face(s); at least 2 are needed`);
    const scores = idx.map((i) => m.score(faces[i]));
    const split = splitHighLow(scores, fraction);
    const high = split.high.map((j) => idx[j]), low = split.low.map((j) => idx[j]);
    const statsH = stackStats(high.map((i) => camOf(faces[i])));
    const statsL = stackStats(low.map((i) => camOf(faces[i])));
    const values = (set: number[]) => set.flatMap((i) => Array.from(faces[i].cam));
    let erc: ErcResult | undefined;
    if (identities) {
      const labelled = idx.filter((i) => identities(faces[i]) !== undefined);
      erc = errorVersusReject(
        { embeddings: labelled.map((i) => faces[i].embedding), identities: labelled.map((i) => identities(faces[i])!) },
        labelled.map((i) => m.score(faces[i])),
        fmr,
      );
    }
    return {
      name: m.name, scored: idx.length, high, low, statsH, statsL,
      dAmV: absDiff(statsH.amV, statsL.amV), dAmMV: absDiff(statsH.amMV, statsL.amMV),
      histH: histogram(values(high), 20, 0, 1), histL: histogram(values(low), 20, 0, 1),
      adMamLowest: adMam(camOf(faces[low[0]]), statsH.mam), adMamHighest: adMam(camOf(faces[high[0]]), statsH.mam),
      erc,
    };
  });
  const pairs: PairAnalysis[] = [];
  for (let i = 0; i < results.length; i++) for (let j = i + 1; j < results.length; j++) {
    const a = results[i], b = results[j];
    pairs.push({
      a: a.name, b: b.name,
      dAmVH: absDiff(a.statsH.amV, b.statsH.amV), dAmMVH: absDiff(a.statsH.amMV, b.statsH.amMV),
      dAmVL: absDiff(a.statsL.amV, b.statsL.amV), dAmMVL: absDiff(a.statsL.amMV, b.statsL.amMV),
    });
  }
  const overlap = (pick: (r: MethodAnalysis) => number[]) => results.map((a) => results.map((b) => overlapRatio(pick(a), pick(b))));
  const unlabelled = identities ? faces.filter((f) => identities(f) === undefined).length : undefined;
  return { fraction, faces: faces.length, methods: results, pairs, overlapH: overlap((r) => r.high), overlapL: overlap((r) => r.low), fmr, unlabelled };
}
