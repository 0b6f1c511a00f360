/**
 * Synthetic occluders for the guidance evaluation, drawn on a clean booth frame from the face's own
 * 468-point mesh (MediaPipe canonical indices) so that they turn, tilt and scale with the face:
 * sunglasses (two lenses in each eye's own frame, a bridge and the arms), clear eyeglasses (thin
 * rims of several shapes and colours, down to rimless-thin lines, a bridge, the arms, a faint lens
 * sheen), a face mask (the lower
 * face oval up over the nose, a little wider than the face, with pleats), a cap or beanie (a dome
 * over the head down to a line between hairline and brows, with or without a peak) and a hand
 * (palm and fingers, in the face's own skin tone) over the mouth, one cheek or one eye, and closed
 * eyes (each eye's opening covered by a lid in the skin tone around it, with a lash line and a crease).
 * Colours, sizes and placements come from a seeded generator: the same seed gives the same pixels.
 * Nothing is stored: the evaluation draws them on each run. Left/right are the person's own (the
 * person's left is the image's right).
 */
import type { Point } from '../align/similarity.js';
import type { RgbImage } from '../detect/face-detector.js';
import type { GuidanceId } from '../kiosk/guidance/guidance-ids.js';
import { mulberry32 } from '../plq/seeded-random.js';
import { sampleBilinear } from '../image/resample.js';

export const SYNTHETIC_KINDS = ['sunglasses', 'glasses', 'mask', 'cap', 'hand', 'closed-eyes'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

export interface SyntheticOccluder {
  kind: SyntheticKind;
  /** What was drawn (colour, size, placement), for the report. */
  variant: string;
  /** The message the occluder must bring, and related messages left free. */
  must: GuidanceId[];
  free: GuidanceId[];
  image: RgbImage;
}

type RGB = [number, number, number];

// ---- geometry helpers ----
const add = (a: Point, b: Point): Point => [a[0] + b[0], a[1] + b[1]];
const sub = (a: Point, b: Point): Point => [a[0] - b[0], a[1] - b[1]];
const mul = (a: Point, k: number): Point => [a[0] * k, a[1] * k];
const len = (a: Point): number => Math.hypot(a[0], a[1]);
const dot = (a: Point, b: Point): number => a[0] * b[0] + a[1] * b[1];
const lerp = (a: Point, b: Point, t: number): Point => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
const norm = (a: Point): Point => mul(a, 1 / Math.max(1e-9, len(a)));
const mean = (ps: Point[]): Point => mul(ps.reduce(add, [0, 0] as Point), 1 / ps.length);

/** Mesh indices (MediaPipe canonical face mesh). */
const M = {
  rightEyeRing: [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246],
  leftEyeRing: [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466],
  rightEyeOuter: 33,
  rightEyeInner: 133,
  leftEyeOuter: 263,
  leftEyeInner: 362,
  noseBridge: 168,
  noseUpper: 197,
  noseMid: 195,
  noseLow: 5,
  noseTip: 4,
  chin: 152,
  foreheadTop: 10,
  rightEar: 234,
  leftEar: 454,
  rightTemple: 127,
  leftTemple: 356,
  mouthRight: 61,
  mouthLeft: 291,
  upperLip: 13,
  rightCheek: 50,
  leftCheek: 280,
  /** Upper lid creases (the "EyeUpper1" lines of the mesh, outer to inner corner). */
  rightLidCrease: [247, 30, 29, 27, 28, 56, 190],
  leftLidCrease: [467, 260, 259, 257, 258, 286, 414],
  /** Face oval from the top, clockwise on the image (towards the image's right first). */
  oval: [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109],
  /** Brows from the image's left (person's right brow, outer to inner) to the image's right. */
  brows: [70, 63, 105, 66, 107, 336, 296, 334, 293, 300],
};

/**
 * Fills a polygon with anti-aliased edges (4 sub-rows per pixel, exact horizontal coverage),
 * `colour(x, y)` per pixel, blended with `alpha`.
 */
function fillPolygon(img: RgbImage, poly: Point[], colour: (x: number, y: number) => RGB, alpha = 1): void {
  if (poly.length < 3) return;
  const ys = poly.map((p) => p[1]), xs = poly.map((p) => p[0]);
  const y0 = Math.max(0, Math.floor(Math.min(...ys))), y1 = Math.min(img.height - 1, Math.ceil(Math.max(...ys)));
  const x0 = Math.max(0, Math.floor(Math.min(...xs))), x1 = Math.min(img.width - 1, Math.ceil(Math.max(...xs)));
  if (y1 < y0 || x1 < x0) return;
  const w = x1 - x0 + 1;
  const cov = new Float32Array(w);
  const SUB = 4;
  for (let y = y0; y <= y1; y++) {
    cov.fill(0);
    for (let s = 0; s < SUB; s++) {
      const sy = y + (s + 0.5) / SUB;
      const cross: number[] = [];
      for (let i = 0; i < poly.length; i++) {
        const a = poly[i], b = poly[(i + 1) % poly.length];
        if ((a[1] <= sy && b[1] > sy) || (b[1] <= sy && a[1] > sy)) cross.push(a[0] + ((sy - a[1]) / (b[1] - a[1])) * (b[0] - a[0]));
      }
      cross.sort((p, q) => p - q);
      for (let k = 0; k + 1 < cross.length; k += 2) {
        const l = Math.max(x0, cross[k]), r = Math.min(x1 + 1, cross[k + 1]);
        for (let x = Math.floor(l); x < r; x++) {
          const c = Math.min(x + 1, r) - Math.max(x, l);
          if (c > 0) cov[x - x0] += c / SUB;
        }
      }
    }
    for (let i = 0; i < w; i++) {
      const a = Math.min(1, cov[i]) * alpha;
      if (a <= 0) continue;
      const x = x0 + i;
      const rgb = colour(x, y);
      const o = (y * img.width + x) * 3;
      for (let c = 0; c < 3; c++) img.data[o + c] = Math.round(img.data[o + c] * (1 - a) + rgb[c] * a);
    }
  }
}

/** A superellipse outline (|u/a|^n + |v/b|^n = 1) in the frame spanned by unit axes ex, ey around c. */
function superellipse(c: Point, ex: Point, ey: Point, a: number, b: number, n: number, steps = 48): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < steps; i++) {
    const t = (2 * Math.PI * i) / steps;
    const ct = Math.cos(t), st = Math.sin(t);
    const u = a * Math.sign(ct) * Math.abs(ct) ** (2 / n), v = b * Math.sign(st) * Math.abs(st) ** (2 / n);
    out.push(add(c, add(mul(ex, u), mul(ey, v))));
  }
  return out;
}

