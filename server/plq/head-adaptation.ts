/**
 * Adapting a trained embedding head to dropout, once, offline.
 *
 * SER-FIQ assumes the network was trained with dropout at the pre-embedding state. For a head
 * z = h W that never saw dropout, we fit W' so that dropout passes reproduce the trained output
 * in the least-squares sense over face activations h:
 *   min_W' E_{h,d} || (h * d) W' - h W ||^2,   d_i in {0, 1/(1-p)} with P(d_i = 0) = p.
 * With C = E[h h^T], E[(h*d)(h*d)^T] = C + (p / (1 - p)) diag(C), so the normal equations give
 *   W' = (C + (p / (1 - p)) diag C)^-1 C W.
 * The trained head stays the recognition head; W' is used only for the m dropout passes.
 */

/** Second-moment matrix C = (1/n) sum h h^T of activations rows [n, d] (Float64, d x d). */
export function secondMoment(rows: Float32Array[], d: number): Float64Array {
  const c = new Float64Array(d * d);
  for (const h of rows) {
    for (let i = 0; i < d; i++) {
      const hi = h[i];
      if (hi === 0) continue;
      const off = i * d;
      for (let j = i; j < d; j++) c[off + j] += hi * h[j];
    }
  }
  const n = rows.length;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = c[i * d + j] / n;
      c[i * d + j] = v;
      c[j * d + i] = v;
    }
  }
  return c;
}

/** In-place Cholesky factorisation of a symmetric positive-definite d x d matrix (lower). */
function cholesky(a: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j];
    for (let k = 0; k < j; k++) s -= a[j * d + k] * a[j * d + k];
    if (s <= 0) throw new Error(`matrix is not positive definite at column ${j}`);
    const ljj = Math.sqrt(s);
    a[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j];
      for (let k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = t / ljj;
    }
  }
}

/** Solves A X = B for SPD A (d x d) and B (d x k), both row-major. */
export function solveSpd(a: Float64Array, b: Float64Array, d: number, k: number): Float64Array {
  const l = Float64Array.from(a);
  cholesky(l, d);
  const x = Float64Array.from(b);
  for (let col = 0; col < k; col++) {
    for (let i = 0; i < d; i++) {
      let s = x[i * k + col];
      for (let j = 0; j < i; j++) s -= l[i * d + j] * x[j * k + col];
      x[i * k + col] = s / l[i * d + i];
    }
    for (let i = d - 1; i >= 0; i--) {
      let s = x[i * k + col];
      for (let j = i + 1; j < d; j++) s -= l[j * d + i] * x[j * k + col];
      x[i * k + col] = s / l[i * d + i];
    }
  }
  return x;
}

/**
 * W' = (C + (p/(1-p)) (diag C - mu diag C_neg) + ridge * mean(diag C) I)^-1 C W.
 *
 * Without `damaged` this is the plain adaptation: dropout passes reproduce the trained output
 * on the fitting faces. With `damaged` (the mean squared activation per unit, diag C_neg, of
 * blurred / downscaled versions of the fitting faces, and a weight mu) the fit also *rewards*
 * dropout noise on damaged faces, mu E_neg ||(h * d) W' - h W'||^2 = mu (p/(1-p)) tr(W'^T diag(C_neg) W'):
 * units that fire for damaged faces more than for clean ones keep large weights, so dropout
 * passes of a damaged face disagree and its Q falls. The diagonal is floored at a tenth of the
 * plain dropout term so the system stays positive definite.
 */
export function fitDropoutHead(
  c: Float64Array,
  kernel: Float32Array,
  d: number,
  k: number,
  p: number,
  ridge = 1e-6,
  damaged?: { diag: Float64Array; mu: number },
): Float32Array {
  const a = Float64Array.from(c);
  let meanDiag = 0;
  for (let i = 0; i < d; i++) meanDiag += c[i * d + i];
  meanDiag /= d;
  const f = p / (1 - p);
  for (let i = 0; i < d; i++) {
    const cii = c[i * d + i];
    const dropout = damaged ? Math.max(f * (cii - damaged.mu * damaged.diag[i]), 0.1 * f * cii) : f * cii;
    a[i * d + i] += dropout + ridge * meanDiag;
  }
  const cw = new Float64Array(d * k);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const cij = c[i * d + j];
      if (cij === 0) continue;
      for (let col = 0; col < k; col++) cw[i * k + col] += cij * kernel[j * k + col];
    }
  }
  return Float32Array.from(solveSpd(a, cw, d, k));
}

/** Mean of h_i^2 per unit over activation rows (the diagonal of their second moment). */
export function meanSquares(rows: Float32Array[], d: number): Float64Array {
  const out = new Float64Array(d);
  for (const h of rows) for (let i = 0; i < d; i++) out[i] += h[i] * h[i];
  for (let i = 0; i < d; i++) out[i] /= Math.max(rows.length, 1);
  return out;
}
