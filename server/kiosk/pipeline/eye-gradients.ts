/**
 * What an eye looks like, for the closed-eye probe: a histogram of oriented grey-level gradients
 * (HOG) over a window around each eye of the finely aligned crop. An open eye draws an iris disc
 * between two corners of white; a shut one a lash line across skin. The attention mesh's lids
 * (eyelid-model.ts) read many drawn closed eyes of the fit and calibrate folds as open; with these
 * histograms beside them and the embedding, a probe told 44 of calibrate's 52 closed-eyed faces
 * where the lids' rule told 19. On validate it also told narrowed, smiling eyes to open (18 % of
 * clean faces), so the kiosk runs it only with `guidance.closedEyeProbe` (README, "Closed eyes:
 * the eyes' gradient histograms"). The histograms are measured on every tracked frame regardless.
 */
import type { Point } from '../../align/similarity.js';
import type { GreyAt } from './region-appearance.js';

/** Window around each eye centre, in inter-eye distances: wide enough for both corners, high enough for the lids. */
const WINDOW_WIDTH = 0.9;
const WINDOW_HEIGHT = 0.56;
/** Samples across and down the window; cells of CELL x CELL samples; orientation bins over 0..pi. */
export const EYE_GRID: Readonly<{ width: number; height: number; cell: number; bins: number }> = { width: 32, height: 20, cell: 4, bins: 6 };
/** Numbers per eye: cell rows x cell columns x bins. */
export const EYE_GRADIENT_SIZE = (EYE_GRID.height / EYE_GRID.cell) * (EYE_GRID.width / EYE_GRID.cell) * EYE_GRID.bins;

/** Each histogram number's name, in order: its cell's row and column and its orientation bin. */
export const EYE_GRADIENT_NAMES: readonly string[] = Array.from({ length: EYE_GRADIENT_SIZE }, (_, k) => {
  const cell = Math.floor(k / EYE_GRID.bins), cols = EYE_GRID.width / EYE_GRID.cell;
  return `r${Math.floor(cell / cols)} c${cell % cols} b${k % EYE_GRID.bins}`;
});

/** The two eyes' histograms, each {@link EYE_GRADIENT_SIZE} long, cells row by row, bins within a cell. */
export interface EyeGradients {
  /** The person's right eye (the image's left). */
  right: number[];
  left: number[];
}

/**
 * Unit-length HOG of the window around `centre` (grey levels `at`, eye distance `d` pixels).
 * Central differences inside the window, none on its rim; a gradient falls in one bin by angle.
 */
export function eyeGradientHistogram(at: GreyAt, centre: Point, d: number): number[] {
  const { width: W, height: H, cell, bins } = EYE_GRID;
  const g = new Float64Array(W * H);
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const x = centre[0] + ((i + 0.5) / W - 0.5) * WINDOW_WIDTH * d;
      const y = centre[1] + ((j + 0.5) / H - 0.5) * WINDOW_HEIGHT * d;
      g[j * W + i] = at(Math.round(x), Math.round(y));
    }
  }
  const cols = W / cell;
  const hist = new Array<number>(EYE_GRADIENT_SIZE).fill(0);
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const gx = i > 0 && i < W - 1 ? (g[j * W + i + 1] - g[j * W + i - 1]) / 2 : 0;
      const gy = j > 0 && j < H - 1 ? (g[(j + 1) * W + i] - g[(j - 1) * W + i]) / 2 : 0;
      const mag = Math.hypot(gx, gy);
      if (mag === 0) continue;
      let angle = Math.atan2(gy, gx);
      if (angle < 0) angle += Math.PI;
      const bin = Math.min(bins - 1, Math.floor((angle / Math.PI) * bins));
      hist[(Math.floor(j / cell) * cols + Math.floor(i / cell)) * bins + bin] += mag;
    }
  }
  const norm = Math.hypot(...hist) + 1e-6;
  return hist.map((v) => v / norm);
}

/** Both eyes' histograms; `eyes` are the template's eye centres (image-left first) in the crop `at` samples. */
export function eyeGradients(at: GreyAt, eyes: [Point, Point]): EyeGradients {
  const d = Math.hypot(eyes[1][0] - eyes[0][0], eyes[1][1] - eyes[0][1]);
  return { right: eyeGradientHistogram(at, eyes[0], d), left: eyeGradientHistogram(at, eyes[1], d) };
}