/** A thick segment as a quadrilateral. */
function bar(a: Point, b: Point, width: number): Point[] {
  const d = norm(sub(b, a));
  const n: Point = [-d[1] * width / 2, d[0] * width / 2];
  return [add(a, n), add(b, n), sub(b, n), sub(a, n)];
}

/** A capsule (rounded bar) outline from a to b. */
function capsule(a: Point, b: Point, width: number, steps = 10): Point[] {
  const d = norm(sub(b, a));
  const n: Point = [-d[1], d[0]];
  const r = width / 2;
  const out: Point[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = -Math.PI / 2 + (Math.PI * i) / steps;
    out.push(add(b, add(mul(d, r * Math.cos(t)), mul(n, r * Math.sin(t)))));
  }
  for (let i = 0; i <= steps; i++) {
    const t = Math.PI / 2 + (Math.PI * i) / steps;
    out.push(add(a, add(mul(d, r * Math.cos(t)), mul(n, r * Math.sin(t)))));
  }
  return out;
}

const shade = (rgb: RGB, k: number): RGB => [rgb[0] * k, rgb[1] * k, rgb[2] * k].map((v) => Math.max(0, Math.min(255, v))) as RGB;

/** The face's own axes: ex along the eyes (image left to right), ey down the face; unit vectors. */
function faceAxes(mesh: Point[]): { ex: Point; ey: Point; ied: number; height: number } {
  const rEye = mean(M.rightEyeRing.map((i) => mesh[i])), lEye = mean(M.leftEyeRing.map((i) => mesh[i]));
  const ex = norm(sub(lEye, rEye));
  const ey: Point = [-ex[1], ex[0]];
  return { ex, ey, ied: len(sub(lEye, rEye)), height: len(sub(mesh[M.chin], mesh[M.foreheadTop])) };
}

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length) % xs.length];
const between = (rnd: () => number, a: number, b: number): number => a + (b - a) * rnd();

// ---- occluders ----

const LENS_COLOURS: Array<[string, RGB, number]> = [
  ['black', [14, 14, 18], 1],
  ['brown', [52, 36, 24], 0.95],
  ['dark green', [22, 40, 30], 0.95],
  ['dark blue', [22, 30, 58], 0.95],
  ['grey mirror', [72, 78, 86], 0.97],
];

