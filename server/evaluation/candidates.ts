/**
 * Quality-model candidates that `plq evaluate` compares: a model with its head (trained or
 * dropout-adapted), its quality node, and where its calibration comes from.
 */
import path from 'node:path';
import { FrModel } from '../plq/fr-model.js';
import { MODELS_DIR } from '../plq/model-manifest.js';
import type { QualityNode } from '../plq/pixel-quality.js';

export interface CandidateSpec {
  name: string;
  description: string;
  model: string;
  /** `trained`: the network's own head in the dropout passes; `adapted`: the manifest's adapted head; or a head file. */
  head: 'trained' | 'adapted' | { file: string };
  qualityNode?: QualityNode;
  /**
   * `manifest`: the shipped calibration (made by `plq calibrate` on the calibrate fold);
   * `calibrate-fold`: the same rule, computed in memory on the calibrate fold.
   */
  calibration: 'manifest' | 'calibrate-fold';
}

export const CANDIDATES: CandidateSpec[] = [
  { name: 'mobileface', description: 'mobileface, head adapted on fit (shipped)', model: 'mobileface', head: 'adapted', calibration: 'manifest' },
  { name: 'mobileface-trained', description: 'mobileface, trained head', model: 'mobileface', head: 'trained', calibration: 'calibrate-fold' },
  {
    name: 'mobileface-normalised',
    description: 'mobileface, adapted head, quality node after L2 normalisation',
    model: 'mobileface',
    head: 'adapted',
    qualityNode: 'normalised',
    calibration: 'calibrate-fold',
  },
  { name: 'faceres', description: 'faceres, trained head', model: 'faceres', head: 'trained', calibration: 'manifest' },
  { name: 'faceres-deep', description: 'faceres-deep, trained head', model: 'faceres-deep', head: 'trained', calibration: 'manifest' },
];

/**
 * A named candidate, or `MODEL@HEADFILE`: that model with a head kernel from `plq adapt-head
 * --out`, calibrated on the calibrate fold (for choosing a fit without touching validate).
 */
export function candidateByName(name: string, extra: CandidateSpec[] = []): CandidateSpec {
  const at = name.indexOf('@');
  if (at > 0) {
    const file = name.slice(at + 1);
    return { name, description: `${name.slice(0, at)}, head ${file}`, model: name.slice(0, at), head: { file }, calibration: 'calibrate-fold' };
  }
  const c = [...CANDIDATES, ...extra].find((x) => x.name === name);
  if (!c) throw new Error(`unknown candidate "${name}"; known: ${[...CANDIDATES, ...extra].map((x) => x.name).join(', ')}`);
  return c;
}

export async function loadCandidateModel(c: CandidateSpec, modelsDir = MODELS_DIR): Promise<FrModel> {
  if (c.head === 'trained') return FrModel.load(c.model, modelsDir, { withoutAdaptedHead: true });
  if (c.head === 'adapted') return FrModel.load(c.model, modelsDir);
  return FrModel.load(c.model, modelsDir, { headFile: path.resolve(c.head.file) });
}
