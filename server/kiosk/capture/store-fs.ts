/**
 * The filesystem operations the capture store writes through: one seam, so tests can inject
 * failures (ENOSPC, EIO) without a full disk, and the durability steps are in one place.
 */
import { mkdir, open, rename, rm, statfs } from 'node:fs/promises';

export interface StoreFs {
  mkdir(dir: string, mode: number): Promise<void>;
  /** Creates `file` (fails if it exists), writes `data` and fsyncs the file before closing it. */
  writeFileDurable(file: string, data: Buffer | string, mode: number): Promise<void>;
  /** fsyncs a directory, so the entries created or renamed in it survive a power cut. */
  syncDir(dir: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or folder tree; no error when it does not exist. */
  remove(target: string): Promise<void>;
  /** Bytes an unprivileged process may still write on the filesystem holding `dir`. */
  freeBytes(dir: string): Promise<number>;
}

export const nodeStoreFs: StoreFs = {
  async mkdir(dir, mode) {
    await mkdir(dir, { mode });
  },
  async writeFileDurable(file, data, mode) {
    const fh = await open(file, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  async syncDir(dir) {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  rename,
  async remove(target) {
    await rm(target, { recursive: true, force: true });
  },
  async freeBytes(dir) {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  },
};

/** `ENOSPC: no space left on device` -> `ENOSPC`; other errors by their message. Never file contents. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string') return e.code;
  return e instanceof Error ? e.message : String(err);
}
