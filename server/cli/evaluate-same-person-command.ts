/**
 * plq evaluate same-person: every labelled face of a fold in its booth frame, and the synthetic
 * occluders drawn on its clean faces, through the kiosk's tracker settings, alignment and FR
 * network; how often two different people fall below the session's `minSimilarity` (another
 * person found) and how often one person before and after taking an occluder off stays above it.
 */
import { tf, initBackend, type BackendName } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import type { FaceDetector, RgbImage } from '../detect/face-detector.js';
import { FrModel } from '../plq/fr-model.js';
import { PixelQualityEngine, unitLength } from '../plq/pixel-quality.js';
import { alignFace } from '../align/align-face.js';
import { loadConfig } from '../kiosk/config/load-config.js';
import type { KioskConfig } from '../kiosk/config/kiosk-config.js';
import { selectSubject } from '../kiosk/pipeline/subject-selection.js';
import { samePersonThreshold } from '../kiosk/pipeline/session/same-person.js';
import { defaultFacesDir, readFacePhotos } from '../faceset/shared-faces.js';
import { evenly } from '../faceset/fold-faces.js';
import type { Fold } from '../faceset/face-split.js';
import { LABELS_FILE, readLabels } from '../faceset/guidance-labels.js';
import { PhotoMeshes, boothFramesOf } from '../evaluation/guidance-frames.js';
import { drawSynthetic, evaluationSeed, SYNTHETIC_KINDS, type SyntheticKind } from '../evaluation/synthetic-occluders.js';
import { evaluateSamePerson, formatSamePersonEvaluation, type PersonSample } from '../evaluation/same-person-evaluation.js';
import { splitFileGroups } from './guidance-labels-command.js';
import { writeEvaluation } from './evaluate-guidance-command.js';
import { progressLines } from './progress.js';

export interface EvaluateSamePersonOptions {
  fold: Fold;
  limit?: number;
  synthetic?: readonly SyntheticKind[];
  seed?: number;
  /** Default: the kiosk's value for its FR model (SAME_PERSON_MIN_SIMILARITY). */
  minSimilarity?: number;
  set?: string;
  config?: string;
  profile?: string;
  backend: BackendName | 'auto';
  facesDir?: string;
  json?: boolean | string;
  onProgress?: (done: number, total: number) => void;
}

/** The unit-length FR embedding of the subject of a frame, as the kiosk's tracker and PLQ worker get it; undefined without a face. */
async function subjectEmbedding(detector: FaceDetector, engine: PixelQualityEngine, config: KioskConfig, image: RgbImage): Promise<Float32Array | undefined> {
  const faces = await detector.detect(image);
  const { order } = selectSubject(faces, image, config.selection);
  if (order.length === 0) return undefined;
  const m = engine.model.manifest;
  const aligned = alignFace(image, faces[order[0]].landmarks5, m.alignmentTemplate, m.inputSize);
  const x = tf.tensor4d(aligned.image.data, [1, aligned.image.height, aligned.image.width, 3], 'int32');
  try {
    return unitLength(engine.assess(x).embedding);
  } finally {
    x.dispose();
  }
}

export async function collectPersonSamples(opts: EvaluateSamePersonOptions, config: KioskConfig): Promise<{ samples: PersonSample[]; missing: string[] }> {
  const facesDir = opts.facesDir ?? defaultFacesDir();
  const labels = evenly(
    (await readLabels(opts.set ?? LABELS_FILE)).filter((l) => l.fold === opts.fold && (l.must.length > 0 || l.mustNot.length > 0)),
    opts.limit,
  );
  const groups = await splitFileGroups();
  const identities = new Map((await readFacePhotos(facesDir)).map((p) => [p.file, p.identities]));
  const kinds = opts.synthetic ?? SYNTHETIC_KINDS;
  await initBackend(opts.backend);
  const meshes = new PhotoMeshes(() => HumanFaceDetector.create({ maxFaces: 20 }));
  const t = config.tracking;
  const tracker = await HumanFaceDetector.create({ maxFaces: t.maxFaces, minConfidence: t.minBoxConfidence, minMeshConfidence: t.minMeshConfidence, iris: t.iris });
  const engine = new PixelQualityEngine(await FrModel.load(config.engine.model));
  const samples: PersonSample[] = [];
  const missing: string[] = [];
  const total = labels.length + labels.filter((l) => l.clean).length * kinds.length;
  let done = 0;
  try {
    for await (const { face: label, id: face, frame } of boothFramesOf(labels, meshes, facesDir)) {
      const names = identities.get(label.file) ?? [];
      const base = { group: groups.get(label.file) ?? `file:${label.file}`, face, clean: label.clean, ...(names.length === 1 ? { identity: names[0] } : {}) };
      const add = async (id: string, kind: string, image: RgbImage): Promise<void> => {
        const embedding = await subjectEmbedding(tracker, engine, config, image);
        if (embedding) samples.push({ ...base, id, kind, embedding });
        else missing.push(`${id} (no face tracked)`);
        opts.onProgress?.(++done, total);
      };
      if (!frame) {
        missing.push(`${face} (the photo no longer has this face)`);
        continue;
      }
      await add(face, 'real', frame.image);
      if (!label.clean) continue;
      for (const kind of kinds) {
        const occ = drawSynthetic(frame.image, frame.mesh, kind, evaluationSeed(label.file, label.face, kind, opts.seed ?? 1));
        await add(`${face}/${kind}`, kind, occ.image);
      }
    }
  } finally {
    tracker.dispose();
    engine.dispose();
  }
  return { samples, missing };
}

export async function evaluateSamePersonCommand(opts: EvaluateSamePersonOptions): Promise<number> {
  if (opts.fold !== 'validate') process.stderr.write(`plq: evaluating same-person on the ${opts.fold} fold: these figures are not evidence (only validate is)\n`);
  const t0 = Date.now();
  const config = await loadConfig({ file: opts.config, profile: opts.profile, overrides: { engine: { backend: opts.backend } } });
  const minSimilarity = opts.minSimilarity ?? samePersonThreshold(config.engine.model, config.guidance.samePerson.minSimilarity);
  if (minSimilarity === undefined) throw new Error(`no same-person threshold for FR model ${config.engine.model}: give --min-similarity`);
  const { samples, missing } = await collectPersonSamples({ ...opts, onProgress: opts.onProgress ?? progressLines('same-person', 10_000) }, config);
  for (const m of missing) process.stderr.write(`plq: ${m}: left out\n`);
  const evaluation = evaluateSamePerson(samples, minSimilarity);
  const header = `plq evaluate same-person: ${opts.fold} fold of ../shared/faces, FR model ${config.engine.model}, booth frames and drawn occluders (seed ${opts.seed ?? 1}), ${Math.round((Date.now() - t0) / 1000)} s`;
  await writeEvaluation(formatSamePersonEvaluation(evaluation, header), { fold: opts.fold, model: config.engine.model, evaluation, missing }, opts.json);
  return 0;
}
