/**
 * plq evaluate: every quality candidate judged on the `validate` fold (faces no fit and no
 * threshold saw), printed as the README's table; --json writes the figures for machines.
 */
import { writeFile } from 'node:fs/promises';
import { tf, initBackend, type BackendName } from '../tf/backend.js';
import { FrModel } from '../plq/fr-model.js';
import { MODELS_DIR } from '../plq/model-manifest.js';
import { PixelQualityEngine } from '../plq/pixel-quality.js';
import { calibrate } from '../calibration/calibrate-model.js';
import { foldFaces } from '../faceset/fold-faces.js';
import type { Fold } from '../faceset/face-split.js';
import { DEFAULT_CONFIG } from '../kiosk/config/kiosk-config.js';
import { candidateByName, CANDIDATES, loadCandidateModel, type CandidateSpec } from '../evaluation/candidates.js';
import { evaluateQuality, ercFaces } from '../evaluation/quality-evaluation.js';
import { laplacianVariance } from '../evaluation/metrics.js';
import { rgbTensor } from '../experiments/aligned-set.js';
import { formatEvaluation, type CandidateResult } from '../evaluation/evaluation-report.js';
import { progressLines } from './progress.js';

export interface EvaluateOptions {
  candidates?: string;
  fold: Fold;
  limit?: number;
  maxMapFaces?: number;
  json?: string;
  backend: BackendName | 'auto';
  facesDir?: string;
}


export async function evaluateCommand(opts: EvaluateOptions): Promise<number> {
  if (opts.fold !== 'validate') process.stderr.write(`plq: evaluating on the ${opts.fold} fold: these figures are not evidence (only validate is)\n`);
  const backend = await initBackend(opts.backend);
  const specs: CandidateSpec[] = opts.candidates ? opts.candidates.split(',').map((n) => candidateByName(n.trim())) : CANDIDATES;
  const threshold = DEFAULT_CONFIG.capture.threshold;
  const query = { facesDir: opts.facesDir, limit: opts.limit, onPhoto: progressLines('faces') };

  // one recognition system for every candidate's ERC: mobileface's trained embedding
  const recogniser = await FrModel.load('mobileface', MODELS_DIR, { withoutAdaptedHead: true });
  const recFaces = await foldFaces([opts.fold], recogniser.manifest, query);
  const recognition = new Map<string, Float32Array>();
  const sharpness = new Map<string, number>();
  const eyeDistance = new Map<string, number>();
  for (const f of ercFaces(recFaces.faces)) {
    const x = rgbTensor(f.crop);
    recognition.set(f.record.id, recogniser.embed(x).dataSync() as Float32Array);
    x.dispose();
    sharpness.set(f.record.id, laplacianVariance(f.crop));
    eyeDistance.set(f.record.id, f.record.eyeDistance);
  }
  process.stderr.write(`plq: ${opts.fold} fold: ${recFaces.faces.length} faces from ${recFaces.photos} photos (${recFaces.skipped.length} photos without a usable face); backend ${backend.name}\n`);

  const rows: CandidateResult[] = [];
  for (const spec of specs) {
    let model: FrModel;
    try {
      model = await loadCandidateModel(spec);
    } catch (err) {
      process.stderr.write(`plq: candidate ${spec.name} skipped: ${(err as Error).message}\n`);
      continue;
    }
    let engine = new PixelQualityEngine(model, { qualityNode: spec.qualityNode });
    let calibration = model.manifest.calibration.source;
    if (spec.calibration === 'calibrate-fold') {
      const cal = await foldFaces(['calibrate'], model.manifest, { facesDir: opts.facesDir, filter: (r) => r.clean });
      const xs = cal.faces.map((f) => rgbTensor(f.crop));
      const c = calibrate(engine, xs);
      tf.dispose(xs);
      calibration = `in memory, same rule as plq calibrate, on ${c.faces} clean faces of the calibrate fold`;
      engine.dispose();
      engine = new PixelQualityEngine(model, { qualityNode: spec.qualityNode, calibration: { ...c, source: calibration } });
    }
    // the recogniser's crops serve every model aligned the same way
    const sameCrops = JSON.stringify([model.manifest.inputSize, model.manifest.alignmentTemplate]) === JSON.stringify([recogniser.manifest.inputSize, recogniser.manifest.alignmentTemplate]);
    const faces = sameCrops ? recFaces.faces : (await foldFaces([opts.fold], model.manifest, query)).faces;
    const result = await evaluateQuality(engine, {
      faces,
      recognition,
      baselines: { 'inter-eye distance': eyeDistance, sharpness },
      captureThreshold: threshold,
      maxMapFaces: opts.maxMapFaces,
      onProgress: progressLines(spec.name),
    });
    rows.push({ name: spec.name, description: spec.description, calibration, result });
    engine.dispose();
  }
  const header = `plq evaluate: ${opts.fold} fold of ../shared/faces (${recFaces.faces.length} faces; no fit and no threshold saw them), backend ${backend.name}`;
  process.stdout.write(formatEvaluation(rows, header) + '\n');
  if (opts.json) await writeFile(opts.json, JSON.stringify({ fold: opts.fold, backend: backend.name, rows }, null, 2) + '\n');
  return rows.length === specs.length ? 0 : 1;
}

