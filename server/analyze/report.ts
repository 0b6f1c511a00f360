/** Writes the `plq analyze` report: index.html, PNG figures, per-face scores, the stored MAM_H files. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { heatmapPng, lineChartPng } from '../image/figures.js';
import { serialiseMam } from '../xai/mam-file.js';
import type { Map2D } from '../xai/map-stats.js';
import type { FaceRecord, ImageResult } from './face-record.js';
import type { QualityMethod } from './quality-methods.js';
import type { SetAnalysis } from './set-analysis.js';

export interface ReportInput {
  out: string;
  model: string;
  faces: readonly FaceRecord[];
  methods: readonly QualityMethod[];
  analysis: SetAnalysis;
  skipped: readonly ImageResult[];
  command: string;
}

const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
const slug = (s: string): string => s.replace(/[^a-zA-Z0-9_-]+/g, '_');
const maxOf = (...maps: Map2D[]): number => Math.max(1e-9, ...maps.map((m) => m.data.reduce((a, b) => Math.max(a, b), 0)));

/** File name of the stored MAM_H for a method. */
export const mamFileName = (method: string): string => `${slug(method)}.mam-h.json`;

export async function writeReport(r: ReportInput): Promise<string> {
  const figDir = path.join(r.out, 'figures');
  await mkdir(figDir, { recursive: true });
  const fig = async (name: string, png: Promise<Buffer>): Promise<string> => {
    await writeFile(path.join(figDir, name), await png);
    return `figures/${name}`;
  };
  const img = (src: string, alt: string) => `<img src="${src}" alt="${esc(alt)}">`;
  const a = r.analysis;
  const html: string[] = [];
  html.push(`<!doctype html><html><head><meta charset="utf-8"><title>plq analyze: ${esc(r.model)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1400px}img{margin:4px;vertical-align:top}table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 8px;text-align:right}h2{border-bottom:1px solid #ccc}.row{display:flex;flex-wrap:wrap}</style></head><body>`);
  html.push(`<h1>Activation-map variation analysis</h1><p>Model <b>${esc(r.model)}</b>, ${a.faces} faces, H/L = the ${(a.fraction * 100).toFixed(0)} % highest / lowest quality faces of each method. Activation maps: Score-CAM of the deepest convolutional layer, [0, 1]. Command: <code>${esc(r.command)}</code></p>`);

  // Per method: MAM, MDAM, AM-V, AM-MV for H and L; D-AM-V, D-AM-MV; histograms; AD-MAM_H examples.
  for (const m of a.methods) {
    const s = slug(m.name);
    const vmax = maxOf(m.statsH.amV, m.statsL.amV, m.statsH.amMV, m.statsL.amMV);
    html.push(`<h2>${esc(m.name)}</h2><p>${m.scored} faces scored; |H| = ${m.high.length}, |L| = ${m.low.length}. Stored MAM_H: <a href="${mamFileName(m.name)}">${mamFileName(m.name)}</a></p><div class="row">`);
    for (const [set, st] of [['H', m.statsH], ['L', m.statsL]] as const) {
      html.push(img(await fig(`${s}-mam-${set}.png`, heatmapPng(st.mam, { lo: 0, hi: 1, title: `MAM ${set}` })), `MAM ${set}`));
      html.push(img(await fig(`${s}-mdam-${set}.png`, heatmapPng(st.mdam, { lo: 0, hi: 1, title: `MDAM ${set}` })), `MDAM ${set}`));
      html.push(img(await fig(`${s}-amv-${set}.png`, heatmapPng(st.amV, { lo: 0, hi: vmax, title: `AM-V ${set}` })), `AM-V ${set}`));
      html.push(img(await fig(`${s}-ammv-${set}.png`, heatmapPng(st.amMV, { lo: 0, hi: vmax, title: `AM-MV ${set}` })), `AM-MV ${set}`));
    }
    const dmax = maxOf(m.dAmV, m.dAmMV);
    html.push(img(await fig(`${s}-damv.png`, heatmapPng(m.dAmV, { lo: 0, hi: dmax, title: 'D-AM-V (H vs L)' })), 'D-AM-V'));
    html.push(img(await fig(`${s}-dammv.png`, heatmapPng(m.dAmMV, { lo: 0, hi: dmax, title: 'D-AM-MV (H vs L)' })), 'D-AM-MV'));
    html.push('</div><div class="row">');
    html.push(img(await fig(`${s}-hist.png`, lineChartPng(
      [{ name: 'H', x: m.histH.edges, y: [...m.histH.shares, 0], step: true }, { name: 'L', x: m.histL.edges, y: [...m.histL.shares, 0], step: true }],
      { title: `${m.name}: activation values, H vs L`, xLabel: 'activation', yLabel: 'share of pixels', xRange: [0, 1] },
    )), 'histogram'));
    const lo = r.faces[m.low[0]], hi = r.faces[m.high[0]];
    const amax = maxOf(m.adMamLowest, m.adMamHighest);
    html.push(img(await fig(`${s}-admam-lowest.png`, heatmapPng(m.adMamLowest, { lo: 0, hi: amax, title: 'AD-MAM_H lowest', under: lo.aligned })), 'AD-MAM_H lowest'));
    html.push(img(await fig(`${s}-admam-highest.png`, heatmapPng(m.adMamHighest, { lo: 0, hi: amax, title: 'AD-MAM_H highest', under: hi.aligned })), 'AD-MAM_H highest'));
    html.push(`</div><p>Lowest: ${esc(path.basename(lo.file))} face ${lo.faceIndex}; highest: ${esc(path.basename(hi.file))} face ${hi.faceIndex}.</p>`);
    await writeFile(path.join(r.out, mamFileName(m.name)), serialiseMam({ format: 'plq-mam/1', model: r.model, method: m.name, fraction: a.fraction, count: m.high.length, map: m.statsH.mam }));
  }

  // Across methods.
  if (a.pairs.length) {
    html.push('<h2>Across methods</h2><div class="row">');
    const pmax = maxOf(...a.pairs.flatMap((p) => [p.dAmVH, p.dAmMVH, p.dAmVL, p.dAmMVL]));
    for (const p of a.pairs) {
      const s = `${slug(p.a)}-vs-${slug(p.b)}`;
      for (const [key, map] of [['D-AM-V H', p.dAmVH], ['D-AM-MV H', p.dAmMVH], ['D-AM-V L', p.dAmVL], ['D-AM-MV L', p.dAmMVL]] as const) {
        html.push(img(await fig(`${s}-${slug(key)}.png`, heatmapPng(map, { lo: 0, hi: pmax, title: `${p.a} vs ${p.b}: ${key}` })), key));
      }
    }
    html.push('</div>');
  }
  const names = a.methods.map((m) => m.name);
  const table = (title: string, mat: number[][]) =>
    `<h3>${title}</h3><table><tr><th></th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>` +
    mat.map((row, i) => `<tr><th>${esc(names[i])}</th>${row.map((v) => `<td style="background:rgba(33,145,140,${v.toFixed(2)})">${v.toFixed(2)}</td>`).join('')}</tr>`).join('') + '</table>';
  html.push('<h2>Overlap of the H and L sets between methods</h2>' + table('H overlap ratio', a.overlapH) + table('L overlap ratio', a.overlapL));

  const ercs = a.methods.filter((m) => m.erc);
  if (ercs.length) {
    const e0 = ercs[0].erc!;
    html.push(`<h2>Error versus reject</h2><p>FNMR at FMR ${(a.fmr * 100).toFixed(2)} % (threshold ${e0.threshold.toFixed(3)} on ${e0.impostorPairs} impostor pairs)${a.unlabelled ? `; ${a.unlabelled} faces without identity left out` : ''}.</p>`);
    html.push(img(await fig('erc.png', lineChartPng(
      ercs.map((m) => ({ name: m.name, x: m.erc!.points.map((p) => p.rejected), y: m.erc!.points.map((p) => p.fnmr) })),
      { title: `ERC, FNMR @ FMR ${(a.fmr * 100).toFixed(2)} %`, xLabel: 'fraction rejected', yLabel: 'FNMR' },
    )), 'ERC'));
    html.push('<table><tr><th>rejected</th>' + ercs.map((m) => `<th>${esc(m.name)}</th>`).join('') + '</tr>' +
      e0.points.map((p, i) => `<tr><td>${p.rejected.toFixed(2)}</td>${ercs.map((m) => `<td>${m.erc!.points[i].fnmr.toFixed(3)} (${m.erc!.points[i].genuinePairs})</td>`).join('')}</tr>`).join('') + '</table>');
  }

  html.push(`<h2>Skipped inputs (${r.skipped.length})</h2><ul>${r.skipped.map((s) => `<li>${esc(s.file)}: ${esc(s.error?.message ?? '')}</li>`).join('')}</ul>`);
  html.push(`<h2>Per-face scores</h2><p><a href="scores.csv">scores.csv</a></p></body></html>`);
  const csv = ['file,face,' + names.join(',')].concat(r.faces.map((f) => `"${f.file}",${f.faceIndex},${r.methods.map((m) => m.score(f)).join(',')}`));
  await writeFile(path.join(r.out, 'scores.csv'), csv.join('\n') + '\n');
  const index = path.join(r.out, 'index.html');
  await writeFile(index, html.join('\n'));
  return index;
}
