/**
 * plq evaluate guidance: every labelled face of a fold (models/guidance-labels.csv), framed like a
 * booth camera (the other faces of a group photo pixelated), and synthetic sunglasses, masks, caps
 * and hands drawn from the mesh on its clean faces, each held in front of the kiosk's own pipeline
 * (tracker worker, PLQ worker, rules, hysteresis: guidance-runner.ts) with the kiosk config `plq
 * serve` would use; per guidance id: recall, precision, false alarms on clean frontal faces,
 * support, and a confusion table.
 */
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { initBackend, type BackendName } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { loadConfig } from '../kiosk/config/load-config.js';
import type { KioskConfig } from '../kiosk/config/kiosk-config.js';
import { GUIDANCE_IDS, type GuidanceId } from '../kiosk/guidance/guidance-ids.js';
import { defaultFacesDir } from '../faceset/shared-faces.js';
import { evenly } from '../faceset/fold-faces.js';
import type { Fold } from '../faceset/face-split.js';
import { LABELS_FILE, readLabels, type GuidanceLabel } from '../faceset/guidance-labels.js';
import { PhotoMeshes, boothFramesOf } from '../evaluation/guidance-frames.js';
import { GuidanceRunner } from '../evaluation/guidance-runner.js';
import { drawSynthetic, evaluationSeed, SYNTHETIC_KINDS, type SyntheticKind } from '../evaluation/synthetic-occluders.js';
import type { GuidanceDetectors } from '../kiosk/guidance/guidance-detectors.js';
import type { RegionAppearance } from '../kiosk/pipeline/region-appearance.js';
import { evaluateGuidance, formatGuidanceEvaluation, type CaseResult, type GuidanceCase, type GuidanceEvaluation } from '../evaluation/guidance-evaluation.js';
import { progressLines } from './progress.js';
import { mirrorImage, mirrorSide } from '../evaluation/mirror.js';

export interface EvaluateGuidanceOptions {
  /** Label file (default models/guidance-labels.csv). */
  set?: string;
  fold: Fold;
  /** At most this many labelled real faces, taken evenly (synthetic cases come from the clean ones among them). */
  limit?: number;
  /** Synthetic occluder kinds drawn on each clean face (default all; [] = none). */
  synthetic?: readonly SyntheticKind[];
  seed?: number;
  /** More seeds: each draws one more set of synthetic occluders on the clean faces (training cases for plq fit-detectors). */
  extraSeeds?: readonly number[];
  /** Also each real face mirrored (the person's left and right swapped in its labels): more cases for plq fit-detectors. */
  mirror?: boolean;
  config?: string;
  profile?: string;
  backend: BackendName | 'auto';
  facesDir?: string;
  /** Only faces whose `<file>#<face>` id passes (tests pick a subset). */
  filter?: (label: GuidanceLabel) => boolean;
  /** Synthetic occluders only on the clean faces that pass (default: every clean face). */
  syntheticOn?: (label: GuidanceLabel) => boolean;
  onProgress?: (done: number, total: number) => void;
  /** Learned detectors; undefined: models/guidance-detectors.json as plq serve loads it; null: rules only. */
  detectors?: GuidanceDetectors | null;
  /**
   * plq evaluate capture: hold each face until the kiosk captures it or this long, with the display's
   * own cap of `maxShown` messages (as a person sees the kiosk; a shown message is what blocks).
   */
  captureHoldMs?: number;
}

export interface GuidanceEvaluationRun {
  evaluation: GuidanceEvaluation;
  results: CaseResult[];
  config: KioskConfig;
  /** Labelled faces whose photo no longer has that face (detections changed): listed, not scored. */
  missing: string[];
  /** The learned detectors the pipeline ran with (null: rules only). */
  detectors: GuidanceDetectors | null;
}

/**
 * The kiosk config `plq serve` would use, showing every message that passes the hysteresis (the
 * display's cap of `maxShown` is left out), or exactly as `plq serve` would for a capture evaluation.
 */
