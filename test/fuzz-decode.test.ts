/**
 * Decoder fuzzing: malformed, damaged and awkward images either decode to a consistent 8-bit
 * RGB image within the pixel limit, or are refused with an ImageInputError and a reason; never
 * another exception, never a crash.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeImage, ImageInputError } from '../server/image/decode-image.js';
import { claimSize, damagedInput, seedImages, malformedInput, type FuzzInput, type Seed } from './helpers/fuzz-images.js';
import { fuzzRuns, fuzzSeed } from './helpers/fuzz.js';

const RUNS = fuzzRuns();
const MAX_PIXELS = 4_000_000;
const CODES = new Set(['empty', 'not-an-image', 'unreadable', 'too-large']);

let seeds: Seed[];
let odd: Seed[];

beforeAll(async () => {
  ({ seeds, odd } = await seedImages());
});

/** Decodes; returns 'decoded' or the refusal code. Anything other than an ImageInputError is rethrown with the input's kind. */
async function outcome(input: FuzzInput): Promise<string> {
  try {
    const img = await decodeImage(input.data, { maxPixels: MAX_PIXELS });
    expect(img.width).toBeGreaterThan(0);
    expect(img.height).toBeGreaterThan(0);
    expect(img.width * img.height).toBeLessThanOrEqual(MAX_PIXELS);
    expect(img.data.length).toBe(img.width * img.height * 3);
    return 'decoded';
  } catch (err) {
    if (err instanceof ImageInputError && CODES.has(err.code) && err.message.length > 0) return err.code;
    throw new Error(`${input.kind}: ${(err as Error)?.name}: ${(err as Error)?.message}`);
  }
}

describe('decoder fuzzing', () => {
  it('every seed format and awkward valid image decodes to 8-bit RGB (or is refused by size)', async () => {
    for (const s of [...seeds, ...odd]) {
      const r = await outcome({ kind: s.name, data: s.data });
      expect([s.name, r]).toEqual([s.name, 'decoded']);
    }
    expect(seeds.map((s) => s.format)).toEqual(['jpeg', 'png', 'webp', 'tiff', 'avif', 'gif']);
  });

  it('headers claiming huge sizes are refused before decoding, whatever the format', async () => {
    for (const s of seeds) {
      const claimed = claimSize(s, 60_000, 60_000);
      if (!claimed) continue;
      const r = await outcome({ kind: `${s.name} claiming 60000x60000`, data: claimed });
      // a GIF's screen size is not its frame size: libvips decodes the (small) frame, within the limit
      const ok = s.format === 'gif' ? /^(decoded|too-large|not-an-image|unreadable)$/ : /^(too-large|not-an-image|unreadable)$/;
      expect([s.name, r]).toEqual([s.name, expect.stringMatching(ok)]);
    }
  });

  it(`${RUNS} malformed inputs (empty, random, random behind magic numbers, truncated, header bit-flips, huge claims)`, async () => {
    const counts = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(malformedInput(seeds), async (input) => {
        const r = await outcome(input);
        counts.set(r, (counts.get(r) ?? 0) + 1);
      }),
      { numRuns: RUNS, seed: fuzzSeed() },
    );
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(`fuzz: ${total} malformed inputs to decodeImage, 0 unexpected errors; outcomes ${JSON.stringify(Object.fromEntries(counts))}`);
    expect(total).toBe(RUNS);
    expect(counts.get('not-an-image') ?? 0).toBeGreaterThan(0);
    expect(counts.get('too-large') ?? 0).toBeGreaterThan(0);
  });

  it(`${RUNS} damaged inputs (bit flips and truncation anywhere, odd images included)`, async () => {
    const counts = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(damagedInput([...seeds, ...odd]), async (input) => {
        const r = await outcome(input);
        counts.set(r, (counts.get(r) ?? 0) + 1);
      }),
      { numRuns: RUNS, seed: fuzzSeed() + 1 },
    );
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(`fuzz: ${total} damaged inputs to decodeImage, 0 unexpected errors; outcomes ${JSON.stringify(Object.fromEntries(counts))}`);
    expect(total).toBe(RUNS);
  });
});
