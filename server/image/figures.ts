/** PNG figures for reports: heat maps of single-channel maps and simple line charts (SVG rasterised by sharp/librsvg). */
import sharp from 'sharp';
import type { Map2D } from '../xai/map-stats.js';

const VIRIDIS: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

/** Viridis, approximated by linear interpolation between five stops; v in [0, 1]. */
export function viridis(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(t));
  const f = t - i;
  return [0, 1, 2].map((k) => Math.round(VIRIDIS[i][k] * (1 - f) + VIRIDIS[i + 1][k] * f)) as [number, number, number];
}

const esc = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface HeatmapOptions {
  /** Value range mapped to the colour scale (default: 0 .. max of the map). */
  lo?: number;
  hi?: number;
  scale?: number;
  title?: string;
  /** Optional face (same size, interleaved RGB) the map is blended over. */
  under?: Uint8Array;
}

/** A map in viridis with its title and the value range of the colour bar. */
export async function heatmapPng(map: Map2D, options: HeatmapOptions = {}): Promise<Buffer> {
  const { width: w, height: h, data } = map;
  let max = 0;
  for (const v of data) max = Math.max(max, v);
  const lo = options.lo ?? 0, hi = options.hi ?? (max > lo ? max : lo + 1);
  const px = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const c = viridis((data[i] - lo) / (hi - lo));
    for (let k = 0; k < 3; k++) px[i * 3 + k] = options.under ? Math.round(0.45 * options.under[i * 3 + k] + 0.55 * c[k]) : c[k];
  }
  const s = options.scale ?? 2;
  const W = w * s, H = h * s, top = 22, bar = 14, bottom = 18;
  const img = await sharp(Buffer.from(px), { raw: { width: w, height: h, channels: 3 } }).resize(W, H, { kernel: 'nearest' }).png().toBuffer();
  const stops = VIRIDIS.map((c, i) => `<stop offset="${i / (VIRIDIS.length - 1)}" stop-color="rgb(${c.join(',')})"/>`).join('');
  const fmt = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(2) : v.toExponential(1));
  const svg = `<svg width="${W}" height="${H + top + bar + bottom}" xmlns="http://www.w3.org/2000/svg">
    <defs><linearGradient id="g">${stops}</linearGradient></defs>
    <rect width="100%" height="100%" fill="white"/>
    <text x="${W / 2}" y="15" font-family="DejaVu Sans, sans-serif" font-size="12" text-anchor="middle">${esc(options.title ?? '')}</text>
    <rect x="0" y="${H + top + 2}" width="${W}" height="${bar - 4}" fill="url(#g)"/>
    <text x="0" y="${H + top + bar + 13}" font-family="DejaVu Sans, sans-serif" font-size="11">${fmt(lo)}</text>
    <text x="${W}" y="${H + top + bar + 13}" font-family="DejaVu Sans, sans-serif" font-size="11" text-anchor="end">${fmt(hi)}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).composite([{ input: img, top, left: 0 }]).png().toBuffer();
}

export interface Series {
  name: string;
  x: readonly number[];
  y: readonly number[];
  /** Draw as steps (histograms). */
  step?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  xRange?: [number, number];
  yRange?: [number, number];
  width?: number;
  height?: number;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** A line chart with axes, ticks and a legend. */
export async function lineChartPng(series: readonly Series[], o: ChartOptions): Promise<Buffer> {
  const W = o.width ?? 520, H = o.height ?? 340, L = 56, R = 14, T = 28, B = 44;
  const finite = (v: number) => Number.isFinite(v);
  const xs = series.flatMap((s) => s.x).filter(finite), ys = series.flatMap((s) => s.y).filter(finite);
  const [x0, x1] = o.xRange ?? [Math.min(...xs, 0), Math.max(...xs, 1)];
  let [y0, y1] = o.yRange ?? [Math.min(...ys, 0), Math.max(...ys, 1e-9)];
  if (y1 <= y0) y1 = y0 + 1;
  const px = (x: number) => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R);
  const py = (y: number) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const ticks = (a: number, b: number) => Array.from({ length: 6 }, (_, i) => a + ((b - a) * i) / 5);
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : Math.abs(v) >= 0.1 || v === 0 ? v.toFixed(2) : v.toFixed(3));
  const font = 'font-family="DejaVu Sans, sans-serif"';
  const parts: string[] = [
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2}" y="18" ${font} font-size="13" text-anchor="middle">${esc(o.title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 8}" ${font} font-size="12" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text x="14" y="${(T + H - B) / 2}" ${font} font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(o.yLabel)}</text>`,
  ];
  for (const t of ticks(x0, x1)) parts.push(`<text x="${px(t)}" y="${H - B + 15}" ${font} font-size="10" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of ticks(y0, y1)) {
    parts.push(`<text x="${L - 5}" y="${py(t) + 3}" ${font} font-size="10" text-anchor="end">${fmt(t)}</text>`);
    parts.push(`<line x1="${L}" y1="${py(t)}" x2="${W - R}" y2="${py(t)}" stroke="#ddd"/>`);
  }
  series.forEach((s, k) => {
    const c = COLOURS[k % COLOURS.length];
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      if (!finite(s.y[i])) continue;
      if (s.step && i + 1 < s.x.length) pts.push(`${px(s.x[i])},${py(s.y[i])} ${px(s.x[i + 1])},${py(s.y[i])}`);
      else pts.push(`${px(s.x[i])},${py(s.y[i])}`);
    }
    parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`);
    parts.push(`<rect x="${W - R - 150}" y="${T + 4 + k * 16}" width="10" height="10" fill="${c}"/>`);
    parts.push(`<text x="${W - R - 135}" y="${T + 13 + k * 16}" ${font} font-size="11">${esc(s.name)}</text>`);
  });
  return sharp(Buffer.from(`<svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`)).png().toBuffer();
}
