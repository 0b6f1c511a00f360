/**
 * Per-face scores from a model that need not run on every video frame: it runs on every Nth call,
 * or when its last run is older than `maxAgeMs`; in between the faces get the last scores by index
 * while the number of faces stays the same. When it changes, the faces have none until the next
 * call, which runs the model.
 */
export class ThrottledFaceScores<T extends object> {
  private calls = 0;
  private at = -Infinity;
  private cache: T[] = [];

  constructor(
    private readonly every: number,
    private readonly maxAgeMs: number,
  ) {}

  /** Whether the model runs on this call. */
  due(now: number): boolean {
    return this.cache.length === 0 || this.calls % Math.max(1, this.every) === 0 || now - this.at >= this.maxAgeMs;
  }

  /** The scores of a call on which the model ran. */
  store(scores: T[], now: number): T[] {
    this.cache = scores;
    this.at = now;
    this.calls = 1;
    return scores;
  }

  /** The scores for the faces of a call on which it did not run. */
  reuse(faces: number): Array<T | undefined> {
    this.calls++;
    if (faces !== this.cache.length) this.cache = [];
    return Array.from({ length: faces }, (_, i) => this.cache[i]);
  }
}
