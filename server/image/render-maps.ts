/** PNG renderings of a PLQ result: the map of record, the colour overlay, the aligned crop. */
import sharp from 'sharp';
import type { RgbImage } from '../detect/face-detector.js';
import { rdYlGn } from './colour-map.js';

/** P * 255 as 8-bit greyscale, same size as the aligned input. */
export async function mapToPng(map: Float32Array, width: number, height: number): Promise<Buffer> {
  const px = new Uint8Array(width * height);
  for (let i = 0; i < px.length; i++) px[i] = Math.round(Math.min(1, Math.max(0, map[i])) * 255);
  return sharp(Buffer.from(px), { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
}

export async function rgbToPng(img: RgbImage): Promise<Buffer> {
  return sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).png().toBuffer();
}

/** 3x3 box smoothing for display only: hides the stride-2 checkerboard of raw gradients. */
function displaySmooth(map: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(map.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0, n = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      s += map[yy * w + xx];
      n++;
    }
    out[y * w + x] = s / n;
  }
  return out;
}

export interface OverlayOptions {
  /** Opacity of the colour map over the face, 0..1. */
  opacity?: number;
  /** Output scale factor (the aligned crop is small). */
  scale?: number;
  /** Text drawn at the top, e.g. 'Q^ 0.83'. */
  label?: string;
}

/** The map in RdYlGn blended over the aligned face, upscaled, with a label. */
export async function overlayPng(face: RgbImage, map: Float32Array, options: OverlayOptions = {}): Promise<Buffer> {
  const { width: w, height: h } = face;
  const opacity = options.opacity ?? 0.55;
  const scale = options.scale ?? 3;
  const smooth = displaySmooth(map, w, h);
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const c = rdYlGn(smooth[i]);
    for (let k = 0; k < 3; k++) out[i * 3 + k] = Math.round(face.data[i * 3 + k] * (1 - opacity) + c[k] * opacity);
  }
  const W = w * scale, H = h * scale;
  let img = sharp(Buffer.from(out), { raw: { width: w, height: h, channels: 3 } }).resize(W, H, { kernel: 'cubic' });
  if (options.label) {
    const fontSize = Math.round(H / 14);
    const svg = `<svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">
      <rect x="0" y="0" width="${W}" height="${fontSize * 1.6}" fill="black" fill-opacity="0.55"/>
      <text x="${W / 2}" y="${fontSize * 1.15}" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" fill="white" text-anchor="middle">${escapeXml(options.label)}</text>
    </svg>`;
    img = sharp(await img.png().toBuffer()).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]);
  }
  return img.png().toBuffer();
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