export async function evaluationConfig(opts: Pick<EvaluateGuidanceOptions, 'config' | 'profile' | 'backend' | 'captureHoldMs'>): Promise<KioskConfig> {
  const config = await loadConfig({ file: opts.config, profile: opts.profile, overrides: { engine: { backend: opts.backend } } });
  if (opts.captureHoldMs !== undefined) return config;
  return { ...config, guidance: { ...config.guidance, maxShown: GUIDANCE_IDS.length } };
}

export async function runGuidanceEvaluation(opts: EvaluateGuidanceOptions): Promise<GuidanceEvaluationRun> {
  const all = await readLabels(opts.set ?? LABELS_FILE);
  const labels = evenly(
    all.filter((l) => l.fold === opts.fold && (l.must.length > 0 || l.mustNot.length > 0) && (opts.filter?.(l) ?? true)),
    opts.limit,
  );
  const kinds = opts.synthetic ?? SYNTHETIC_KINDS;
  const seeds = [opts.seed ?? 1, ...(opts.extraSeeds ?? [])];
  const facesDir = opts.facesDir ?? defaultFacesDir();
  const config = await evaluationConfig(opts);
  let backendReady = false;
  const meshes = new PhotoMeshes(async () => {
    if (!backendReady) await initBackend(opts.backend);
    backendReady = true;
    return HumanFaceDetector.create({ maxFaces: 20 });
  });
  const runner = await GuidanceRunner.start(config, {
    detectors: opts.detectors,
    ...(opts.captureHoldMs !== undefined ? { captureHoldMs: opts.captureHoldMs } : {}),
  });
  const results: CaseResult[] = [];
  const missing: string[] = [];
  const synthOn = (l: GuidanceLabel): boolean => l.clean && (opts.syntheticOn?.(l) ?? true);
  const total = labels.length * (opts.mirror ? 2 : 1) + labels.filter(synthOn).length * kinds.length * seeds.length;
  let done = 0;
  try {
    for await (const { face: label, id, frame } of boothFramesOf(labels, meshes, facesDir)) {
      if (!frame) {
        missing.push(id);
        continue;
      }
      const base: GuidanceCase = { id, source: 'real', fold: label.fold, clean: label.clean, must: label.must, mustNot: label.mustNot };
      results.push({ ...base, run: await runner.run(frame.image) });
      opts.onProgress?.(++done, total);
      if (opts.mirror) {
        const mirrored = { ...base, id: `${id}/mirrored`, must: base.must.map(mirrorSide), mustNot: base.mustNot.map(mirrorSide) };
        results.push({ ...mirrored, run: await runner.run(mirrorImage(frame.image)) });
        opts.onProgress?.(++done, total);
      }
      if (!synthOn(label)) continue;
      for (const seed of seeds) {
        for (const kind of kinds) {
          const occ = drawSynthetic(frame.image, frame.mesh, kind, evaluationSeed(label.file, label.face, kind, seed));
          const excluded = new Set<GuidanceId>([...occ.must, ...occ.free]);
          results.push({
            id: seed === 1 ? `${id}/${kind}` : `${id}/${kind}/seed-${seed}`,
            source: 'synthetic',
            kind,
            seed,
            variant: occ.variant,
            fold: label.fold,
            clean: false,
            must: occ.must,
            mustNot: label.mustNot.filter((x) => !excluded.has(x)),
            run: await runner.run(occ.image),
          });
          opts.onProgress?.(++done, total);
        }
      }
    }
  } finally {
    await runner.close();
  }
  return { evaluation: evaluateGuidance(results, opts.fold), results, config, missing, detectors: runner.detectors };
}

/**
 * One evaluated case as `--json` writes it and `plq fit-detectors` trains on it (from the file, or
 * straight from a run: the same numbers either way).
 */
