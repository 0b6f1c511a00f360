/**
 * Evidence for (or against) an eye-state model that ships in npm: `faceplugin-face-recognition-js`
 * 0.0.1 (MIT) carries `model/fr_eye.onnx`, a small CNN that reads one eye as a 24x24 grey patch
 * (0..1) and answers closed (class 0) or open (class 1). It is not a dependency of the kiosk (the
 * package declares its build tools, jest, webpack, eslint and babel 6, as dependencies: with
 * onnxruntime-web, 673 packages and 312 MB in an empty project), so this experiment needs it and
 * an ONNX runtime installed by hand:
 *
 *   npm install --no-save onnxruntime-web@1.30.0 faceplugin-face-recognition-js@0.0.1
 *   npm run experiment:eye-state -- [--folds fit,calibrate] [--cases RUN.json ...]
 *
 * Each labelled face of the folds is framed as `plq evaluate guidance` frames it; on each clean face
 * the evaluation's drawn closed eyes (seed 1) are drawn too. Each eye is cut as the package's own
 * code cuts it (a square 1.6 eye widths wide on the lids' centre, here from the 468-point mesh),
 * and a face scores the mean of its two eyes' logits (closed minus open). The threshold is the
 * calibrate fold's: the lowest that tells at most 5 % of its clean faces. `--cases` adds, for each
 * recorded `plq evaluate guidance --json` run, what the kiosk's `open-eyes` then says with the model
 * beside its rules (told by either). Validate is not read: it is for figures of what ships.
 */
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { initBackend } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { packageFile } from '../plq/model-paths.js';
import type { Point } from '../align/similarity.js';
import type { RgbImage } from '../detect/face-detector.js';
import { luma } from '../image/luma.js';
import { auc } from '../evaluation/metrics.js';
import { thresholdFor } from '../evaluation/fit-detectors.js';
import { readLabels } from '../faceset/guidance-labels.js';
import { defaultFacesDir } from '../faceset/shared-faces.js';
import { PhotoMeshes, boothFramesOf } from '../evaluation/guidance-frames.js';
import { drawSynthetic, evaluationSeed } from '../evaluation/synthetic-occluders.js';

const PATCH = 24;
/** The package's own crop: 1.6 eye widths (corner to corner), centred on four lid points. */
const PADDING = 1.6;
/** Mesh points of each eye: outer and inner corner, two upper and two lower lid points. */
const EYES = {
  right: { outer: 33, inner: 133, lids: [159, 145, 158, 153] },
  left: { outer: 263, inner: 362, lids: [386, 374, 385, 380] },
} as const;

/** The square (left, top, side) an eye is cut from, inside a `width` x `height` frame. */
function eyePatchBox(mesh: readonly Point[], eye: (typeof EYES)[keyof typeof EYES], width: number, height: number): [number, number, number] {
  const c = eye.lids.reduce<Point>((s, i) => [s[0] + mesh[i][0] / eye.lids.length, s[1] + mesh[i][1] / eye.lids.length], [0, 0]);
  const w = PADDING * Math.hypot(mesh[eye.outer][0] - mesh[eye.inner][0], mesh[eye.outer][1] - mesh[eye.inner][1]);
  const x0 = Math.max(0, Math.round(c[0] - w / 2)), y0 = Math.max(0, Math.round(c[1] - w / 2));
  return [x0, y0, Math.max(1, Math.min(Math.round(w), width - x0, height - y0))];
}

async function eyePatch(frame: RgbImage, box: [number, number, number]): Promise<Float32Array> {
  const [left, top, side] = box;
  const rgb = await sharp(Buffer.from(frame.data), { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .extract({ left, top, width: side, height: side })
    .resize(PATCH, PATCH, { kernel: 'linear' })
    .raw()
    .toBuffer();
  return Float32Array.from({ length: PATCH * PATCH }, (_, i) => luma(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) / 255);
}

/** The few parts of onnxruntime-web this uses (it is not a dependency, so no types are imported). */
interface Ort {
  env: { wasm: { numThreads: number } };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  InferenceSession: { create(file: string, opts: object): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array }>> }> };
}

async function loadEyeState(): Promise<(patch: Float32Array) => Promise<number>> {
  let ort: Ort, file: string;
  try {
    const name = 'onnxruntime-web';
    ort = (await import(name)) as Ort;
    file = packageFile('faceplugin-face-recognition-js', 'model/fr_eye.onnx');
  } catch {
    throw new Error('this experiment needs: npm install --no-save onnxruntime-web@1.30.0 faceplugin-face-recognition-js@0.0.1');
  }
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(file, { executionProviders: ['wasm'] });
  return async (patch) => {
    const out = await session.run({ input: new ort.Tensor('float32', patch, [1, 1, PATCH, PATCH]) });
    const [closed, open] = out.output.data;
    return closed - open;
  };
}

