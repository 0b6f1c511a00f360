/** Worker for POST /api/assess: a still photo -> every face's PLQ (the CLI's engine, off the main thread). */
import { initBackend, type BackendName } from '../../tf/backend.js';
import { HumanFaceDetector } from '../../detect/human-detector.js';
import { AssessError, FaceAssessor, assessmentJson } from '../../assess/face-assessor.js';
import { mapToPng } from '../../image/render-maps.js';
import { serveWorker } from './worker-host.js';

export interface AssessInit {
  backend: BackendName | 'auto';
  model: string;
  maxPixels: number;
}

export type AssessWorkerResult =
  | { ok: true; faces: Array<Record<string, unknown> & { plqPng: string }> }
  | { ok: false; code: string; message: string };

let assessor: FaceAssessor | undefined;
let maxPixels = 40_000_000;

serveWorker({
  init: async (p: AssessInit) => {
    await initBackend(p.backend);
    maxPixels = p.maxPixels;
    assessor = await FaceAssessor.create(p.model, await HumanFaceDetector.create());
    return { result: true };
  },
  assess: async (p: { image: Uint8Array; aligned: boolean }) => {
    if (!assessor) throw new Error('assess worker not initialised');
    try {
      const faces = await assessor.assessBuffer(Buffer.from(p.image.buffer, p.image.byteOffset, p.image.byteLength), {
        aligned: p.aligned,
        maxPixels,
      });
      const out = await Promise.all(
        faces.map(async (f) => ({ ...assessmentJson(f), plqPng: (await mapToPng(f.map, f.aligned.width, f.aligned.height)).toString('base64') })),
      );
      const result: AssessWorkerResult = { ok: true, faces: out };
      return { result };
    } catch (err) {
      if (err instanceof AssessError) return { result: { ok: false, code: err.code, message: err.message } satisfies AssessWorkerResult };
      throw err;
    }
  },
});
