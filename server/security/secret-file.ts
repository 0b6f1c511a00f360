/**
 * Files that hold credentials must not be readable by every user: which parts of a parsed
 * config carry secrets (what the one masking function would change), and the mode check.
 */
import { stat } from 'node:fs/promises';
import { maskSecretsDeep } from './mask-credentials.js';

/** Dotted paths of the values masking would change (a camera URL with a password, a token, ...). */
export function secretPaths(value: unknown): string[] {
  return walk(value, '', '');
}

function walk(value: unknown, key: string, at: string): string[] {
  const join = (k: string | number): string => (at ? `${at}.${k}` : String(k));
  if (typeof value === 'string') return maskSecretsDeep({ [key]: value })[key] !== value ? [at] : [];
  // array items are judged by their parent's key, as maskSecretsDeep does
  if (Array.isArray(value)) return value.flatMap((v, i) => walk(v, key, join(i)));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => walk(v, k, join(k)));
  return [];
}

/**
 * Refuses a world-readable file that holds secrets. Returns the message to show, or undefined
 * when the file is fine (no secrets, or not readable by others).
 */
export async function worldReadableSecrets(file: string, parsed: unknown): Promise<string | undefined> {
  const paths = secretPaths(parsed);
  if (paths.length === 0) return undefined;
  const { mode } = await stat(file);
  if ((mode & 0o004) === 0) return undefined;
  return `${file} holds credentials (${paths.join(', ')}) and is readable by every user (mode ${(mode & 0o777).toString(8)}): chmod 600 ${file} (or 640 with the service's group as its group)`;
}
