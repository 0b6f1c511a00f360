import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { BackendName } from '../tf/backend.js';
import { experimentFaces } from './experiment-faces.js';
import { overlayPng, rgbToPng } from '../image/render-maps.js';
import { progress } from './progress.js';

export interface InpaintOptions {
  model: string;
  repeats: number;
  occlude?: number;
  seed: number;
  out: string;
  backend: BackendName | 'auto';
}

/** `plq experiment inpaint`: counts rose / fell / unchanged and writes before/after panels. */
export async function inpaintCommand(paths: string[], o: InpaintOptions): Promise<number> {
  // OpenCV is loaded only by this command.
  const { inpaintFace, occlude } = await import('../experiments/inpaint-run.js');
  const { model, engine, faces, skipped, detector } = await experimentFaces(paths, o);
  if (faces.length === 0) return 1;
  await mkdir(o.out, { recursive: true });
  const counts = { rose: 0, fell: 0, unchanged: 0 };
  const rows: string[] = [];
  const bar = progress(faces.length, 'inpaint');
  for (const [i, f] of faces.entries()) {
    bar.tick(path.basename(f.file));
    const input = o.occlude ? occlude(f.aligned, o.occlude, o.seed + i) : f.aligned;
    const r = inpaintFace(model, engine, input, o.repeats);
    counts[r.outcome]++;
    const name = `${path.parse(f.file).name}.${f.faceIndex}`;
    const { width: w, height: h } = input;
    const maskRgb = new Uint8Array(w * h * 3).map((_, k) => r.mask[Math.floor(k / 3)]);
    const tiles = await Promise.all([
      overlayPng(r.before.image, r.before.map, { label: `before ${r.before.mean.toFixed(3)}` }),
      rgbToPng({ width: w, height: h, data: maskRgb }).then((b) => sharp(b).resize(w * 3, h * 3, { kernel: 'nearest' }).png().toBuffer()),
      overlayPng(r.after.image, r.after.map, { label: `after ${r.after.mean.toFixed(3)}` }),
    ]);
    await writeFile(path.join(o.out, `${name}.png`), await sharp({ create: { width: w * 9 + 8, height: h * 3, channels: 3, background: 'white' } })
      .composite(tiles.map((t, k) => ({ input: t, left: k * (w * 3 + 4), top: 0 }))).png().toBuffer());
    rows.push(`${name.padEnd(28)} ${r.area.toString().padStart(5)} ${r.before.mean.toFixed(4)} ±${r.before.sd.toFixed(4)}  ${r.after.mean.toFixed(4)} ±${r.after.sd.toFixed(4)}  ${r.outcome}`);
  }
  bar.stop();
  const n = faces.length;
  const pct = (k: number) => `${((100 * k) / n).toFixed(0)} %`;
  const lines = [
    `${n} faces, model ${o.model}, ${o.repeats} repeats (mask seeds)${o.occlude ? `, black ${o.occlude} px square pasted first` : ''}`,
    'face                          area  Q^ before (mean ±sd)  Q^ after (mean ±sd)  outcome',
    ...rows,
    `Q^ rose: ${counts.rose} (${pct(counts.rose)}), fell: ${counts.fell} (${pct(counts.fell)}), within one sd: ${counts.unchanged} (${pct(counts.unchanged)})`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  await writeFile(path.join(o.out, 'inpaint.txt'), lines.join('\n') + '\n');
  await writeFile(path.join(o.out, 'index.html'), `<!doctype html><meta charset="utf-8"><title>inpainting</title><body style="font-family:sans-serif">
<h1>Inpainting the largest low-PLQ region</h1><pre>${lines.join('\n')}</pre>${rows.map((r) => `<p><img src="${r.split(' ')[0]}.png"></p>`).join('')}
<p>Skipped: ${skipped.length ? skipped.join('; ') : 'none'}</p></body>`);
  process.stderr.write(`plq: results in ${o.out}\n`);
  detector.dispose();
  return 0;
}
