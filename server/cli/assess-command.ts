import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend, type BackendName } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { AssessError, FaceAssessor, assessmentJson } from '../assess/face-assessor.js';
import { mapToPng, overlayPng, rgbToPng } from '../image/render-maps.js';
import { expandInputs } from './input-files.js';
import { progress } from './progress.js';

export interface AssessCommandOptions {
  model: string;
  aligned: boolean;
  out: string;
  json: boolean;
  backend: BackendName | 'auto';
  maxPixels: number;
}

/** Runs `plq assess`; returns the process exit code (1 if any input failed). */
export async function assessCommand(paths: string[], opts: AssessCommandOptions): Promise<number> {
  const backend = await initBackend(opts.backend);
  process.stderr.write(`plq: backend ${backend.name} (${backend.provider}), model ${opts.model}\n`);
  const detector = opts.aligned ? undefined : await HumanFaceDetector.create();
  const assessor = await FaceAssessor.create(opts.model, detector);
  const inputs = await expandInputs(paths);
  if (inputs.length === 0) {
    process.stderr.write('plq: no input images\n');
    return 1;
  }
  await mkdir(opts.out, { recursive: true });
  const bar = progress(inputs.length, 'assess');
  const failures: string[] = [];
  for (const input of inputs) {
    bar.tick(path.basename(input.path));
    if (input.error) {
      failures.push(`${input.path}: ${input.error}`);
      continue;
    }
    try {
      let buf: Buffer;
      try {
        buf = await readFile(input.path);
      } catch (err) {
        throw new AssessError('unreadable', `unreadable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const faces = await assessor.assessBuffer(buf, { aligned: opts.aligned, maxPixels: opts.maxPixels });
      const stem = path.parse(input.path).name;
      for (const face of faces) {
        const name = faces.length > 1 ? `${stem}.${face.faceIndex}` : stem;
        const json = assessmentJson(face, { input: input.path, backend: backend.name });
        await writeFile(path.join(opts.out, `${name}.json`), JSON.stringify(json, null, 2) + '\n');
        await writeFile(path.join(opts.out, `${name}.plq.png`), await mapToPng(face.map, face.aligned.width, face.aligned.height));
        await writeFile(
          path.join(opts.out, `${name}.overlay.png`),
          await overlayPng(face.aligned, face.map, { label: `Q^ ${face.qualityScaled.toFixed(2)}` }),
        );
        await writeFile(path.join(opts.out, `${name}.aligned.png`), await rgbToPng(face.aligned));
        if (opts.json) process.stdout.write(JSON.stringify(json) + '\n');
      }
    } catch (err) {
      const reason = err instanceof AssessError ? err.message : `failed: ${(err as Error).message}`;
      failures.push(`${input.path}: ${reason}`);
    }
  }
  bar.stop();
  for (const f of failures) process.stderr.write(`plq: ${f}\n`);
  process.stderr.write(`plq: ${inputs.length - failures.length} of ${inputs.length} inputs assessed, results in ${opts.out}\n`);
  return failures.length ? 1 : 0;
}
