import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { DEFAULT_CONFIG, type KioskConfig } from './kiosk-config.js';
import { KIOSK_CONFIG_SCHEMA } from './config-schema.js';
import { worldReadableSecrets } from '../../security/secret-file.js';
import { deepMerge as merge, isPlainObject as isObject, type Json } from './deep-merge.js';
import { defaultCaptureDir } from './data-dir.js';
import { exposureProblem } from './exposure.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const PROFILES_DIR = path.resolve(here, '../../../' + (here.includes(`${path.sep}dist${path.sep}`) ? '../' : '') + 'kiosk-config/profiles');
export const PROFILES = ['passport-booth', 'border-gate', 'enrolment-desk', 'demo'] as const;

const UNREADABLE: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'a folder, not a file' };

function unreadableBecause(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return UNREADABLE[code] ?? (code || (err as Error).message);
}

async function readJson(file: string, what: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${what} ${file} cannot be read (${unreadableBecause(err)})`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new ConfigError(`${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** PLQ_KIOSK__camera__source=replay:/data -> { camera: { source: 'replay:/data' } } */
export function envOverrides(env: NodeJS.ProcessEnv): Json {
  const out: Record<string, Json> = {};
  for (const [key, raw] of Object.entries(env)) {
    if (!key.startsWith('PLQ_KIOSK__') || raw === undefined) continue;
    const parts = key.slice('PLQ_KIOSK__'.length).split('__').filter(Boolean);
    if (parts.length === 0) continue;
    let value: Json;
    try {
      value = JSON.parse(raw) as Json;
    } catch {
      value = raw;
    }
    let node = out;
    for (const p of parts.slice(0, -1)) {
      const next: Record<string, Json> = isObject(node[p]) ? (node[p] as Record<string, Json>) : {};
      Object.defineProperty(node, p, { value: next, enumerable: true, writable: true, configurable: true });
      node = next;
    }
    Object.defineProperty(node, parts[parts.length - 1], { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(KIOSK_CONFIG_SCHEMA);

export function validateConfig(candidate: unknown): KioskConfig {
  let valid: boolean;
  try {
    valid = validate(candidate);
  } catch (err) {
    throw new ConfigError(`invalid config: ${(err as Error).message}`);
  }
  if (valid) {
    const c = candidate as KioskConfig;
    const t = c.guidance.thresholds;
    if (t.minInterEyeRatio >= t.maxInterEyeRatio) throw new ConfigError('invalid config: guidance.thresholds.minInterEyeRatio must be below maxInterEyeRatio');
    if (c.camera.reconnectMinDelayMs > c.camera.reconnectMaxDelayMs) throw new ConfigError('invalid config: camera.reconnectMinDelayMs must not exceed reconnectMaxDelayMs');
    if (Boolean(c.server.tls.cert) !== Boolean(c.server.tls.key)) throw new ConfigError('invalid config: server.tls.cert and server.tls.key go together');
    const names = c.server.auth.users.map((u) => u.name);
    if (new Set(names).size !== names.length) throw new ConfigError('invalid config: server.auth.users has a name twice');
    const exposure = exposureProblem(c);
    if (exposure) throw new ConfigError(`unsafe config: ${exposure}`);
    return c;
  }
  const msgs = (validate.errors ?? []).map((e) => {
    const at = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return `unknown key "${at ? at + '.' : ''}${extra}"`;
    }
    return `"${at || '(root)'}" ${e.message}`;
  });
  throw new ConfigError(`invalid config: ${msgs.join('; ')}`);
}

export interface LoadConfigOptions {
  file?: string;
  profile?: string;
  env?: NodeJS.ProcessEnv;
  /** Last-word overrides (CLI flags). */
  overrides?: Json;
}

/**
 * Defaults <- profile <- file <- environment <- CLI flags (each a deep merge), then validated.
 * The default capture folder comes from `env` (see data-dir.ts). Every problem with the
 * config is a ConfigError.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<KioskConfig> {
  const env = options.env ?? process.env;
  let merged: Json = merge(DEFAULT_CONFIG as unknown as Json, { capture: { dir: defaultCaptureDir(env) } });
  const fileJson = options.file ? await readJson(options.file, 'config file') : undefined;
  if (options.file) {
    const refused = await worldReadableSecrets(options.file, fileJson);
    if (refused) throw new ConfigError(`config file ${refused}`);
  }
  const profile = options.profile ?? (isObject(fileJson) && typeof fileJson.profile === 'string' ? fileJson.profile : undefined);
  if (profile) {
    if (!(PROFILES as readonly string[]).includes(profile)) throw new ConfigError(`unknown profile "${profile}" (one of ${PROFILES.join(', ')})`);
    merged = merge(merged, await readJson(path.join(PROFILES_DIR, `${profile}.json`), 'profile'));
    merged = merge(merged, { profile });
  }
  if (fileJson !== undefined) merged = merge(merged, fileJson);
  merged = merge(merged, envOverrides(env));
  if (options.overrides) merged = merge(merged, options.overrides);
  return validateConfig(merged);
}
