import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

const require = createRequire(import.meta.url);

export interface BackendInfo {
  name: BackendName;
  /** Which package provided it, e.g. '@tensorflow/tfjs-node-gpu'. */
  provider: string;
  /** Why earlier choices were skipped. */
  skipped: string[];
}

let active: BackendInfo | undefined;

async function tryNative(skipped: string[]): Promise<string | undefined> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require(pkg);
      if (await tf.setBackend('tensorflow')) return pkg;
      skipped.push(`${pkg}: loaded but backend did not initialise`);
    } catch (err) {
      skipped.push(`${pkg}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return undefined;
}

/**
 * The wasm runtime (emscripten) installs process-wide handlers that rethrow every uncaught
 * exception and unhandled rejection, printing its whole minified source. The kiosk has its own
 * handlers, so those are removed again once the backend is up.
 */
async function withoutEmscriptenHandlers<T>(fn: () => Promise<T>): Promise<T> {
  const before = {
    exception: new Set(process.listeners('uncaughtException')),
    rejection: new Set(process.listeners('unhandledRejection')),
  };
  try {
    return await fn();
  } finally {
    for (const l of process.listeners('uncaughtException')) if (!before.exception.has(l)) process.removeListener('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!before.rejection.has(l)) process.removeListener('unhandledRejection', l);
  }
}

async function tryWasm(skipped: string[]): Promise<boolean> {
  try {
    require('@tensorflow/tfjs-backend-wasm');
    if (await withoutEmscriptenHandlers(() => tf.setBackend('wasm'))) return true;
    skipped.push('wasm: backend did not initialise');
  } catch (err) {
    skipped.push(`wasm: ${(err as Error).message.split('\n')[0]}`);
  }
  return false;
}

/**
 * Picks the compute backend: tfjs-node-gpu, tfjs-node, wasm, cpu — the first that loads —
 * unless `preferred` (or env PLQ_BACKEND) names one. Idempotent.
 */
export async function initBackend(preferred: BackendName | 'auto' = parseEnvBackend()): Promise<BackendInfo> {
  if (active && (preferred === 'auto' || preferred === active.name)) return active;
  const skipped: string[] = [];
  const order = preferred === 'auto' ? BACKEND_ORDER : [preferred];
  for (const name of order) {
    if (name === 'tensorflow') {
      const pkg = await tryNative(skipped);
      if (pkg) return (active = { name, provider: pkg, skipped });
    } else if (name === 'wasm') {
      if (await tryWasm(skipped)) return (active = { name, provider: '@tensorflow/tfjs-backend-wasm', skipped });
    } else if (await tf.setBackend('cpu')) {
      return (active = { name, provider: '@tensorflow/tfjs-backend-cpu', skipped });
    }
  }
  throw new Error(`no compute backend could be loaded (${skipped.join('; ')})`);
}

function parseEnvBackend(): BackendName | 'auto' {
  const v = process.env.PLQ_BACKEND;
  if (!v || v === 'auto') return 'auto';
  if ((BACKEND_ORDER as readonly string[]).includes(v)) return v as BackendName;
  throw new Error(`PLQ_BACKEND=${v} is not one of auto, ${BACKEND_ORDER.join(', ')}`);
}

export function activeBackend(): BackendInfo | undefined {
  return active;
}

export { tf };
