/**
 * Malformed and awkward image inputs for fuzzing, made with sharp from a real face photo:
 * every format sharp writes (JPEG, PNG, WebP, TIFF, AVIF, GIF), odd-but-valid variants (16-bit,
 * CMYK, alpha, greyscale, 1x1, 20000x1), and fast-check arbitraries that truncate them, flip
 * bits, rewrite their headers to claim huge or zero sizes, or put random bytes behind their
 * magic numbers.
 */
import { readFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import sharp from 'sharp';
import fc from 'fast-check';
import { packageFile } from '../../server/plq/model-paths.js';

export type SeedFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'avif' | 'gif';

export interface Seed {
  name: string;
  format: SeedFormat;
  data: Buffer;
}

export interface FuzzInput {
  /** What was done, for the report of a failure: `truncated jpeg@123`, `bitflip png x3`, ... */
  kind: string;
  data: Buffer;
}

/** A one-face portrait cut from a packaged group photo, small so that decoding is fast. */
export async function facePortrait(width = 160): Promise<Buffer> {
  const photo = await readFile(packageFile('@vladmandic/face-api', 'demo/sample2.jpg'));
  return sharp(photo).extract({ left: 1330, top: 40, width: 450, height: 500 }).resize({ width }).png().toBuffer();
}

const encoders: Record<SeedFormat, (s: sharp.Sharp) => sharp.Sharp> = {
  jpeg: (s) => s.jpeg({ quality: 80 }),
  png: (s) => s.png(),
  webp: (s) => s.webp({ quality: 70 }),
  tiff: (s) => s.tiff(),
  avif: (s) => s.avif({ quality: 40, effort: 0 }),
  gif: (s) => s.gif(),
};

/** The portrait in every format: the seeds the malformed inputs are made from. */
/** The fuzzers' starting images: the face portrait in every format, and the odd ones (16-bit, CMYK, alpha, 1x1, 20000x1 ...). */
export async function seedImages(): Promise<{ seeds: Seed[]; odd: Seed[] }> {
  const portrait = await facePortrait();
  return { seeds: await formatSeeds(portrait), odd: await oddSeeds(portrait) };
}

export async function formatSeeds(portrait: Buffer): Promise<Seed[]> {
  const out: Seed[] = [];
  for (const format of Object.keys(encoders) as SeedFormat[]) {
    out.push({ name: `portrait.${format}`, format, data: await encoders[format](sharp(portrait)).toBuffer() });
  }
  return out;
}

/** Valid images that are awkward to decode: each must decode or be refused with a reason. */
export async function oddSeeds(portrait: Buffer): Promise<Seed[]> {
  const p = (): sharp.Sharp => sharp(portrait);
  const line = (w: number, h: number): sharp.Sharp => sharp({ create: { width: w, height: h, channels: 3, background: { r: 120, g: 90, b: 70 } } });
  return [
    { name: '16-bit.png', format: 'png', data: await p().toColourspace('rgb16').png().toBuffer() },
    { name: '16-bit.tiff', format: 'tiff', data: await p().toColourspace('rgb16').tiff().toBuffer() },
    { name: 'cmyk.jpeg', format: 'jpeg', data: await p().toColourspace('cmyk').jpeg().toBuffer() },
    { name: 'cmyk.tiff', format: 'tiff', data: await p().toColourspace('cmyk').tiff().toBuffer() },
    { name: 'alpha.png', format: 'png', data: await p().ensureAlpha(0.5).png().toBuffer() },
    { name: 'alpha.webp', format: 'webp', data: await p().ensureAlpha(0.5).webp().toBuffer() },
    { name: 'alpha.avif', format: 'avif', data: await p().ensureAlpha(0.5).avif({ effort: 0 }).toBuffer() },
    { name: 'grey.jpeg', format: 'jpeg', data: await p().greyscale().jpeg().toBuffer() },
    { name: '1x1.png', format: 'png', data: await line(1, 1).png().toBuffer() },
    { name: '1x1.jpeg', format: 'jpeg', data: await line(1, 1).jpeg().toBuffer() },
    { name: '20000x1.png', format: 'png', data: await line(20000, 1).png().toBuffer() },
    { name: '20000x1.jpeg', format: 'jpeg', data: await line(20000, 1).jpeg().toBuffer() },
    { name: '1x16000.webp', format: 'webp', data: await line(1, 16000).webp().toBuffer() },
    { name: '1x20000.tiff', format: 'tiff', data: await line(1, 20000).tiff().toBuffer() },
  ];
}

const MAGIC: Record<string, Buffer> = {
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  webp: Buffer.from('RIFF\x00\x01\x00\x00WEBPVP8 ', 'latin1'),
  'tiff-le': Buffer.from('II*\x00', 'latin1'),
  'tiff-be': Buffer.from('MM\x00*', 'latin1'),
  avif: Buffer.from('\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1', 'latin1'),
  gif: Buffer.from('GIF89a', 'latin1'),
  heic: Buffer.from('\x00\x00\x00\x18ftypheic', 'latin1'),
  svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" '),
  pdf: Buffer.from('%PDF-1.7\n'),
};

/**
 * Rewrites the image size the header claims (the data is left as it is): PNG IHDR (with a
 * correct CRC, so the claim is believed), JPEG SOFn, WebP VP8, TIFF tags 256/257, AVIF ispe,
 * GIF screen. Returns null where the seed has no such field.
 */
export function claimSize(seed: Seed, width: number, height: number): Buffer | null {
  const b = Buffer.from(seed.data);
  const u16 = (v: number): number => v & 0xffff;
  switch (seed.format) {
    case 'png': {
      b.writeUInt32BE(width >>> 0, 16);
      b.writeUInt32BE(height >>> 0, 20);
      b.writeUInt32BE(zlib.crc32(b.subarray(12, 29)), 29);
      return b;
    }
    case 'jpeg': {
      for (let i = 2; i < b.length - 9; i++) {
        if (b[i] === 0xff && b[i + 1] >= 0xc0 && b[i + 1] <= 0xc3) {
          b.writeUInt16BE(u16(height), i + 5);
          b.writeUInt16BE(u16(width), i + 7);
          return b;
        }
      }
      return null;
    }
    case 'webp': {
      const at = b.indexOf('VP8 ', 12, 'latin1');
      if (at < 0 || b[at + 11] !== 0x9d) return null;
      b.writeUInt16LE(width & 0x3fff, at + 14);
      b.writeUInt16LE(height & 0x3fff, at + 16);
      return b;
    }
    case 'tiff': {
      const le = b.toString('latin1', 0, 2) === 'II';
      const r16 = (o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
      const ifd = le ? b.readUInt32LE(4) : b.readUInt32BE(4);
      if (ifd + 2 > b.length) return null;
      const n = r16(ifd);
      for (let k = 0; k < n; k++) {
        const e = ifd + 2 + 12 * k;
        if (e + 12 > b.length) break;
        const tag = r16(e);
        if (tag !== 256 && tag !== 257) continue;
        const v = tag === 256 ? width : height;
        const type = r16(e + 2);
        if (type === 3) le ? b.writeUInt16LE(u16(v), e + 8) : b.writeUInt16BE(u16(v), e + 8);
        else le ? b.writeUInt32LE(v >>> 0, e + 8) : b.writeUInt32BE(v >>> 0, e + 8);
      }
      return b;
    }
    case 'avif': {
      const at = b.indexOf('ispe', 0, 'latin1');
      if (at < 0) return null;
      b.writeUInt32BE(width >>> 0, at + 8);
      b.writeUInt32BE(height >>> 0, at + 12);
      return b;
    }
    case 'gif': {
      b.writeUInt16LE(u16(width), 6);
      b.writeUInt16LE(u16(height), 8);
      return b;
    }
  }
}

function flipBits(data: Buffer, positions: number[]): Buffer {
  const b = Buffer.from(data);
  for (const p of positions) {
    const bit = p % (b.length * 8);
    b[bit >> 3] ^= 1 << (bit & 7);
  }
  return b;
}

/** The first `length` bytes (1 .. length-1: never empty, never whole). */
function cut(s: Seed, length: number): FuzzInput {
  return { kind: `truncated ${s.name}@${length}/${s.data.length}`, data: s.data.subarray(0, length) };
}

const sizeClaim = fc.oneof(fc.constantFrom(0, 1, 16383, 65535, 100_000, 2 ** 31 - 1, 2 ** 32 - 1), fc.nat());

/**
 * Inputs that should fail before any face model sees them (or decode to something tiny):
 * empty, random, random behind magic numbers, truncated, bit-flipped in the header, huge claims.
 */
export function malformedInput(seeds: Seed[]): fc.Arbitrary<FuzzInput> {
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<FuzzInput>({ kind: 'zero-length', data: Buffer.alloc(0) }) },
    { weight: 4, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((a) => ({ kind: 'random bytes', data: Buffer.from(a) })) },
    { weight: 4, arbitrary: fc
      .tuple(fc.constantFrom(...Object.keys(MAGIC)), fc.uint8Array({ maxLength: 4096 }))
      .map(([m, tail]) => ({ kind: `random behind ${m} magic`, data: Buffer.concat([MAGIC[m], Buffer.from(tail)]) })) },
    { weight: 4, arbitrary: fc.tuple(seed, fc.nat()).map(([s, n]) => cut(s, 1 + (n % Math.max(1, Math.floor(s.data.length * 0.6))))) },
    { weight: 4, arbitrary: fc
      .tuple(seed, fc.array(fc.nat({ max: 64 * 8 - 1 }), { minLength: 1, maxLength: 8 }))
      .map(([s, bits]) => ({ kind: `header bit-flip ${s.name} x${bits.length}`, data: flipBits(s.data, bits) })) },
    { weight: 4, arbitrary: fc
      .tuple(seed, sizeClaim, sizeClaim)
      .map(([s, w, h]) => ({ kind: `${s.name} claiming ${w}x${h}`, data: claimSize(s, w, h) ?? s.data.subarray(0, 16) })) },
  );
}

/** Anywhere in the file: bit flips and truncation at any point (these often still decode). */
export function damagedInput(seeds: Seed[]): fc.Arbitrary<FuzzInput> {
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    fc
      .tuple(seed, fc.array(fc.nat(), { minLength: 1, maxLength: 32 }))
      .map(([s, bits]) => ({ kind: `bit-flip ${s.name} x${bits.length}`, data: flipBits(s.data, bits) })),
    fc.tuple(seed, fc.nat()).map(([s, n]) => cut(s, 1 + (n % Math.max(1, s.data.length - 1)))),
  );
}