type Group = 'clean' | 'closed, real' | 'closed, drawn' | 'other occluded, real';
interface Scored {
  id: string;
  fold: string;
  group: Group;
  logit: number;
}

/** A case of a recorded run: its labels and every message it was told (as the guidance table counts them). */
interface RecordedCase {
  id: string;
  source: string;
  clean: boolean;
  must: string[];
  mustNot: string[];
  emitted: string[];
}

const count = (xs: Scored[], thr: number): string => `${xs.filter((x) => x.logit >= thr).length}/${xs.length}`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { folds: { type: 'string', default: 'fit,calibrate' }, cases: { type: 'string', multiple: true, default: [] } } });
  const folds = values.folds.split(',');
  if (folds.includes('validate')) throw new Error('validate is for figures of what ships; choose among fit and calibrate');
  await initBackend('wasm');
  const eyeState = await loadEyeState();
  const labels = (await readLabels()).filter((l) => folds.includes(l.fold) && (l.must.length > 0 || l.clean));
  const meshes = new PhotoMeshes(() => HumanFaceDetector.create({ maxFaces: 20 }));
  const faceLogit = async (image: RgbImage, mesh: Point[]): Promise<number> => {
    const [r, l] = await Promise.all(Object.values(EYES).map(async (eye) => eyeState(await eyePatch(image, eyePatchBox(mesh, eye, image.width, image.height)))));
    return (r + l) / 2;
  };
  const scored: Scored[] = [];
  for await (const { face, id, frame } of boothFramesOf(labels, meshes, defaultFacesDir())) {
    if (!frame) continue;
    const group: Group = face.must.includes('open-eyes') ? 'closed, real' : face.clean ? 'clean' : 'other occluded, real';
    scored.push({ id, fold: face.fold, group, logit: await faceLogit(frame.image, frame.mesh) });
    if (!face.clean) continue;
    const drawn = drawSynthetic(frame.image, frame.mesh, 'closed-eyes', evaluationSeed(face.file, face.face, 'closed-eyes', 1));
    scored.push({ id: `${id}/closed-eyes`, fold: face.fold, group: 'closed, drawn', logit: await faceLogit(drawn.image, frame.mesh) });
  }
  const of = (fold: string, group: Group): Scored[] => scored.filter((s) => s.fold === fold && s.group === group);
  const threshold = thresholdFor(of('calibrate', 'clean').map((s) => s.logit), 0.05);
  console.log(`eye-state model alone; threshold ${threshold.toFixed(2)} (calibrate: at most 5 % of clean faces told)`);
  console.log('| fold | AUC closed drawn vs clean | AUC closed real vs clean | told: closed, drawn | closed, real | clean | other occluded, real |');
  console.log('|---|---|---|---|---|---|---|');
  for (const fold of folds) {
    const clean = of(fold, 'clean').map((s) => s.logit);
    console.log(
      `| ${fold} | ${auc(of(fold, 'closed, drawn').map((s) => s.logit), clean).toFixed(3)} | ${auc(of(fold, 'closed, real').map((s) => s.logit), clean).toFixed(3)} | ` +
        `${count(of(fold, 'closed, drawn'), threshold)} | ${count(of(fold, 'closed, real'), threshold)} | ${count(of(fold, 'clean'), threshold)} | ${count(of(fold, 'other occluded, real'), threshold)} |`,
    );
  }
  const byId = new Map(scored.map((s) => [s.id, s]));
  for (const file of values.cases) {
    const run = JSON.parse(await readFile(file, 'utf8')) as { fold: string; cases: RecordedCase[] };
    const cases = run.cases.filter((c) => byId.has(c.id));
    const told = (c: RecordedCase, withModel: boolean): boolean => c.emitted.includes('open-eyes') || (withModel && byId.get(c.id)!.logit >= threshold);
    const line = (what: string, pick: (c: RecordedCase) => boolean): string => {
      const xs = cases.filter(pick);
      return `${what} ${xs.filter((c) => told(c, false)).length} -> ${xs.filter((c) => told(c, true)).length} of ${xs.length}`;
    };
    console.log(
      `${file} (${run.fold}), open-eyes told, rules -> rules or model: ` +
        [
          line('closed, drawn', (c) => c.must.includes('open-eyes') && c.source === 'synthetic'),
          line('closed, real', (c) => c.must.includes('open-eyes') && c.source === 'real'),
          line('clean', (c) => c.clean && c.source === 'real'),
          line('must-not', (c) => c.mustNot.includes('open-eyes')),
        ].join('; '),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
