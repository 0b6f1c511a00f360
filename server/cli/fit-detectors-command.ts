/**
 * plq fit-detectors: the learned occlusion detectors (server/evaluation/fit-detectors.ts), trained
 * on the fit fold and thresholded on the calibrate fold, written to models/guidance-detectors.json
 * with the command and the figures. The cases are the kiosk's own measurements of each labelled
 * face and synthetic occluder, taken through the pipeline exactly as `plq evaluate guidance` takes
 * them (rules only), or read from that command's --json output of the two folds (--cases).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { initBackend, type BackendName } from '../tf/backend.js';
import { DETECTOR_FEATURES, DETECTORS_FILE, type GuidanceDetectors } from '../kiosk/guidance/guidance-detectors.js';
import { EDGE_CROP_SCALE } from '../kiosk/pipeline/region-appearance.js';
import type { Fold } from '../faceset/face-split.js';
import { DETECTOR_EDGE_L2, DETECTOR_L2, DETECTOR_TRAINING, FIT_OPTIONS, FIT_SETTINGS, fitDetectors, type DetectorFigures, type FitOptions, type TrainingCase } from '../evaluation/fit-detectors.js';
import { caseRecord, runGuidanceEvaluation } from './evaluate-guidance-command.js';
import { progressLines } from './progress.js';
import { splitFileGroups } from './guidance-labels-command.js';

export interface FitDetectorsOptions {
  /** `plq evaluate guidance --json` outputs of the fit and the calibrate fold, instead of running them. */
  cases?: [string, string];
  out?: string;
  dryRun: boolean;
  backend: BackendName | 'auto';
  /** How the fit fold is held out by person and where the thresholds come from (FitOptions); default FIT_OPTIONS. */
  fit?: Partial<FitOptions>;
}

interface JsonCase {
  id: string;
  source: 'real' | 'synthetic';
  fold: Fold;
  clean: boolean;
  must: TrainingCase['must'];
  mustNot: TrainingCase['mustNot'];
  measurements: { appearance: TrainingCase['appearance']; eyelids?: TrainingCase['eyelids'] } | null;
  regions: TrainingCase['regions'] | null;
  qualityScaled: number | null;
  /** A synthetic case's drawing seed; absent in files written before --extra-seeds (seed 1 then, or `/seed-N` in the id). */
  seed?: number;
  /** Absent in files written before the probes read the embedding: such files are refused. */
  embedding?: number[] | null;
}

const usable = (c: JsonCase): boolean => c.measurements !== null && c.regions !== null && c.qualityScaled !== null && c.embedding != null;
const toTraining = (c: JsonCase, groups: ReadonlyMap<string, string>): TrainingCase => ({
  id: c.id,
  group: groups.get(c.id.split('#')[0]),
  source: c.source,
  clean: c.clean,
  must: c.must,
  mustNot: c.mustNot,
  appearance: c.measurements!.appearance,
  regions: c.regions!,
  qualityScaled: c.qualityScaled!,
  embedding: c.embedding!,
  ...(c.measurements!.eyelids ? { eyelids: c.measurements!.eyelids } : {}),
  seed: c.seed ?? Number(/\/seed-(\d+)$/.exec(c.id)?.[1] ?? 1),
  mirrored: c.id.endsWith('/mirrored'),
});

/** The fit fold's run: each real face also mirrored, synthetic occluders drawn with three seeds (which probe trains on them: `DETECTOR_TRAINING`). */
const FIT_FOLD_RUN = { mirror: true, extraSeeds: [2, 3] } as const;

async function foldCases(fold: Fold, file: string | undefined, backend: FitDetectorsOptions['backend']): Promise<TrainingCase[]> {
  let cases: JsonCase[];
  if (file) {
    // several runs of a fold (e.g. more seeds) as a+b.json: a case id in more than one counts once, the first
    const byId = new Map<string, JsonCase>();
    for (const part of file.split('+')) {
      const json = JSON.parse(await readFile(part, 'utf8')) as { fold: Fold; cases: JsonCase[] };
      if (json.fold !== fold) throw new Error(`${part} holds the ${json.fold} fold, ${fold} expected`);
      if (json.cases.some((c) => c.qualityScaled !== null && c.embedding === undefined)) throw new Error(`${part}: cases without embeddings (written by an older plq evaluate guidance): run it again`);
      if (json.cases.some((c) => c.measurements && (c.measurements.appearance.edgesScale ?? 1) !== EDGE_CROP_SCALE)) {
        throw new Error(`${part}: frame edges measured on another crop than the kiosk's (${EDGE_CROP_SCALE}x; written by an older plq evaluate guidance): run it again`);
      }
      if (json.cases.some((c) => c.measurements && !c.measurements.appearance.eyeGradients)) {
        throw new Error(`${part}: cases without the eyes' gradient histograms (written by an older plq evaluate guidance): run it again`);
      }
      for (const c of json.cases) if (!byId.has(c.id)) byId.set(c.id, c);
    }
    cases = [...byId.values()];
  } else {
    process.stderr.write(`plq: measuring the ${fold} fold through the kiosk pipeline\n`);
    const run = await runGuidanceEvaluation({ fold, backend, detectors: null, ...(fold === 'fit' ? FIT_FOLD_RUN : {}), onProgress: progressLines(fold, 10_000) });
    cases = run.results.map(caseRecord);
  }
  if (cases.some((c) => c.fold !== fold)) throw new Error(`cases of another fold than ${fold}`);
  const groups = await splitFileGroups();
  return cases.filter(usable).map((c) => toTraining(c, groups));
}

