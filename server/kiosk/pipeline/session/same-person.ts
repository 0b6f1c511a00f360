/**
 * Is the face in front of the kiosk still the person the session is for? A session (its waivers,
 * guidance history, escalation, capture countdown) belongs to one person. Nobody in view for the
 * leave time ends it; this catches the person who is replaced faster than that: the next one in a
 * queue stepping in as the first steps aside, with no gap or a short one.
 *
 * While the subject's track is unbroken (a face on every tracked frame, each box overlapping the
 * one before), the person is taken to be the same: people at the kiosk take off glasses, masks
 * and caps because it asks them to, and a small FR network's embedding moves a lot when they do.
 * When the track breaks (a frame without a subject, or a box that jumped), the next PLQ result's
 * FR embedding is compared with the session's recent ones: below `minSimilarity` it is another
 * person, and the session starts again for them.
 */

/** A face box in frame pixels: x, y, width, height. */
export type FaceBox = readonly [number, number, number, number];

export interface SamePersonOptions {
  /**
   * Cosine similarity of unit-length FR embeddings at or above which a face seen after a break
   * in the track is the session's person (the best over the session's recent embeddings).
   */
  minSimilarity: number;
  /** The subject's box overlapping the previous frame's by less than this (intersection over union) breaks the track. */
  minBoxOverlap: number;
  /** How many of the person's latest embeddings the session keeps to compare with. */
  templates: number;
}

/**
 * `minSimilarity` per FR model, chosen on the calibrate fold by `plq evaluate same-person --fold
 * calibrate`: the lowest similarity that at most 1 % of pairs of different people reach (README,
 * "Another person steps in"). A model without an entry has no check unless the config sets one.
 */
export const SAME_PERSON_MIN_SIMILARITY: Readonly<Record<string, number>> = {
  mobileface: 0.28,
};

export const SAME_PERSON_TEMPLATES = 8;

/** The threshold in force: the configured one, else the one measured for FR model `model` (undefined: none). */
export function samePersonThreshold(model: string, configured: number | null): number | undefined {
  return configured ?? SAME_PERSON_MIN_SIMILARITY[model];
}

/** Cosine similarity of two unit-length embeddings (their dot product). */
export function similarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`embeddings of different lengths (${a.length}, ${b.length})`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The highest similarity of `embedding` to any of `templates` (-Infinity when there are none). */
export function bestSimilarity(templates: readonly ArrayLike<number>[], embedding: ArrayLike<number>): number {
  let best = -Infinity;
  for (const t of templates) best = Math.max(best, similarity(t, embedding));
  return best;
}

/** Intersection over union of two boxes. */
export function boxOverlap(a: FaceBox, b: FaceBox): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/** The track broke between the previous tracked frame's subject box (undefined: it had none) and this one. */
export function trackBroken(previous: FaceBox | undefined, box: FaceBox, minBoxOverlap: number): boolean {
  return previous === undefined || boxOverlap(previous, box) < minBoxOverlap;
}