function sunglasses(img: RgbImage, mesh: Point[], rnd: () => number): string {
  const [name, rgb, alpha] = pick(rnd, LENS_COLOURS);
  const size = between(rnd, 0.9, 1.2);
  const roundness = pick(rnd, [2.2, 3, 4]);
  const { ex, ey } = faceAxes(mesh);
  const frame: RGB = shade(rgb, 0.6);
  const lenses: Array<{ c: Point; a: number; outer: Point; inner: Point }> = [];
  for (const [ring, outerI, innerI] of [[M.rightEyeRing, M.rightEyeOuter, M.rightEyeInner], [M.leftEyeRing, M.leftEyeOuter, M.leftEyeInner]] as const) {
    const outer = mesh[outerI], inner = mesh[innerI];
    const eyeW = len(sub(outer, inner)); // foreshortened under yaw: the lens follows
    const ax = norm(sub(inner, outer));
    const exLocal = ax[0] * ex[0] + ax[1] * ex[1] >= 0 ? ax : mul(ax, -1);
    const eyLocal: Point = [-exLocal[1], exLocal[0]];
    const c = add(mean(ring.map((i) => mesh[i])), mul(eyLocal, 0.08 * eyeW));
    const a = 1.0 * eyeW * size, b = 0.78 * eyeW * size;
    fillPolygon(img, superellipse(c, exLocal, eyLocal, a * 1.08, b * 1.1, roundness), () => frame);
    fillPolygon(img, superellipse(c, exLocal, eyLocal, a, b, roundness), (x, y) => {
      // a faint sheen from top to bottom
      const t = ((x - c[0]) * ey[0] + (y - c[1]) * ey[1]) / (2 * b) + 0.5;
      return shade(rgb, 1.25 - 0.4 * t);
    }, alpha);
    lenses.push({ c, a, outer, inner });
  }
  const [r, l] = lenses;
  const bw = Math.max(2, 0.06 * len(sub(l.c, r.c)));
  // the bridge between the lenses' inner edges, and the arms towards the ears
  fillPolygon(img, bar(add(r.c, mul(ex, r.a * 0.95)), sub(l.c, mul(ex, l.a * 0.95)), bw), () => frame);
  fillPolygon(img, bar(sub(r.c, mul(ex, r.a)), mesh[M.rightEar], bw), () => frame);
  fillPolygon(img, bar(add(l.c, mul(ex, l.a)), mesh[M.leftEar], bw), () => frame);
  return `${name}, size ${size.toFixed(2)}, roundness ${roundness}`;
}

const FRAME_COLOURS: Array<[string, RGB]> = [
  ['black', [18, 18, 20]],
  ['dark brown', [58, 38, 26]],
  ['tortoise', [96, 64, 38]],
  ['gold', [176, 146, 84]],
  ['silver', [178, 180, 186]],
  ['gunmetal', [84, 86, 92]],
  ['navy', [30, 40, 78]],
  ['clear', [214, 212, 206]],
];

/** A closed outline drawn as a band `width` wide (the ring between the outline scaled out and in). */
function ring(img: RgbImage, outline: (grow: number) => Point[], width: number, colour: (x: number, y: number) => RGB, alpha: number, keep?: (p: Point) => boolean): void {
  const outer = outline(width / 2), inner = outline(-width / 2);
  // quadrilaterals between consecutive outer and inner points
  for (let i = 0; i < outer.length; i++) {
    const j = (i + 1) % outer.length;
    if (keep && !keep(mean([outer[i], outer[j]]))) continue;
    fillPolygon(img, [outer[i], outer[j], inner[j], inner[i]], colour, alpha);
  }
}

/**
 * Clear eyeglasses: rims around each eye (in the eye's own frame, so they turn with it), a bridge
 * over the nose and the arms towards the ears. Shapes from round to rectangular, full rims, half
 * rims (top only) or rimless-thin lines; rim widths from a hairline to a thick acetate frame; a faint
 * sheen on the lenses. The eyes stay visible through them.
 */