const pct = (r: { k: number; n: number }): string => (r.n ? `${Math.round((100 * r.k) / r.n)} % (${r.k}/${r.n})` : '-');

export function formatFigures(figures: DetectorFigures[]): string {
  const out = [
    '| message | mode | fit: positives real + synthetic / negatives | threshold | calibrate: recall real | recall synthetic | false alarms, clean real | must-not cases hit | fit, out of fold: recall real | recall synthetic | false alarms, clean real | must-not cases hit |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const f of figures) {
    const c = f.calibrate, o = f.outOfFold;
    const oof = o ? `${pct(o.recallReal)} | ${pct(o.recallSynthetic)} | ${pct(o.falseAlarmClean)} | ${pct(o.mustNot)}` : '- | - | - | -';
    out.push(`| ${f.id} | ${f.mode} | ${f.fit.positivesReal} + ${f.fit.positivesSynthetic} / ${f.fit.negatives} | ${c.threshold.toFixed(3)} | ${pct(c.recallReal)} | ${pct(c.recallSynthetic)} | ${pct(c.falseAlarmClean)} | ${pct(c.mustNot)} | ${oof} |`);
  }
  return out.join('\n');
}

export async function fitDetectorsCommand(opts: FitDetectorsOptions): Promise<number> {
  const fit = await foldCases('fit', opts.cases?.[0], opts.backend);
  const calibrate = await foldCases('calibrate', opts.cases?.[1], opts.backend);
  const backend = await initBackend(opts.backend);
  const options: FitOptions = { ...FIT_OPTIONS, ...opts.fit };
  const heldOut = `the fit cases held out by person (${options.heldOutParts} parts)`;
  process.stderr.write(`plq: training on ${fit.length} fit cases, thresholds from ${calibrate.length} calibrate cases${options.thresholds === 'pooled' ? ` and ${heldOut}` : ''} (backend ${backend.name})\n`);
  const { detectors, figures } = fitDetectors(fit, calibrate, FIT_SETTINGS, options);
  const file: GuidanceDetectors = {
    version: 1,
    features: [...DETECTOR_FEATURES],
    detectors,
    command: opts.cases
      ? 'plq evaluate guidance --fold fit --rules-only --mirror --json fit.json && plq evaluate guidance --fold fit --rules-only --seed 2 --extra-seeds 3 --json fit23.json && ' +
        'plq evaluate guidance --fold calibrate --rules-only --json calibrate.json && plq fit-detectors --cases fit.json+fit23.json,calibrate.json'
      : 'plq fit-detectors',
    trainedOn:
      `weights: ${fit.length} cases of the fit fold (its labelled real faces, each also mirrored, and synthetic sunglasses, eyeglasses, masks, caps, hands and closed eyes on its clean faces, seeds 1, 2 and 3; the mirrored faces and seeds 2-3 only for the probes in figures.settings.training; every person weighing the same for the probes in figures.settings.personBalanced); ` +
      `thresholds: ${calibrate.length} cases of the calibrate fold${options.thresholds === 'pooled' ? ` and the fit fold's own cases (no mirror, seed 1), each scored by a probe trained without its person (${options.heldOutParts} parts by person)` : ''} (at most ${FIT_SETTINGS.cleanFalseAlarm * 100} % of clean frontal real faces, ${FIT_SETTINGS.mustNotFalseAlarm * 100} % of must-not cases); ` +
      'the validate fold is never seen',
    figures: { settings: { ...FIT_SETTINGS, ...options, l2PerProbe: DETECTOR_L2, l2FrameEdges: DETECTOR_EDGE_L2, training: DETECTOR_TRAINING }, detectors: figures },
  };
  process.stdout.write(formatFigures(figures) + '\n');
  if (opts.dryRun) return 0;
  const out = opts.out ?? DETECTORS_FILE;
  await writeFile(out, JSON.stringify(file, null, 1) + '\n');
  process.stderr.write(`plq: wrote ${out}\n`);
  return 0;
}

