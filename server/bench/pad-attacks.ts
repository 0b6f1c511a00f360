/**
 * Attack-like images made from a bona fide photo, for `npm run bench:pad`: what a kiosk camera
 * might see when someone holds up (a) a phone or framed photo, (b) a screen (moiré of the
 * screen's RGB sub-pixel grid against the camera's pixel grid), (c) a paper print (halftone,
 * paper texture, washed-out contrast). Synthetic stand-ins, not recorded attacks: they show how
 * the models react to these cues, not how a real attack instrument scores (README).
 * All deterministic for a given seed; 640x480 (the kiosk's frame size) unless told otherwise.
 */
import sharp from 'sharp';
import type { RgbImage } from '../detect/face-detector.js';
import { mulberry32 } from '../plq/seeded-random.js';
import { sampleBilinear } from '../image/resample.js';
import { luma } from '../image/luma.js';

export const FRAME_W = 640;
export const FRAME_H = 480;
/** Face box height / frame height in the kiosk framing (a person at a gate, ~1 m away). */
export const FACE_SHARE = 0.42;

export type Box = [number, number, number, number];

/** Small seeded PRNG (mulberry32). */
export const rng = mulberry32;

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);
const raw = (img: RgbImage) => ({ raw: { width: img.width, height: img.height, channels: 3 as const } });