function eyeglasses(img: RgbImage, mesh: Point[], rnd: () => number): string {
  const [name, rgb] = pick(rnd, FRAME_COLOURS);
  const size = between(rnd, 0.85, 1.15);
  const roundness = pick(rnd, [2, 2.5, 3.5, 5]);
  const style = pick(rnd, ['full', 'full', 'full', 'half', 'thin'] as const);
  const { ex, ey, ied } = faceAxes(mesh);
  const width = style === 'thin' ? between(rnd, 0.012, 0.022) * ied : between(rnd, 0.025, 0.065) * ied;
  const alpha = style === 'thin' ? between(rnd, 0.55, 0.85) : between(rnd, 0.85, 1);
  const heightRatio = between(rnd, 0.62, 0.85);
  const drop = between(rnd, 0, 0.12);
  const shadeOf = (x: number, y: number): RGB => shade(rgb, 0.9 + 0.2 * (((x * 7 + y * 13) % 10) / 10));
  const lenses: Array<{ c: Point; a: number; ax: Point }> = [];
  for (const [ringIdx, outerI, innerI] of [[M.rightEyeRing, M.rightEyeOuter, M.rightEyeInner], [M.leftEyeRing, M.leftEyeOuter, M.leftEyeInner]] as const) {
    const outer = mesh[outerI], inner = mesh[innerI];
    const eyeW = len(sub(outer, inner));
    const axRaw = norm(sub(inner, outer));
    const ax = axRaw[0] * ex[0] + axRaw[1] * ex[1] >= 0 ? axRaw : mul(axRaw, -1);
    const ay: Point = [-ax[1], ax[0]];
    const c = add(mean(ringIdx.map((i) => mesh[i])), mul(ay, drop * eyeW));
    const a = 1.0 * eyeW * size, b = heightRatio * eyeW * size;
    // a faint sheen: the lens a little lighter
    fillPolygon(img, superellipse(c, ax, ay, a, b, roundness), () => [235, 238, 240], between(rnd, 0.03, 0.1));
    const keepTop = style === 'half' ? (p: Point): boolean => (p[0] - c[0]) * ay[0] + (p[1] - c[1]) * ay[1] < 0.15 * b : undefined;
    ring(img, (g) => superellipse(c, ax, ay, a + g, b + g, roundness, 72), width, shadeOf, alpha, keepTop);
    lenses.push({ c, a, ax });
  }
  const [r, l] = lenses;
  const bw = Math.max(1, width * 0.9);
  const bridgeDrop = mul([-ex[1], ex[0]], -0.1 * ied);
  fillPolygon(img, bar(add(add(r.c, mul(r.ax, r.a)), bridgeDrop), add(sub(l.c, mul(l.ax, l.a)), bridgeDrop), bw), shadeOf, alpha);
  // the arms run back level with the lenses' top half, to above the ears
  const earLift = mul(ey, -0.3 * ied);
  fillPolygon(img, bar(sub(r.c, mul(r.ax, r.a)), add(mesh[M.rightEar], earLift), bw), shadeOf, alpha);
  fillPolygon(img, bar(add(l.c, mul(l.ax, l.a)), add(mesh[M.leftEar], earLift), bw), shadeOf, alpha);
  return `${style} rims, ${name}, ${(width / ied).toFixed(3)} ied wide, size ${size.toFixed(2)}, roundness ${roundness}`;
}

const MASK_COLOURS: Array<[string, RGB]> = [
  ['surgical blue', [142, 182, 212]],
  ['white', [232, 234, 236]],
  ['black', [28, 28, 32]],
  ['grey', [150, 152, 158]],
  ['pink', [218, 168, 180]],
  ['navy', [40, 52, 92]],
];

function mask(img: RgbImage, mesh: Point[], rnd: () => number): string {
  const [name, rgb] = pick(rnd, MASK_COLOURS);
  const top = between(rnd, 0.15, 0.6); // how high over the nose: 0 = the bridge, 1 = the tip
  const widen = between(rnd, 1.02, 1.08);
  const { ey, height } = faceAxes(mesh);
  const centre = mean(M.oval.map((i) => mesh[i]));
  const out = (i: number): Point => add(centre, mul(sub(mesh[i], centre), widen));
  // the lower oval from the image-right cheek (323) round the chin to the image-left cheek (93)
  const lower = [323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93].map(out);
  const noseTop = lerp(mesh[M.noseUpper], mesh[M.noseTip], top);
  const sideUp = (i: number): Point => sub(out(i), mul(ey, 0.04 * height));
  // over the nose from the image-left cheek to the image-right one (the lower oval ends at 93)
  const upper = [sideUp(93), sub(lerp(sideUp(93), noseTop, 0.5), mul(ey, 0.04 * height)), noseTop, sub(lerp(sideUp(323), noseTop, 0.5), mul(ey, 0.04 * height)), sideUp(323)];
  const poly = [...lower, ...upper];
  const mouthY = (mesh[M.upperLip][0] - centre[0]) * ey[0] + (mesh[M.upperLip][1] - centre[1]) * ey[1];
  fillPolygon(img, poly, (x, y) => {
    // three soft pleats across the mouth and a little shading towards the edge
    const v = (x - centre[0]) * ey[0] + (y - centre[1]) * ey[1];
    const pleat = Math.cos(((v - mouthY) / (0.07 * height)) * Math.PI);
    return shade(rgb, 0.96 + 0.05 * pleat);
  });
  return `${name}, top ${top.toFixed(2)} of the nose, width x${widen.toFixed(2)}`;
}

