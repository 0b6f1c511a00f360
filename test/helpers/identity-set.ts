/**
 * A small identity-labelled set from the packaged real photos: each chosen face becomes one
 * identity, with three augmented crops of it (plain; mirrored and brighter; wider, slightly
 * rotated and blurred), one folder per identity. Plus two unusable inputs in junk/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { SetFace } from '../../server/experiments/face-set.js';
import { realFaces } from './real-faces.js';

export interface IdentitySet {
  dir: string;
  files: string[];
  identities: number;
  junk: { broken: string; blank: string };
}

async function crop(f: SetFace, margin: number): Promise<sharp.Sharp> {
  const [x, y, w, h] = f.face.box;
  const left = Math.max(0, Math.round(x - w * margin)), top = Math.max(0, Math.round(y - h * margin));
  const width = Math.min(f.photo.width - left, Math.round(w * (1 + 2 * margin)));
  const height = Math.min(f.photo.height - top, Math.round(h * (1 + 2 * margin)));
  const raw = sharp(Buffer.from(f.photo.data), { raw: { width: f.photo.width, height: f.photo.height, channels: 3 } });
  return sharp(await raw.extract({ left, top, width, height }).png().toBuffer()).resize(256, 256, { fit: 'contain', background: 'black' });
}

export async function writeIdentitySet(dir: string, count: number): Promise<IdentitySet> {
  const faces = await realFaces();
  // One face per photo first, so the identities are different people.
  const chosen: SetFace[] = [];
  for (const f of faces) if (!chosen.some((c) => c.photoId === f.photoId)) chosen.push(f);
  const files: string[] = [];
  for (const [k, f] of chosen.slice(0, count).entries()) {
    const idDir = path.join(dir, `id-${k}`);
    await mkdir(idDir, { recursive: true });
    const variants = [
      (await crop(f, 0.4)).jpeg({ quality: 92 }),
      (await crop(f, 0.4)).flop().modulate({ brightness: 1.15 }).jpeg({ quality: 92 }),
      (await crop(f, 0.6)).rotate(6, { background: 'black' }).blur(0.8).resize(256, 256).jpeg({ quality: 85 }),
    ];
    for (const [n, v] of variants.entries()) {
      const file = path.join(idDir, `crop${n}.jpg`);
      await writeFile(file, await v.toBuffer());
      files.push(file);
    }
  }
  const junk = path.join(dir, 'junk');
  await mkdir(junk, { recursive: true });
  const broken = path.join(junk, 'broken.jpg');
  await writeFile(broken, Buffer.from('this is not a jpeg'));
  const blank = path.join(junk, 'blank.png');
  await writeFile(blank, await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer());
  return { dir, files, identities: Math.min(count, chosen.length), junk: { broken, blank } };
}
