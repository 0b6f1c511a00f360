/**
 * How well the kiosk tells another person from the session's own (session/same-person.ts), on the
 * FR embeddings of booth frames: pairs of different people (the next person in a queue: the
 * session must end) and pairs of one person before and after taking off what the kiosk asked for
 * (the session must go on), at a given `minSimilarity`.
 */
import { similarity } from '../kiosk/pipeline/session/same-person.js';
import type { Ratio } from './guidance-evaluation.js';
import { thresholdAtFmr } from '../xai/error-reject.js';

export interface PersonSample {
  /** `<file>#<face>`, with `/<kind>` for a drawn occluder. */
  id: string;
  /** The person's group in the split (one person, or the people of one photo). */
  group: string;
  /** `<file>#<face>` of the real face this sample was drawn on (itself for a real face). */
  face: string;
  /** The photo's one identity (manifest), when it names exactly one. */
  identity?: string;
  /** `real`, or the drawn occluder's kind. */
  kind: string;
  /** Clean frontal (labels). */
  clean: boolean;
  /** Unit-length FR embedding of the subject of the booth frame. */
  embedding: Float32Array;
}

export interface SamePersonEvaluation {
  minSimilarity: number;
  /** Pairs of real faces of different groups whose similarity stays below `minSimilarity`: another person, a new session. */
  anotherPersonFound: Ratio;
  /** The lowest similarity that at most 1 % of those pairs reach (what `minSimilarity` is chosen as, on calibrate). */
  similarityAtOnePercent: number;
  /** Per drawn occluder kind: the clean face and the same face with it, at or above `minSimilarity` (the session goes on). */
  samePersonKept: Record<string, Ratio>;
  /** Two photos of one identity (other days, light, age): at or above `minSimilarity`. Not a booth's case; for scale. */
  otherPhotoKept: Ratio;
  people: number;
  faces: number;
}

export function evaluateSamePerson(samples: readonly PersonSample[], minSimilarity: number): SamePersonEvaluation {
  const real = samples.filter((s) => s.kind === 'real');
  const impostor: number[] = [];
  const otherPhoto: number[] = [];
  for (let i = 0; i < real.length; i++) {
    for (let j = i + 1; j < real.length; j++) {
      const a = real[i];
      const b = real[j];
      const sim = similarity(a.embedding, b.embedding);
      if (a.group !== b.group) impostor.push(sim);
      // two photos that each name one person, the same
      else if (a.identity !== undefined && a.identity === b.identity && a.face.split('#')[0] !== b.face.split('#')[0]) otherPhoto.push(sim);
    }
  }
  const byFace = new Map(real.map((s) => [s.face, s]));
  const kept: Record<string, Ratio> = {};
  for (const s of samples) {
    if (s.kind === 'real') continue;
    const clean = byFace.get(s.face);
    if (!clean) continue;
    const r = (kept[s.kind] ??= { k: 0, n: 0 });
    r.n++;
    if (similarity(clean.embedding, s.embedding) >= minSimilarity) r.k++;
  }
  return {
    minSimilarity,
    anotherPersonFound: { k: impostor.filter((v) => v < minSimilarity).length, n: impostor.length },
    similarityAtOnePercent: impostor.length ? thresholdAtFmr(impostor, 0.01) : Number.NaN,
    samePersonKept: kept,
    otherPhotoKept: { k: otherPhoto.filter((v) => v >= minSimilarity).length, n: otherPhoto.length },
    people: new Set(real.map((s) => s.group)).size,
    faces: real.length,
  };
}

const pct = (r: Ratio): string => (r.n ? `${((100 * r.k) / r.n).toFixed(1)} % (${r.k}/${r.n})` : '- (0/0)');

export function formatSamePersonEvaluation(e: SamePersonEvaluation, header: string): string {
  const lines = [
    header,
    '',
    `| at minSimilarity ${e.minSimilarity} | share | what it means |`,
    '|---|---|---|',
    `| another person found (pairs of different people below it) | ${pct(e.anotherPersonFound)} | the rest would keep the first person's session |`,
    ...Object.entries(e.samePersonKept).map(([kind, r]) => `| same person after taking off drawn ${kind} (at or above it) | ${pct(r)} | the rest would start a new session |`),
    `| same identity, another photo (at or above it) | ${pct(e.otherPhotoKept)} | other days and light: for scale, not a booth's case |`,
    '',
    `similarity that 1 % of pairs of different people reach: ${e.similarityAtOnePercent.toFixed(3)} (${e.faces} real faces, ${e.people} people or photos)`,
  ];
  return lines.join('\n');
}