const CAP_COLOURS: Array<[string, RGB]> = [
  ['red', [178, 32, 38]],
  ['navy', [32, 42, 82]],
  ['black', [26, 26, 28]],
  ['beige', [198, 178, 140]],
  ['white', [230, 230, 228]],
  ['green', [52, 92, 54]],
  ['grey', [128, 128, 132]],
];

function cap(img: RgbImage, mesh: Point[], rnd: () => number): string {
  const [name, rgb] = pick(rnd, CAP_COLOURS);
  const depth = between(rnd, 0.35, 0.8); // the lower edge: 0 = at the hairline (point 10), 1 = on the brows
  const peak = rnd() < 0.6;
  const { ex, ey, height } = faceAxes(mesh);
  const brows = M.brows.map((i) => mesh[i]);
  const browMid = mean(brows);
  const top10 = mesh[M.foreheadTop];
  const up = (browMid[0] - top10[0]) * ey[0] + (browMid[1] - top10[1]) * ey[1]; // brows below point 10, > 0
  const lift = (1 - depth) * up;
  const edge = brows.map((p) => sub(p, mul(ey, lift + 0.03 * height)));
  // extend the edge sideways to the temples
  const rT = sub(mesh[M.rightTemple], mul(ey, lift * 0.8)), lT = sub(mesh[M.leftTemple], mul(ey, lift * 0.8));
  const bottom = [sub(rT, mul(ex, 0.04 * height)), ...edge, add(lT, mul(ex, 0.04 * height))];
  const a = len(sub(bottom[bottom.length - 1], bottom[0])) / 2;
  const c = mean(edge);
  const domeH = 0.4 * height + lift;
  const dome: Point[] = [];
  for (let i = 1; i < 24; i++) {
    const t = Math.PI * (i / 24);
    dome.push(add(c, add(mul(ex, a * Math.cos(t) * 1.02), mul(ey, -domeH * Math.sin(t)))));
  }
  // the edge runs image-left to image-right, the dome back from right to left
  fillPolygon(img, [...bottom, ...dome], (x, y) => {
    const v = (x - c[0]) * ey[0] + (y - c[1]) * ey[1];
    return shade(rgb, 0.85 + 0.25 * Math.max(0, Math.min(1, -v / domeH)));
  });
  if (peak) {
    // a peak: a darker crescent below the edge, over the brows' centre
    const pc = add(c, mul(ey, 0.02 * height));
    fillPolygon(img, superellipse(pc, ex, ey, a * 0.75, 0.07 * height, 2.2), () => shade(rgb, 0.7));
  } else {
    // a beanie's folded band
    fillPolygon(img, [...bottom, ...bottom.slice().reverse().map((p) => sub(p, mul(ey, 0.08 * height)))], () => shade(rgb, 0.88));
  }
  return `${peak ? 'cap' : 'beanie'}, ${name}, down ${depth.toFixed(2)} of the forehead`;
}

export const HAND_PLACES = ['mouth', 'left-cheek', 'right-cheek', 'left-eye', 'right-eye'] as const;
export type HandPlace = (typeof HAND_PLACES)[number];

