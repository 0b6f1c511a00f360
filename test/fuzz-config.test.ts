/**
 * Config fuzzing: config layers of wrong types and shapes (overrides, files, environment)
 * either load or fail with a ConfigError that says what is wrong; never another kind of throw.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../server/kiosk/config/load-config.js';
import { DEFAULT_CONFIG } from '../server/kiosk/config/kiosk-config.js';
import { fuzzRuns, fuzzSeed } from './helpers/fuzz.js';

const RUNS = fuzzRuns();
const CLEAR = /^(invalid config: (unknown key "|"|[a-z])|config file .* (cannot be read|is not valid JSON|holds credentials .* chmod 600 )|unknown profile "|unsafe config: server\.host .* needs server\.tls\.cert)/;

/** Every key path of the default config, objects and leaves: `capture`, `capture.iso.luminance.min`, ... */
function keyPaths(o: unknown, prefix: string[] = []): string[][] {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return [];
  return Object.entries(o).flatMap(([k, v]) => [[...prefix, k], ...keyPaths(v, [...prefix, k])]);
}
const PATHS = keyPaths(DEFAULT_CONFIG);

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(1e308, -1e308, -0, Number.MAX_SAFE_INTEGER + 2, '', ' ', '__proto__', 'replay:', 'opencv:', '../../etc/passwd'),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.string({ minLength: 2000, maxLength: 5000 }),
);

/** A config layer: a few key paths of the real config set to wrong values, or arbitrary JSON. */
const layer: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.tuple(fc.constantFrom(...PATHS), wrongValue), { minLength: 1, maxLength: 5 }).map((sets) => {
    const out: Record<string, unknown> = {};
    for (const [p, v] of sets) {
      let node = out;
      for (const k of p.slice(0, -1)) {
        const next = node[k];
        node = (node[k] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
      }
      node[p[p.length - 1]] = v;
    }
    return out;
  }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...Object.keys(DEFAULT_CONFIG), '__proto__', 'constructor', 'x'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }) },
);

/** Loads; returns 'ok', or the ConfigError message. Anything else thrown fails the property. */
async function outcome(load: () => Promise<unknown>): Promise<string> {
  try {
    await load();
    return 'ok';
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new Error(`not a ConfigError: ${(err as Error)?.name}: ${(err as Error)?.message}`);
    expect(err.message).toMatch(CLEAR);
    return err.message;
  }
}

describe('config fuzzing', () => {
  it(`${RUNS} override layers of wrong types: loaded, or a ConfigError naming the problem`, async () => {
    let tried = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(layer, async (over) => {
        tried++;
        if ((await outcome(() => loadConfig({ env: {}, overrides: over as never }))) !== 'ok') rejected++;
      }),
      { numRuns: RUNS, seed: fuzzSeed() },
    );
    console.log(`fuzz: ${tried} config override layers, ${rejected} rejected with a ConfigError, 0 other errors`);
    expect(tried).toBe(RUNS);
    expect(rejected).toBeGreaterThan(RUNS * 0.9); // the generator mostly makes bad configs: the check is exercised
  });

  it(`${RUNS} config files (JSON of wrong types, YAML-ish and binary text): a ConfigError, never another throw`, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-fuzz-config-'));
    const file = path.join(dir, 'kiosk.json');
    const text = fc.oneof(
      layer.map((v) => JSON.stringify(v) ?? ''),
      fc.array(fc.tuple(fc.constantFrom(...PATHS.map((p) => p.join('.'))), fc.string({ maxLength: 20 })), { maxLength: 6 }).map((kv) => kv.map(([k, v]) => `${k}: ${v}`).join('\n')),
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.constantFrom('', '{', '{"profile": 5}', '{"profile": "nope"}', '[]', 'null', '"x"', '{"capture": {"dir": ""}}', '\uFEFF{}'),
    );
    let tried = 0;
    try {
      await fc.assert(
        fc.asyncProperty(text, async (t) => {
          tried++;
          await writeFile(file, t);
          await outcome(() => loadConfig({ env: {}, file }));
        }),
        { numRuns: RUNS, seed: fuzzSeed() },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    console.log(`fuzz: ${tried} config files, 0 errors other than ConfigError`);
    expect(tried).toBe(RUNS);
  });

  it(`${RUNS} environments (PLQ_KIOSK__section__key=anything): a ConfigError, never another throw`, async () => {
    const envKey = fc.oneof(
      fc.constantFrom(...PATHS).map((p) => `PLQ_KIOSK__${p.join('__')}`),
      fc.string({ maxLength: 20 }).map((s) => `PLQ_KIOSK__${s}`),
      fc.constantFrom('PLQ_KIOSK__', 'PLQ_KIOSK____', 'PLQ_KIOSK__capture____dir', 'PLQ_KIOSK____proto____x'),
    );
    const envValue = fc.oneof(fc.string({ maxLength: 40 }), wrongValue.map((v) => JSON.stringify(v) ?? 'undefined'));
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(envKey, envValue), { minLength: 1, maxLength: 4 }), async (pairs) => {
        tried++;
        await outcome(() => loadConfig({ env: Object.fromEntries(pairs) }));
      }),
      { numRuns: RUNS, seed: fuzzSeed() },
    );
    console.log(`fuzz: ${tried} environments, 0 errors other than ConfigError`);
    expect(tried).toBe(RUNS);
  });
});
