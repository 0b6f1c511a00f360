/**
 * The stored MAM_H file (`plq analyze` writes `<method>.mam-h.json` into its output folder): the
 * mean activation map of a set's highest-quality faces for one model and quality method, so
 * that AD-MAM_H = |a(I) - MAM_H| can be shown live for new faces.
 *
 * Format `plq-mam/1`: JSON with model, method, fraction, count (faces averaged), width, height
 * and data (float32 little-endian, row-major, base64).
 */
import { readFile } from 'node:fs/promises';
import type { Map2D } from './map-stats.js';

export interface StoredMam {
  format: 'plq-mam/1';
  model: string;
  method: string;
  fraction: number;
  count: number;
  map: Map2D;
}

interface MamJson {
  format: string;
  model: string;
  method: string;
  fraction: number;
  count: number;
  width: number;
  height: number;
  data: string;
}

export function serialiseMam(m: StoredMam): string {
  const bytes = Buffer.alloc(m.map.data.length * 4);
  m.map.data.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  const json: MamJson = {
    format: m.format, model: m.model, method: m.method, fraction: m.fraction, count: m.count,
    width: m.map.width, height: m.map.height, data: bytes.toString('base64'),
  };
  return JSON.stringify(json) + '\n';
}

export function parseMam(text: string, file = 'MAM file'): StoredMam {
  let j: Partial<MamJson>;
  try {
    j = JSON.parse(text) as Partial<MamJson>;
  } catch {
    throw new Error(`${file}: not JSON`);
  }
  if (j.format !== 'plq-mam/1') throw new Error(`${file}: not a plq-mam/1 file`);
  const { width, height } = j;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width! <= 0 || height! <= 0) throw new Error(`${file}: bad width/height`);
  const bytes = Buffer.from(j.data ?? '', 'base64');
  if (bytes.length !== width! * height! * 4) throw new Error(`${file}: data holds ${bytes.length} bytes, expected ${width! * height! * 4}`);
  const data = new Float32Array(width! * height!);
  for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(i * 4);
  return {
    format: 'plq-mam/1', model: String(j.model), method: String(j.method), fraction: Number(j.fraction), count: Number(j.count),
    map: { width: width!, height: height!, data },
  };
}

/** Loads a stored MAM_H (for the kiosk's live AD-MAM_H overlay). */
export async function loadMam(file: string): Promise<StoredMam> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read MAM file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseMam(text, file);
}