async function fromSharp(s: sharp.Sharp): Promise<RgbImage> {
  const { data, info } = await s.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/**
 * The region `rect` (x, y, w, h in source pixels, may reach outside) resampled to outW x outH;
 * outside the photo its edge pixels are repeated (as in the face-set loader).
 */
export async function cropRegion(src: RgbImage, rect: Box, outW: number, outH: number): Promise<RgbImage> {
  const [x, y, w, h] = rect.map(Math.round) as Box;
  const left = Math.max(0, -x), top = Math.max(0, -y);
  const right = Math.max(0, x + w - src.width), bottom = Math.max(0, y + h - src.height);
  let padded = src;
  if (left || top || right || bottom) {
    padded = await fromSharp(sharp(Buffer.from(src.data), raw(src)).extend({ left, top, right, bottom, extendWith: 'copy' }));
  }
  return fromSharp(
    sharp(Buffer.from(padded.data), raw(padded))
      .extract({ left: x + left, top: y + top, width: w, height: h })
      .resize(outW, outH, { kernel: 'lanczos3', fit: 'fill' }),
  );
}

/** The rectangle of aspect w:h around a face box, with the face box `share` of its height. */
export function rectAround(box: Box, aspect: number, share: number): Box {
  const h = box[3] / share;
  const w = h * aspect;
  const cx = box[0] + box[2] / 2, cy = box[1] + box[3] / 2 - box[3] * 0.05;
  return [cx - w / 2, cy - h / 2, w, h];
}

/** The bona fide photo framed like a kiosk camera frame: 640x480, face ~42 % of the height. */
export function kioskFrame(photo: RgbImage, box: Box): Promise<RgbImage> {
  return cropRegion(photo, rectAround(box, FRAME_W / FRAME_H, FACE_SHARE), FRAME_W, FRAME_H);
}

/** A camera's last steps: slight optical blur and JPEG at quality 85. */
async function camera(img: RgbImage, sigma: number): Promise<RgbImage> {
  const jpeg = await sharp(Buffer.from(img.data), raw(img)).blur(sigma).jpeg({ quality: 85 }).toBuffer();
  return fromSharp(sharp(jpeg));
}

/** Smooth value noise in 0..1 on a grid of `cell` pixels. */
function valueNoise(w: number, h: number, cell: number, rand: () => number): Float32Array {
  const gw = Math.ceil(w / cell) + 2, gh = Math.ceil(h / cell) + 2;
  const g = Float32Array.from({ length: gw * gh }, () => rand());
  const out = new Float32Array(w * h);
  const s = (t: number): number => t * t * (3 - 2 * t);
  for (let y = 0; y < h; y++) {
    const gy = y / cell, y0 = Math.floor(gy), fy = s(gy - y0);
    for (let x = 0; x < w; x++) {
      const gx = x / cell, x0 = Math.floor(gx), fx = s(gx - x0);
      const a = g[y0 * gw + x0], b = g[y0 * gw + x0 + 1], c = g[(y0 + 1) * gw + x0], d = g[(y0 + 1) * gw + x0 + 1];
      out[y * w + x] = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }
  }
  return out;
}

/** Signed distance to a rounded rectangle of half-size (hw, hh) and corner radius r (negative inside). */
function roundedRectDistance(x: number, y: number, hw: number, hh: number, r: number): number {
  const qx = Math.abs(x) - (hw - r), qy = Math.abs(y) - (hh - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/**
 * (a) The photo on a phone or in a photo frame held up to the camera: the face, smaller than
 * in the live framing, on a 3:4 screen inside a bright bezel with a dark rim, turned a few
 * degrees, with a soft shadow, screen glare and raised screen black, on a room-like background.
 */
export async function phoneAttack(photo: RgbImage, box: Box, seed: number): Promise<RgbImage> {
  const rand = rng(seed);
  const screenH = Math.round(FRAME_H * (0.6 + 0.08 * rand()));
  const screenW = Math.round(screenH * 0.75);
  const screen = await cropRegion(photo, rectAround(box, 0.75, 0.5), screenW, screenH);
  const bezel = Math.round(screenH * (0.05 + 0.03 * rand()));
  const hw = screenW / 2 + bezel, hh = screenH / 2 + bezel * 1.6, radius = bezel * 1.4;
  const angle = ((rand() * 2 - 1) * 7 * Math.PI) / 180;
  const cx = FRAME_W / 2 + (rand() * 2 - 1) * 30, cy = FRAME_H / 2 + (rand() * 2 - 1) * 15;
  const bezelTone = 225 + 20 * rand();
  const wall = [130 + 40 * rand(), 120 + 35 * rand(), 105 + 35 * rand()];
  const blobs = valueNoise(FRAME_W, FRAME_H, 90, rand);
  const grain = rng(seed ^ 0x5bd1e995);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const glareDir = rand() * Math.PI * 2;
  const shadowDx = 8, shadowDy = 11;
  const out = new Uint8Array(FRAME_W * FRAME_H * 3);
  const px = new Float32Array(3);
  const local = (x: number, y: number): [number, number] => [cos * (x - cx) + sin * (y - cy), -sin * (x - cx) + cos * (y - cy)];
  for (let y = 0; y < FRAME_H; y++) {
    for (let x = 0; x < FRAME_W; x++) {
      const o = (y * FRAME_W + x) * 3;
      // background: a wall with a vertical light falloff and soft blotches, sensor noise
      const fall = 1.1 - 0.35 * (y / FRAME_H);
      const blot = 0.85 + 0.3 * blobs[y * FRAME_W + x];
      const bg = wall.map((v) => v * fall * blot + (grain() - 0.5) * 6);
      // shadow of the phone on the background
      const [sx, sy] = local(x - shadowDx, y - shadowDy);
      const sd = roundedRectDistance(sx, sy, hw, hh, radius);
      const shade = 1 - 0.35 * Math.min(1, Math.max(0, (8 - sd) / 16));
      const [lx, ly] = local(x, y);
      const d = roundedRectDistance(lx, ly, hw, hh, radius);
      const cover = Math.min(1, Math.max(0, 0.5 - d));
      let fg = [0, 0, 0];
      if (cover > 0) {
        const u = lx + screenW / 2, v = ly + screenH / 2;
        if (u >= 0 && v >= 0 && u <= screenW - 1 && v <= screenH - 1) {
          sampleBilinear(screen, u, v, px);
          const g = 0.14 * Math.max(0, Math.cos(glareDir) * (u / screenW - 0.5) + Math.sin(glareDir) * (v / screenH - 0.5) + 0.3);
          fg = [0, 1, 2].map((c) => 16 + px[c] * 0.9 + 255 * g);
        } else {
          const rim = d > -2.5 ? 0.45 : 1; // a dark rim around the bright bezel
          fg = [bezelTone * rim, bezelTone * rim, (bezelTone + 4) * rim];
        }
      }
      for (let c = 0; c < 3; c++) out[o + c] = clamp8(bg[c] * shade * (1 - cover) + fg[c] * cover);
    }
  }
  return camera({ width: FRAME_W, height: FRAME_H, data: out }, 0.6);
}

/**
 * (b) The photo shown on a screen filmed by the camera: the screen's pixels (R, G, B sub-pixel
 * stripes and a dark row gap), a little larger than a camera pixel and turned a few degrees,
 * integrated over each camera pixel (4x4 samples), alias into coloured moiré bands; blended
 * with the picture (the camera's defocus softens the grid), raised black, cooler white.
 */
export async function moireAttack(photo: RgbImage, box: Box, seed: number): Promise<RgbImage> {
  const rand = rng(seed);
  const framed = await kioskFrame(photo, box);
  const theta = (((1 + 6 * rand()) * Math.PI) / 180) * (rand() < 0.5 ? -1 : 1);
  const pitch = 1.1 + 0.3 * rand(); // screen pixel in camera pixels
  const strength = 0.35 + 0.25 * rand();
  const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
  const white = [0.94, 0.98, 1.04];
  const S = 4;
  const out = new Uint8Array(framed.data.length);
  const emit = [0, 0, 0];
  for (let y = 0; y < FRAME_H; y++) {
    for (let x = 0; x < FRAME_W; x++) {
      emit[0] = emit[1] = emit[2] = 0;
      for (let j = 0; j < S; j++) {
        for (let i = 0; i < S; i++) {
          const sx = x + (i + 0.5) / S, sy = y + (j + 0.5) / S;
          const u = (sx * cos + sy * sin) / pitch, v = (-sx * sin + sy * cos) / pitch;
          if (v - Math.floor(v) > 0.8) continue; // row gap (black matrix)
          emit[Math.min(2, Math.floor((u - Math.floor(u)) * 3))] += 1;
        }
      }
      const o = (y * FRAME_W + x) * 3;
      for (let c = 0; c < 3; c++) {
        const grid = (emit[c] * 3) / (S * S * 0.8); // 1 on average
        out[o + c] = clamp8((14 + framed.data[o + c] * 0.92) * white[c] * (1 - strength + strength * grid));
      }
    }
  }
  return camera({ width: FRAME_W, height: FRAME_H, data: out }, 0.5);
}

/**
 * (c) A paper print held up: desaturated, lower contrast (lifted black, greyer white, warm
 * paper), a rotated halftone dot screen, paper texture (blotches and grain) and uneven light.
 */
export async function printAttack(photo: RgbImage, box: Box, seed: number): Promise<RgbImage> {
  const rand = rng(seed);
  const framed = await kioskFrame(photo, box);
  const sat = 0.35 + 0.2 * rand();
  const period = 3 + 1.5 * rand();
  const angle = ((30 + 30 * rand()) * Math.PI) / 180;
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const paper = [250, 244, 228];
  const blotch = valueNoise(FRAME_W, FRAME_H, 24, rand);
  const grain = rng(seed ^ 0x27d4eb2d);
  const lightDir = rand() * Math.PI * 2;
  const out = new Uint8Array(framed.data.length);
  for (let y = 0; y < FRAME_H; y++) {
    for (let x = 0; x < FRAME_W; x++) {
      const o = (y * FRAME_W + x) * 3;
      const r = framed.data[o], g = framed.data[o + 1], b = framed.data[o + 2];
      const lum = luma(r, g, b);
      const u = (x * cos + y * sin) / period, v = (-x * sin + y * cos) / period;
      const dot = 0.5 + 0.25 * (Math.cos(2 * Math.PI * u) + Math.cos(2 * Math.PI * v)); // 0..1
      const tex = 1 + 0.06 * (blotch[y * FRAME_W + x] - 0.5) + 0.05 * (grain() - 0.5);
      const light = 0.92 + 0.1 * (Math.cos(lightDir) * (x / FRAME_W - 0.5) + Math.sin(lightDir) * (y / FRAME_H - 0.5) + 0.5);
      for (let c = 0; c < 3; c++) {
        const cont = lum + sat * ([r, g, b][c] - lum);
        const ink = 1 - cont / 255; // coverage 0..1
        const t = Math.min(1, Math.max(0, (ink - dot) / 0.25 + 0.5)); // soft-edged dot
        const printed = 0.45 * (1 - t) + 0.55 * (1 - ink); // dots, partly averaged by the camera
        const toned = 32 + printed * (paper[c] - 32) * 0.86;
        out[o + c] = clamp8(toned * tex * light);
      }
    }
  }
  return camera({ width: FRAME_W, height: FRAME_H, data: out }, 0.7);
}

export const ATTACKS = { phone: phoneAttack, moire: moireAttack, print: printAttack } as const;
export type AttackKind = keyof typeof ATTACKS;
