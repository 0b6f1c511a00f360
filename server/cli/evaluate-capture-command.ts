/**
 * plq evaluate capture: the labelled faces of a fold and the synthetic occluders on its clean faces
 * (as plq evaluate guidance), each held in front of the kiosk's own pipeline with the config `plq
 * serve` would use until the kiosk captures it by itself or the hold ends. Reports how many clean
 * frontal faces were captured and how soon, how many faces with a blocking condition were captured
 * anyway, and what held the others back.
 */
import path from 'node:path';
import { LABELS_FILE } from '../faceset/guidance-labels.js';
import { evaluateCapture, formatCaptureEvaluation } from '../evaluation/capture-evaluation.js';
import { caseRecord, reportMissing, runGuidanceEvaluation, writeEvaluation, type EvaluateGuidanceOptions } from './evaluate-guidance-command.js';
import { progressLines } from './progress.js';

/** How long a face is held when it is not captured: a person waits a few seconds at a booth. */
export const DEFAULT_CAPTURE_HOLD_MS = 4000;

export interface EvaluateCaptureCommandOptions extends Omit<EvaluateGuidanceOptions, 'captureHoldMs' | 'mirror' | 'extraSeeds'> {
  holdMs?: number;
  /** true: JSON on stdout instead of the table; a path: the table on stdout and JSON to that file. */
  json?: boolean | string;
}

export async function evaluateCaptureCommand(opts: EvaluateCaptureCommandOptions): Promise<number> {
  if (opts.fold !== 'validate') process.stderr.write(`plq: evaluating capture on the ${opts.fold} fold: these figures are not evidence (only validate is)\n`);
  const holdMs = opts.holdMs ?? DEFAULT_CAPTURE_HOLD_MS;
  const t0 = Date.now();
  const { results, config, missing, detectors } = await runGuidanceEvaluation({
    ...opts,
    captureHoldMs: holdMs,
    onProgress: opts.onProgress ?? progressLines('capture', 10_000),
  });
  reportMissing(missing);
  const evaluation = evaluateCapture(results, opts.fold, holdMs);
  const header =
    `plq evaluate capture: ${opts.fold} fold of ../shared/faces, labels ${path.relative(process.cwd(), opts.set ?? LABELS_FILE)}; ` +
    `kiosk config ${config.profile ?? 'defaults'}${opts.config ? ` + ${opts.config}` : ''} (threshold ${config.capture.threshold}, ` +
    `${config.capture.successive} successive results, showAfterMs ${config.guidance.showAfterMs}); ` +
    `${detectors ? 'learned detectors' : 'rules only'}; each face held until captured or ${holdMs / 1000} s; ${Math.round((Date.now() - t0) / 1000)} s`;
  const json = {
    fold: opts.fold,
    labels: opts.set ?? LABELS_FILE,
    profile: config.profile,
    holdMs,
    seed: opts.seed ?? 1,
    evaluation,
    missing,
    cases: results.map(caseRecord).map(({ embedding: _e, ...c }) => c),
  };
  await writeEvaluation(formatCaptureEvaluation(evaluation, header), json, opts.json);
  return missing.length ? 1 : 0;
}
