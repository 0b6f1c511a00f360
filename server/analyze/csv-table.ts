/** A strict reader for the small two/three-column CSVs the analysis takes (identities, scores). */
import { readFile } from 'node:fs/promises';

export interface CsvRow {
  line: number;
  fields: string[];
}

/** Splits a CSV line (double quotes may wrap a field; "" is a quote). */
export function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/**
 * Rows of a CSV (blank lines and lines starting with # skipped; a first row equal to `header`
 * skipped). Every row must have between minFields and maxFields non-empty fields.
 */
export async function readCsv(file: string, header: string[], minFields: number, maxFields: number): Promise<CsvRow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const rows: CsvRow[] = [];
  const bad: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = splitLine(line);
    if (rows.length === 0 && bad.length === 0 && fields.join(',').toLowerCase() === header.slice(0, fields.length).join(',')) return;
    if (fields.length < minFields || fields.length > maxFields || fields.some((f) => f === '')) {
      bad.push(`line ${i + 1}: expected ${header.slice(0, maxFields).join(',')}, got "${line.slice(0, 80)}"`);
    } else rows.push({ line: i + 1, fields });
  });
  if (bad.length) throw new Error(`${file}: ${bad.length} bad row(s): ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? '; ...' : ''}`);
  if (rows.length === 0) throw new Error(`${file}: no rows`);
  return rows;
}
