/**
 * The quality methods `plq analyze` compares, as one score per face (higher = better):
 * serfiq (SER-FIQ Q), plq (mean PLQ), embedding-norm, brisque (minus the BRISQUE score) and
 * csv:FILE (external scores, `file,score[,face]`, higher = better).
 *
 * embedding-norm is the L2 norm of the unnormalised embedding of the FR network in use. None of
 * the packaged networks was trained with MagFace's loss, which is what ties the norm to quality
 * in MagFace; so this is *not* MagFace quality, only the raw norm of a network that was never
 * taught to make it one. It was called `magnitude` before; that name is still accepted, with a
 * warning, and mapped to embedding-norm.
 */
import path from 'node:path';
import type { FaceRecord } from './face-record.js';
import { readCsv } from './csv-table.js';

export const BUILT_IN_METHODS = ['serfiq', 'plq', 'embedding-norm', 'brisque'] as const;

/** Deprecated method names and what they now mean. */
export const DEPRECATED_METHODS: Readonly<Record<string, (typeof BUILT_IN_METHODS)[number]>> = { magnitude: 'embedding-norm' };

export interface QualityMethod {
  name: string;
  /** Score per face, NaN where the method has none (e.g. a face missing from a CSV). */
  score(face: FaceRecord): number;
}

const builtIn: Record<(typeof BUILT_IN_METHODS)[number], (f: FaceRecord) => number> = {
  serfiq: (f) => f.serFiq,
  plq: (f) => f.plqMean,
  'embedding-norm': (f) => f.embeddingNorm,
  brisque: (f) => -f.brisque,
};

async function csvMethod(csv: string): Promise<QualityMethod> {
  const rows = await readCsv(csv, ['file', 'score', 'face'], 2, 3);
  const dir = path.dirname(path.resolve(csv));
  const scores = new Map<string, number>();
  const bad: string[] = [];
  for (const { line, fields } of rows) {
    const score = Number(fields[1]);
    const face = fields[2] === undefined ? 0 : Number(fields[2]);
    if (!Number.isFinite(score) || !Number.isInteger(face) || face < 0) bad.push(`line ${line}`);
    else scores.set(`${path.resolve(dir, fields[0])}#${face}`, score);
  }
  if (bad.length) throw new Error(`${csv}: bad score or face index on ${bad.slice(0, 5).join(', ')}`);
  return { name: `csv:${path.basename(csv, path.extname(csv))}`, score: (f) => scores.get(`${path.resolve(f.file)}#${f.faceIndex}`) ?? Number.NaN };
}

/** Parses `--methods` (comma-separated); a deprecated name gets one warning line through `warn`. */
export async function parseMethods(list: string, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<QualityMethod[]> {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new Error('no quality methods given');
  const out: QualityMethod[] = [];
  for (let n of names) {
    const renamed = Object.hasOwn(DEPRECATED_METHODS, n) ? DEPRECATED_METHODS[n] : undefined;
    if (renamed) {
      warn(`plq: quality method "${n}" is deprecated, use "${renamed}" (the embedding's L2 norm; the network was not trained with MagFace's loss, so this is not MagFace quality)`);
      n = renamed;
    }
    if (n.startsWith('csv:')) out.push(await csvMethod(n.slice(4)));
    else if ((BUILT_IN_METHODS as readonly string[]).includes(n)) out.push({ name: n, score: builtIn[n as (typeof BUILT_IN_METHODS)[number]] });
    else throw new Error(`unknown quality method ${n} (known: ${BUILT_IN_METHODS.join(', ')}, csv:FILE)`);
  }
  return out;
}
