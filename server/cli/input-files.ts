import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif', '.heic', '.bmp']);

export interface InputFile {
  path: string;
  /** Set when the path cannot be listed (missing file/folder). */
  error?: string;
}

/** Expands files and folders (recursively; images by extension) in a stable order. */
export async function expandInputs(paths: string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      out.push({ path: p, error: 'unreadable: no such file or folder' });
      continue;
    }
    if (st.isDirectory()) {
      const entries = await readdir(p, { recursive: true, withFileTypes: true });
      const files = entries
        .filter((e) => e.isFile() && IMAGE_EXT.has(path.extname(e.name).toLowerCase()))
        .map((e) => path.join(e.parentPath ?? p, e.name))
        .sort();
      out.push(...files.map((f) => ({ path: f })));
    } else out.push({ path: p });
  }
  return out;
}