const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** The eyes' gradient histograms to 4 decimals, as the embedding (480 numbers a case). */
function roundEyeGradients<M extends { appearance: RegionAppearance }>(m: M): M {
  const g = m.appearance.eyeGradients;
  return g ? { ...m, appearance: { ...m.appearance, eyeGradients: { right: g.right.map(round4), left: g.left.map(round4) } } } : m;
}

export function caseRecord({ run: r, ...c }: CaseResult) {
  return {
    ...c,
    emitted: r.emitted,
    final: r.final,
    tracked: r.tracked,
    withFace: r.withFace,
    detectorFrames: r.detectorFrames,
    competingFaces: r.competingFaces,
    plqResults: r.plqResults,
    qualityScaled: r.plq?.qualityScaled ?? null,
    regions: r.plq?.regions ?? null,
    // the FR template of the last assessed frame, for plq fit-detectors (4 decimals)
    embedding: r.plq ? Array.from(r.plq.embedding, round4) : null,
    measurements: r.measurements && roundEyeGradients(r.measurements),
    captured: r.captured,
    captureAtMs: r.captureAtMs,
    latest: r.latest,
    holdMs: r.holdMs,
  };
}

export interface EvaluateGuidanceCommandOptions extends EvaluateGuidanceOptions {
  /** true: JSON on stdout instead of the table; a path: the table on stdout and JSON to that file. */
  json?: boolean | string;
}

/** Labelled faces whose photo no longer has that face, one stderr line each (plq evaluate guidance and capture). */
export function reportMissing(missing: readonly string[]): void {
  for (const m of missing) process.stderr.write(`plq: ${m}: the photo no longer has this face (labels out of date?)\n`);
}

/** `--json`: true, the JSON alone on stdout; a path, the table on stdout and the JSON to that file; absent, the table. */
export async function writeEvaluation(table: string, json: unknown, out: boolean | string | undefined): Promise<void> {
  if (out === true) process.stdout.write(JSON.stringify(json) + '\n');
  else {
    process.stdout.write(table + '\n');
    if (typeof out === 'string') await writeFile(out, JSON.stringify(json, null, 2) + '\n');
  }
}

export async function evaluateGuidanceCommand(opts: EvaluateGuidanceCommandOptions): Promise<number> {
  if (opts.fold !== 'validate') process.stderr.write(`plq: evaluating guidance on the ${opts.fold} fold: these figures are not evidence (only validate is)\n`);
  const t0 = Date.now();
  const run = await runGuidanceEvaluation({ ...opts, onProgress: opts.onProgress ?? progressLines('guidance', 10_000) });
  const { evaluation, results, config, missing, detectors } = run;
  reportMissing(missing);
  const header =
    `plq evaluate guidance: ${opts.fold} fold of ../shared/faces, labels ${path.relative(process.cwd(), opts.set ?? LABELS_FILE)}; ` +
    `kiosk config ${config.profile ?? 'defaults'}${opts.config ? ` + ${opts.config}` : ''} (showAfterMs ${config.guidance.showAfterMs}, every message that passes the hysteresis), ` +
    `${detectors ? `learned detectors for ${detectors.detectors.map((d) => d.id).join(', ')}` : 'rules only'}, ` +
    `${Math.round((Date.now() - t0) / 1000)} s`;
  const json = {
    fold: opts.fold,
    labels: opts.set ?? LABELS_FILE,
    profile: config.profile,
    detectors: detectors ? detectors.detectors.map((d) => ({ id: d.id, mode: d.mode, threshold: d.threshold })) : null,
    seed: opts.seed ?? 1,
    ...(opts.extraSeeds?.length ? { extraSeeds: opts.extraSeeds } : {}),
    mirror: opts.mirror ?? false,
    evaluation,
    missing,
    cases: results.map(caseRecord),
  };
  await writeEvaluation(formatGuidanceEvaluation(evaluation, header), json, opts.json);
  return missing.length ? 1 : 0;
}