function hand(img: RgbImage, mesh: Point[], rnd: () => number, place: HandPlace): string {
  const { ex, ey, ied } = faceAxes(mesh);
  const size = between(rnd, 0.9, 1.15);
  // the face's own skin tone, from both cheeks, a little lighter or darker
  const skin = sampleColour(img, [mesh[M.rightCheek], mesh[M.leftCheek]], 3);
  const tone = between(rnd, 0.9, 1.1);
  const base = shade(skin, tone);
  let centre: Point;
  let tilt = between(rnd, -0.35, 0.35); // radians off the face's up axis
  const sideSign = place.startsWith('left') ? 1 : -1; // person's left = image right = +ex
  switch (place) {
    case 'mouth':
      centre = lerp(mesh[M.upperLip], mesh[M.chin], 0.25);
      tilt = between(rnd, 1.2, 1.5) * (rnd() < 0.5 ? 1 : -1); // a hand held across the mouth, fingers sideways
      break;
    case 'left-cheek':
    case 'right-cheek':
      centre = add(mesh[place === 'left-cheek' ? M.leftCheek : M.rightCheek], mul(ex, sideSign * 0.12 * ied));
      break;
    default: {
      const ring = place === 'left-eye' ? M.leftEyeRing : M.rightEyeRing;
      centre = add(mean(ring.map((i) => mesh[i])), mul(ey, 0.35 * ied));
    }
  }
  // palm: an ellipse below the fingers' roots; fingers point "up" along the hand's axis
  const cu = Math.cos(tilt), su = Math.sin(tilt);
  const hx: Point = add(mul(ex, cu), mul(ey, su)); // across the palm
  const hy: Point = add(mul(ey, cu), mul(ex, -su)); // wrist to fingertips is -hy
  const palmW = 0.62 * ied * size, palmH = 0.7 * ied * size;
  const palmC = place === 'mouth' ? centre : add(centre, mul(hy, 0.45 * palmH));
  const fillSkin = (x: number, y: number): RGB => {
    const d = len(sub([x, y], palmC)) / (2.2 * palmH);
    return shade(base, 1.04 - 0.16 * Math.min(1, d));
  };
  fillPolygon(img, superellipse(palmC, hx, hy, palmW, palmH, 2.3), fillSkin);
  const fingerW = 0.3 * ied * size;
  const lengths = [0.95, 1.08, 1.0, 0.8].map((k) => k * 0.95 * ied * size);
  for (let f = 0; f < 4; f++) {
    const root = add(palmC, add(mul(hx, (-0.72 + 0.48 * f) * palmW), mul(hy, -0.75 * palmH)));
    const tip = add(root, mul(hy, -lengths[f]));
    fillPolygon(img, capsule(root, tip, fingerW), fillSkin);
    // the gap between fingers
    if (f > 0) fillPolygon(img, bar(add(root, mul(hx, -fingerW / 2)), add(tip, mul(hx, -fingerW / 2)), Math.max(1, 0.035 * ied)), () => shade(base, 0.72), 0.8);
  }
  const thumbRoot = add(palmC, add(mul(hx, -0.85 * palmW), mul(hy, 0.2 * palmH)));
  fillPolygon(img, capsule(thumbRoot, add(thumbRoot, add(mul(hx, -0.55 * ied * size), mul(hy, -0.45 * ied * size))), fingerW * 1.1), fillSkin);
  return `${place}, size ${size.toFixed(2)}, tone x${tone.toFixed(2)}, tilt ${tilt.toFixed(2)}`;
}

/** Mean colour of a small square around each point. */
function sampleColour(img: RgbImage, points: Point[], r = 2): RGB {
  const s: RGB = [0, 0, 0];
  let n = 0;
  for (const p of points) {
    const [cx, cy] = p.map(Math.round);
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
      const x = Math.min(img.width - 1, Math.max(0, cx + dx)), y = Math.min(img.height - 1, Math.max(0, cy + dy));
      const o = (y * img.width + x) * 3;
      s[0] += img.data[o];
      s[1] += img.data[o + 1];
      s[2] += img.data[o + 2];
      n++;
    }
  }
  return [s[0] / n, s[1] / n, s[2] / n];
}

/**
 * Closed eyes, drawn as a retoucher would shut them: each eye's opening and its rims (the mesh ring,
 * grown more across the eye than along it, so no line of the open eye's outline is left) are
 * covered by the lid skin above the eye, cloned from the band between the upper lid and the brow
 * (squeezed to fit, so the lid keeps the photo's own grain, blur, make-up and light), shaded darker
 * towards the lash line and blended in with a soft edge. The lash line runs low across the opening,
 * as a closed lid's does, and a faint crease sits above. Fully closed, or nearly shut with a thin
 * slit of the eye left at the bottom.
 */
