/** Real-world awkward inputs, made with sharp from a real face photo. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { packageFile } from '../../server/plq/model-paths.js';

const crc32 = (buf: Buffer): number => {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
};
const chunk = (type: string, data: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

/** A valid PNG header declaring 20000 x 20000 pixels with a tiny (bogus) body: a decompression bomb. */
export function hugePngHeader(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20000, 0);
  ihdr.writeUInt32BE(20000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface BadInputs {
  dir: string;
  files: Record<string, string>;
}

/** Writes the awkward inputs into dir; returns their paths by name. */
export async function writeBadInputs(dir: string): Promise<BadInputs> {
  await mkdir(dir, { recursive: true });
  const photo = await readFile(packageFile('@vladmandic/face-api', 'demo/sample2.jpg'));
  // one face, cropped from a group photo so there is exactly one
  const portrait = await sharp(photo).extract({ left: 1330, top: 40, width: 450, height: 500 }).toBuffer();
  const upright = await sharp(portrait).jpeg().toBuffer();
  const files: Record<string, Buffer> = {
    'zero-byte.jpg': Buffer.alloc(0),
    'truncated.jpg': upright.subarray(0, Math.floor(upright.length / 3)),
    'not-an-image.png': Buffer.from('this is a text file, not a picture\n'.repeat(20)),
    'huge.png': hugePngHeader(),
    'greyscale.png': await sharp(portrait).greyscale().png().toBuffer(),
    'cmyk.jpg': await sharp(portrait).toColourspace('cmyk').jpeg().toBuffer(),
    'sixteen-bit.png': await sharp(portrait).toColourspace('rgb16').png().toBuffer(),
    'alpha.png': await sharp(portrait).ensureAlpha(0.6).png().toBuffer(),
    // stored rotated 90 degrees; EXIF orientation 6 says "rotate 90 cw to display"
    'exif-rotated.jpg': await sharp(portrait).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer(),
    'no-face.png': await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 90, g: 140, b: 200 } } })
      .png()
      .toBuffer(),
    'portrait.jpg': upright,
  };
  const out: Record<string, string> = {};
  for (const [name, buf] of Object.entries(files)) {
    out[name] = path.join(dir, name);
    await writeFile(out[name], buf);
  }
  return { dir, files: out };
}
