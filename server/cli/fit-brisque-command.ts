import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend, type BackendName } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { loadFaces, photosInFolder } from '../experiments/face-set.js';
import { alignFace } from '../align/align-face.js';
import { MODELS_DIR, readManifest } from '../plq/model-manifest.js';
import { fitBrisqueOnFaces } from '../calibration/fit-brisque.js';
import { BRISQUE_MODEL_FILE } from '../analyze/analyzer-setup.js';


/** `plq fit-brisque [DIR]`: fits the linear BRISQUE model on distorted aligned faces. */
export async function fitBrisqueCommand(dir: string | undefined, opts: { model: string; backend: BackendName | 'auto'; dryRun: boolean }): Promise<number> {
  await initBackend(opts.backend);
  const m = await readManifest(opts.model);
  const detector = await HumanFaceDetector.create();
  const faces = await loadFaces(detector, dir ? await photosInFolder(dir) : undefined);
  const aligned = faces.map((f) => alignFace(f.photo, f.face.landmarks5, m.alignmentTemplate, m.inputSize).image);
  const set = dir ?? 'the photos shipped in npm packages';
  const source = `plq fit-brisque --model ${opts.model}${dir ? ' ' + dir : ''}: ${aligned.length} aligned ${m.inputSize.join('x')} faces from ${set}; ` +
    'blur sigma 1/2/3/4, noise sigma 5/10/20/40, JPEG quality 50/25/10/5 -> targets 25/50/75/100, pristine 0; ridge lambda 1';
  const { model, table } = await fitBrisqueOnFaces(aligned, source);
  process.stdout.write(`in-sample mean score by level (pristine, 1..4):\n`);
  for (const [k, v] of Object.entries(table)) process.stdout.write(`  ${k.padEnd(6)} ${v.map((x) => x.toFixed(1).padStart(6)).join(' ')}\n`);
  if (!opts.dryRun) {
    const file = path.join(MODELS_DIR, BRISQUE_MODEL_FILE);
    await writeFile(file, JSON.stringify(model, null, 2) + '\n');
    process.stdout.write(`wrote ${file}\n`);
  }
  detector.dispose();
  return 0;
}