function closedEyes(img: RgbImage, mesh: Point[], rnd: () => number): string {
  const tone = between(rnd, 0.94, 1.04);
  const slit = rnd() < 0.3 ? between(rnd, 0.12, 0.22) : 0; // share of the opening left open
  const lash = between(rnd, 0.03, 0.06); // lash line width, of the eye's width
  const lashDark = between(rnd, 0.3, 0.55);
  const lashLow = between(rnd, 0.65, 0.85); // where the lash line runs: 0 = upper lid edge, 1 = lower
  const source: RgbImage = { width: img.width, height: img.height, data: Uint8Array.from(img.data) };
  const clone: RGB = [0, 0, 0];
  for (const [ringIdx, crease] of [[M.rightEyeRing, M.rightLidCrease], [M.leftEyeRing, M.leftLidCrease]] as const) {
    const ringPts = ringIdx.map((i) => mesh[i]);
    // ring order: outer corner, lower lid, inner corner, upper lid (inner to outer)
    const lower = resample(ringPts.slice(0, 9), 13);
    const upper = resample([ringPts[8], ...ringPts.slice(9), ringPts[0]].reverse(), 13); // outer to inner corner
    const eyeW = len(sub(ringPts[8], ringPts[0]));
    const c = mean(ringPts);
    // the eye's own axes: ex along it, ey across it (down the face)
    const ex = norm(sub(ringPts[8], ringPts[0]));
    const ey: Point = [-ex[1], ex[0]];
    const down: Point = dot(sub(mean(lower), mean(upper)), ey) >= 0 ? ey : mul(ey, -1);
    const grow = (p: Point, along: number, across: number): Point => {
      const d = sub(p, c);
      return add(c, add(mul(ex, dot(d, ex) * along), mul(down, dot(d, down) * across)));
    };
    // the lid's edge runs between the upper and the lower lid line
    const edge = upper.map((u, i) => lerp(u, lower[i], slit > 0 ? 1 - slit : lashLow));
    const lidTop = upper.map((p) => grow(p, 1.1, 1.6));
    const lidBottom = slit > 0 ? edge : lower.map((p) => grow(p, 1.1, 1.5));
    const lid = [...lidTop, ...[...lidBottom].reverse()];
    // the clone's source: the band of lid skin above the lid, below the brow
    const vTop = Math.min(...lidTop.map((p) => dot(sub(p, c), down)));
    const vBottom = Math.max(...lidBottom.map((p) => dot(sub(p, c), down)));
    const band = 0.3 * eyeW;
    const alpha = softCoverage(img.width, img.height, lid, Math.max(1, 0.05 * eyeW));
    for (let y = alpha.y0; y < alpha.y0 + alpha.h; y++) {
      for (let x = alpha.x0; x < alpha.x0 + alpha.w; x++) {
        const a = alpha.data[(y - alpha.y0) * alpha.w + (x - alpha.x0)];
        if (a <= 0.002) continue;
        const d = sub([x + 0.5, y + 0.5], c);
        const v = dot(d, down);
        const t = Math.max(0, Math.min(1, (v - vTop) / Math.max(1e-6, vBottom - vTop)));
        const src = add(c, add(mul(ex, dot(d, ex)), mul(down, vTop - band + t * band)));
        sampleBilinear(source, src[0] - 0.5, src[1] - 0.5, clone); // src is in pixel-centre coordinates
        const rgb = shade(clone, tone * (1.02 - 0.12 * t));
        const o = (y * img.width + x) * 3;
        for (let k = 0; k < 3; k++) img.data[o + k] = Math.round(img.data[o + k] * (1 - a) + rgb[k] * a);
      }
    }
    // the lashes along the lid's edge, thinning towards the corners, and a faint crease above
    const lidSkin = sampleColour(source, crease.map((i) => mesh[i]), Math.max(1, Math.round(0.04 * eyeW)));
    for (let i = 0; i + 1 < edge.length; i++) {
      const w = lash * eyeW * (0.5 + Math.sin((Math.PI * (i + 0.5)) / (edge.length - 1)));
      fillPolygon(img, capsule(edge[i], edge[i + 1], w, 4), () => shade(lidSkin, lashDark), 0.85);
    }
    const creaseLine = resample(crease.map((i) => mesh[i]), 13).map((p, i) => lerp(lidTop[i], p, 0.45));
    for (let i = 0; i + 1 < creaseLine.length; i++) fillPolygon(img, capsule(creaseLine[i], creaseLine[i + 1], 0.025 * eyeW, 3), () => shade(lidSkin, 0.85), 0.3);
  }
  return `${slit > 0 ? `nearly shut (slit ${slit.toFixed(2)})` : 'closed'}, lashes ${lash.toFixed(3)} x${lashDark.toFixed(2)}, tone x${tone.toFixed(2)}`;
}

