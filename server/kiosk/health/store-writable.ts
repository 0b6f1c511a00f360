/** Can the capture store take another capture: a file can be written there, and there is room. */
import { randomBytes } from 'node:crypto';
import { rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type StoreCheck = { ok: true; freeBytes: number } | { ok: false; reason: string; freeBytes?: number };

export async function checkStoreWritable(dir: string, minFreeBytes: number): Promise<StoreCheck> {
  const probe = path.join(dir, `.health-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, 'ok', { mode: 0o600 });
  } catch (err) {
    return { ok: false, reason: `capture store ${dir} is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  let freeBytes: number;
  try {
    const s = await statfs(dir);
    freeBytes = s.bavail * s.bsize;
  } catch (err) {
    return { ok: false, reason: `capture store ${dir}: cannot read free space: ${(err as Error).message}` };
  }
  if (freeBytes < minFreeBytes) {
    return { ok: false, freeBytes, reason: `capture store ${dir} has ${mb(freeBytes)} MB free, below the minimum ${mb(minFreeBytes)} MB` };
  }
  return { ok: true, freeBytes };
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(0);
