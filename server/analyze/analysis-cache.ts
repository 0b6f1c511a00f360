/**
 * `plq analyze`'s per-image cache (`<out>/cache/<key>.json`): what a rerun, or a run resumed
 * after a fault, does not recompute. The entries hold embeddings and aligned face crops
 * (biometric data), so the folder is owner-only and entries expire: older than `maxAgeMs` (by
 * when they were computed) they are deleted when a run opens the cache. `maxAgeMs` 0 keeps
 * them only until the run that made them has finished (`clearIfSessionOnly`).
 */
import { chmod, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeResult, encodeResult, type ImageResult } from './face-record.js';

export class AnalysisCache {
  private constructor(
    readonly dir: string,
    readonly maxAgeMs: number,
    /** Entries deleted at open for being too old, and half-written leftovers. */
    readonly expired: number,
  ) {}

  static async open(dir: string, maxAgeMs: number, now = Date.now()): Promise<AnalysisCache> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    let expired = 0;
    for (const name of await readdir(dir)) {
      const file = path.join(dir, name);
      if (name.endsWith('.tmp')) {
        await rm(file, { force: true });
        expired++;
      } else if (name.endsWith('.json') && maxAgeMs > 0 && now - (await stat(file)).mtimeMs > maxAgeMs) {
        await rm(file, { force: true });
        expired++;
      }
    }
    return new AnalysisCache(dir, maxAgeMs, expired);
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** The cached result, or undefined when there is none (or it is unreadable). */
  async get(key: string): Promise<ImageResult | undefined> {
    try {
      return decodeResult(await readFile(this.file(key), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** Written atomically (temp file + rename), so an interrupted run leaves only whole entries. */
  async put(result: ImageResult): Promise<void> {
    const tmp = `${this.file(result.key)}.tmp`;
    await writeFile(tmp, encodeResult(result), { mode: 0o600 });
    await rename(tmp, this.file(result.key));
  }

  /** With maxAgeMs 0 the entries live only for the run: deleted once it has succeeded. */
  async clearIfSessionOnly(): Promise<boolean> {
    if (this.maxAgeMs > 0) return false;
    await rm(this.dir, { recursive: true, force: true });
    return true;
  }
}