/** A polygon's pixel coverage (0..1), box-blurred twice by `radius` px: a soft-edged mask over its box. */
function softCoverage(width: number, height: number, poly: Point[], radius: number): { x0: number; y0: number; w: number; h: number; data: Float32Array } {
  const r = Math.max(1, Math.round(radius)), m = 2 * r + 1;
  const x0 = Math.max(0, Math.floor(Math.min(...poly.map((p) => p[0]))) - m), x1 = Math.min(width - 1, Math.ceil(Math.max(...poly.map((p) => p[0]))) + m);
  const y0 = Math.max(0, Math.floor(Math.min(...poly.map((p) => p[1]))) - m), y1 = Math.min(height - 1, Math.ceil(Math.max(...poly.map((p) => p[1]))) + m);
  const w = Math.max(0, x1 - x0 + 1), h = Math.max(0, y1 - y0 + 1);
  const scratch: RgbImage = { width: w, height: h, data: new Uint8Array(w * h * 3) };
  fillPolygon(scratch, poly.map((p) => [p[0] - x0, p[1] - y0] as Point), () => [255, 255, 255]);
  let data: Float32Array = Float32Array.from({ length: w * h }, (_, i) => scratch.data[i * 3] / 255);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let k = -r; k <= r; k++) {
        const xx = horizontal ? x + k : x, yy = horizontal ? y : y + k;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        s += src[yy * w + xx];
        n++;
      }
      out[y * w + x] = s / n;
    }
    return out;
  };
  for (let i = 0; i < 2; i++) data = pass(pass(data, true), false);
  return { x0, y0, w, h, data };
}

/** `n` points evenly spaced by arc length along a polyline. */
function resample(line: Point[], n: number): Point[] {
  const cum = [0];
  for (let i = 1; i < line.length; i++) cum.push(cum[i - 1] + len(sub(line[i], line[i - 1])));
  const total = cum[cum.length - 1];
  const out: Point[] = [];
  for (let k = 0, j = 0; k < n; k++) {
    const d = (total * k) / (n - 1);
    while (j < line.length - 2 && cum[j + 1] < d) j++;
    const seg = cum[j + 1] - cum[j];
    out.push(lerp(line[j], line[j + 1], seg > 0 ? (d - cum[j]) / seg : 0));
  }
  return out;
}

const HAND_LABELS: Record<HandPlace, { must: GuidanceId; free: GuidanceId[] }> = {
  mouth: { must: 'uncover-mouth', free: ['uncover-left-cheek', 'uncover-right-cheek', 'close-mouth'] },
  'left-cheek': { must: 'uncover-left-cheek', free: ['uncover-mouth', 'uncover-left-eye'] },
  'right-cheek': { must: 'uncover-right-cheek', free: ['uncover-mouth', 'uncover-right-eye'] },
  'left-eye': { must: 'uncover-left-eye', free: ['uncover-left-cheek', 'remove-headgear', 'remove-glasses'] },
  'right-eye': { must: 'uncover-right-eye', free: ['uncover-right-cheek', 'remove-headgear', 'remove-glasses'] },
};

/** A 32-bit seed from text (FNV-1a). */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The seed `plq evaluate guidance` draws `kind` with on face `face` of `file` (its case
 * `file#face`) in seed run `run`: a bench or a test drawing through it sees the evaluation's case.
 */
export function evaluationSeed(file: string, face: number, kind: SyntheticKind, run = 1): number {
  return seedOf(`${file}#${face}/${kind}/${run}`);
}

/** Draws one occluder of `kind` on a copy of `frame`; `seed` fixes colour, size and placement. */
export function drawSynthetic(frame: RgbImage, mesh: Point[], kind: SyntheticKind, seed: number): SyntheticOccluder {
  if (mesh.length < 468) throw new Error('synthetic occluders need the 468-point mesh');
  const image: RgbImage = { width: frame.width, height: frame.height, data: Uint8Array.from(frame.data) };
  const rnd = mulberry32(seed);
  switch (kind) {
    case 'sunglasses':
      return { kind, variant: sunglasses(image, mesh, rnd), must: ['remove-sunglasses'], free: ['remove-glasses'], image };
    case 'glasses':
      return { kind, variant: eyeglasses(image, mesh, rnd), must: ['remove-glasses'], free: [], image };
    case 'mask':
      return { kind, variant: mask(image, mesh, rnd), must: ['uncover-mouth'], free: ['uncover-left-cheek', 'uncover-right-cheek', 'close-mouth'], image };
    case 'cap':
      return { kind, variant: cap(image, mesh, rnd), must: ['remove-headgear'], free: [], image };
    case 'hand': {
      const place = pick(rnd, HAND_PLACES);
      const l = HAND_LABELS[place];
      return { kind, variant: hand(image, mesh, rnd, place), must: [l.must], free: l.free, image };
    }
    case 'closed-eyes':
      return { kind, variant: closedEyes(image, mesh, rnd), must: ['open-eyes'], free: [], image };
  }
}
