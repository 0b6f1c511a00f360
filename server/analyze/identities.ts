/** Identity labels for the error-versus-reject curves: a CSV (file,identity) or one folder per identity. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from './csv-table.js';

/** Absolute file path -> identity. */
export type Identities = Map<string, string>;

/** Reads `file,identity` rows; paths are relative to the CSV's folder. Missing files are an error. */
export async function readIdentitiesCsv(csv: string): Promise<Identities> {
  const rows = await readCsv(csv, ['file', 'identity'], 2, 2);
  const dir = path.dirname(path.resolve(csv));
  const ids: Identities = new Map();
  const missing: string[] = [];
  const dup: string[] = [];
  for (const { line, fields } of rows) {
    const file = path.resolve(dir, fields[0]);
    if (!existsSync(file)) missing.push(`line ${line}: ${fields[0]}`);
    else if (ids.has(file) && ids.get(file) !== fields[1]) dup.push(`line ${line}: ${fields[0]}`);
    ids.set(file, fields[1]);
  }
  if (missing.length) throw new Error(`${csv}: ${missing.length} file(s) not found: ${missing.slice(0, 5).join('; ')}${missing.length > 5 ? '; ...' : ''}`);
  if (dup.length) throw new Error(`${csv}: file(s) given two identities: ${dup.slice(0, 5).join('; ')}`);
  return ids;
}

/** The identity of each file is the name of the folder it is in. */
export function identitiesFromFolders(files: readonly string[]): Identities {
  return new Map(files.map((f) => [path.resolve(f), path.basename(path.dirname(path.resolve(f)))]));
}
