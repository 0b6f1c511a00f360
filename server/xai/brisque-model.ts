/**
 * A linear BRISQUE regressor: standardised features -> score (higher = worse, like BRISQUE's
 * 0..100 scale). Fitted by ridge regression (plq fit-brisque; see docs/xai.md for the training
 * set) because the LIVE-trained SVR of the original is not shipped by any package here.
 */
import { solveSpd } from '../plq/head-adaptation.js';
import { BRISQUE_FEATURES } from './brisque-features.js';

export interface BrisqueModel {
  format: 'plq-brisque-linear/1';
  featureMean: number[];
  featureStd: number[];
  weights: number[];
  bias: number;
  /** How the model was fitted (command, images, distortions). */
  source: string;
}

export function brisqueScore(model: BrisqueModel, features: readonly number[]): number {
  if (features.length !== BRISQUE_FEATURES) throw new Error(`expected ${BRISQUE_FEATURES} features, got ${features.length}`);
  let s = model.bias;
  for (let i = 0; i < features.length; i++) s += model.weights[i] * ((features[i] - model.featureMean[i]) / model.featureStd[i]);
  return s;
}

/** Ridge regression on standardised features: min ||Xw + b - y||^2 + lambda ||w||^2. */
export function fitBrisque(features: readonly number[][], targets: readonly number[], lambda: number, source: string): BrisqueModel {
  const n = features.length, d = BRISQUE_FEATURES;
  if (n !== targets.length || n < 2) throw new Error('need at least two feature rows, one target each');
  const mean = new Array<number>(d).fill(0), std = new Array<number>(d).fill(0);
  for (const f of features) for (let j = 0; j < d; j++) mean[j] += f[j] / n;
  for (const f of features) for (let j = 0; j < d; j++) std[j] += (f[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  const yMean = targets.reduce((a, b) => a + b, 0) / n;
  const a = new Float64Array(d * d), b = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const x = features[i].map((v, j) => (v - mean[j]) / std[j]);
    for (let p = 0; p < d; p++) {
      b[p] += x[p] * (targets[i] - yMean);
      for (let q = 0; q < d; q++) a[p * d + q] += x[p] * x[q];
    }
  }
  for (let p = 0; p < d; p++) a[p * d + p] += lambda;
  const w = solveSpd(a, b, d, 1);
  return { format: 'plq-brisque-linear/1', featureMean: mean, featureStd: std, weights: Array.from(w), bias: yMean, source };
}

export function parseBrisqueModel(json: unknown, file: string): BrisqueModel {
  const m = json as Partial<BrisqueModel>;
  const ok = (a: unknown): boolean => Array.isArray(a) && a.length === BRISQUE_FEATURES && a.every((v) => Number.isFinite(v));
  if (m?.format !== 'plq-brisque-linear/1' || !ok(m.featureMean) || !ok(m.featureStd) || !ok(m.weights) || !Number.isFinite(m.bias)) {
    throw new Error(`${file} is not a plq-brisque-linear/1 model`);
  }
  return m as BrisqueModel;
}
