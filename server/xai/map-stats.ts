/**
 * Pixel-wise statistics over a stack of activation maps (DESIGN.md section 3, Fu & Damer):
 * MAM (mean), MDAM (median), AM-V (population standard deviation around the mean) and
 * AM-MV (sqrt(mean((a - median)^2)), the variation around the median).
 */

/** A single-channel map, row-major. */
export interface Map2D {
  width: number;
  height: number;
  data: Float32Array;
}

export interface StackStats {
  /** Number of maps in the stack. */
  count: number;
  mam: Map2D;
  mdam: Map2D;
  amV: Map2D;
  amMV: Map2D;
}

function checkStack(stack: readonly Map2D[]): { width: number; height: number } {
  if (stack.length === 0) throw new Error('map statistics need at least one map');
  const { width, height } = stack[0];
  for (const m of stack) {
    if (m.width !== width || m.height !== height || m.data.length !== width * height) {
      throw new Error(`maps differ in size: ${m.width}x${m.height} vs ${width}x${height}`);
    }
  }
  return { width, height };
}

/** Median of a small array (sorted copy; mean of the two middle values for even lengths). */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  if (n === 0) throw new Error('median of an empty set');
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** MAM, MDAM, AM-V and AM-MV of a stack of equally sized maps. */
export function stackStats(stack: readonly Map2D[]): StackStats {
  const { width, height } = checkStack(stack);
  const n = width * height;
  const k = stack.length;
  const mam = new Float32Array(n), mdam = new Float32Array(n), amV = new Float32Array(n), amMV = new Float32Array(n);
  const column = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      column[j] = stack[j].data[i];
      sum += column[j];
    }
    const mean = sum / k;
    const med = median(column);
    let v = 0, mv = 0;
    for (let j = 0; j < k; j++) {
      v += (column[j] - mean) ** 2;
      mv += (column[j] - med) ** 2;
    }
    mam[i] = mean;
    mdam[i] = med;
    amV[i] = Math.sqrt(v / k);
    amMV[i] = Math.sqrt(mv / k);
  }
  const wrap = (data: Float32Array): Map2D => ({ width, height, data });
  return { count: k, mam: wrap(mam), mdam: wrap(mdam), amV: wrap(amV), amMV: wrap(amMV) };
}

/** |a - b| pixel-wise: D-AM-V, D-AM-MV (H vs L, or method 1 vs method 2). */
export function absDiff(a: Map2D, b: Map2D): Map2D {
  checkStack([a, b]);
  const data = new Float32Array(a.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.abs(a.data[i] - b.data[i]);
  return { width: a.width, height: a.height, data };
}

/**
 * AD-MAM_H(I) = |a(I) - MAM_H|: where one image's activation map deviates from the mean map of
 * high-quality images. Pure and cheap, so the kiosk can run it live with a stored MAM_H.
 */
export function adMam(map: Map2D, mamH: Map2D): Map2D {
  return absDiff(map, mamH);
}

/** Mean of a map's values. */
export function mapMean(m: Map2D): number {
  let s = 0;
  for (const v of m.data) s += v;
  return s / m.data.length;
}
