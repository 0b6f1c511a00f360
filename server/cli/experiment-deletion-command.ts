import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackendName } from '../tf/backend.js';
import { experimentFaces } from './experiment-faces.js';
import { faceCurves, ORDERS, type FaceCurves, type OrderName } from '../experiments/deletion-insertion-run.js';
import { lineChartPng } from '../image/figures.js';
import { progress } from './progress.js';

export interface DeletionOptions {
  model: string;
  steps: number;
  seed: number;
  out: string;
  backend: BackendName | 'auto';
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

/** `plq experiment deletion-insertion`: prints AUCs, writes curves and a small HTML page. */
export async function deletionInsertionCommand(paths: string[], o: DeletionOptions): Promise<number> {
  const { model, engine, faces, skipped, detector } = await experimentFaces(paths, o);
  if (faces.length === 0) return 1;
  const bar = progress(faces.length, 'deletion-insertion');
  const all: FaceCurves[] = [];
  for (const [i, f] of faces.entries()) {
    bar.tick(path.basename(f.file));
    all.push(await faceCurves(model, engine, f.aligned, o.steps, o.seed + i));
  }
  bar.stop();
  await mkdir(o.out, { recursive: true });
  const fractions = all[0].deletion.plq.fractions;
  const meanCurve = (kind: 'deletion' | 'insertion', ord: OrderName) => fractions.map((_, k) => mean(all.map((c) => c[kind][ord].similarity[k])));
  const auc = (kind: 'deletion' | 'insertion', ord: OrderName) => all.map((c) => c[kind][ord].auc);
  const lines = [
    `${faces.length} faces, model ${o.model}, ${o.steps} steps; similarity = cosine to the untouched image's embedding`,
    'order      deletion AUC (lower = better)   insertion AUC (higher = better)',
  ];
  const summary: Record<string, { deletionAuc: number; insertionAuc: number }> = {};
  for (const ord of ORDERS) {
    summary[ord] = { deletionAuc: mean(auc('deletion', ord)), insertionAuc: mean(auc('insertion', ord)) };
    lines.push(`${ord.padEnd(10)} ${summary[ord].deletionAuc.toFixed(4).padStart(12)}${summary[ord].insertionAuc.toFixed(4).padStart(33)}`);
  }
  const share = (kind: 'deletion' | 'insertion', other: OrderName) =>
    all.filter((c) => (kind === 'deletion' ? c.deletion.plq.auc < c.deletion[other].auc : c.insertion.plq.auc > c.insertion[other].auc)).length / all.length;
  for (const other of ['random', 'gradient'] as const) {
    lines.push(`PLQ beats ${other} on ${(share('deletion', other) * 100).toFixed(0)} % of faces (deletion), ${(share('insertion', other) * 100).toFixed(0)} % (insertion)`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  for (const kind of ['deletion', 'insertion'] as const) {
    await writeFile(path.join(o.out, `${kind}.png`), await lineChartPng(
      ORDERS.map((ord) => ({ name: `${ord} (AUC ${summary[ord][`${kind}Auc`].toFixed(3)})`, x: fractions, y: meanCurve(kind, ord) })),
      { title: `${kind}: mean over ${faces.length} faces`, xLabel: `fraction of pixels ${kind === 'deletion' ? 'removed' : 'inserted'}`, yLabel: 'genuine similarity', xRange: [0, 1] },
    ));
  }
  await writeFile(path.join(o.out, 'deletion-insertion.json'), JSON.stringify({ model: o.model, steps: o.steps, faces: faces.length, skipped, summary,
    perFace: all.map((c, i) => ({ file: faces[i].file, face: faces[i].faceIndex, ...Object.fromEntries(ORDERS.map((ord) => [ord, { deletion: c.deletion[ord].auc, insertion: c.insertion[ord].auc }])) })) }, null, 2));
  await writeFile(path.join(o.out, 'index.html'), `<!doctype html><meta charset="utf-8"><title>deletion/insertion</title><body style="font-family:sans-serif">
<h1>Deletion and insertion curves</h1><pre>${lines.join('\n')}</pre><img src="deletion.png"><img src="insertion.png">
<p>Skipped: ${skipped.length ? skipped.join('; ') : 'none'}</p></body>`);
  process.stderr.write(`plq: results in ${o.out}\n`);
  detector.dispose();
  return 0;
}
