/** One photo -> every face's qualities (SER-FIQ, mean PLQ, embedding norm, BRISQUE), Score-CAM map, embedding. */
import { readFile } from 'node:fs/promises';
import { tf } from '../tf/backend.js';
import { AssessError, FaceAssessor } from '../assess/face-assessor.js';
import type { FaceDetector } from '../detect/face-detector.js';
import { scoreCam } from '../xai/score-cam.js';
import { brisqueFeatures, rgbToGrey } from '../xai/brisque-features.js';
import { brisqueScore, type BrisqueModel } from '../xai/brisque-model.js';
import type { FaceRecord, ImageResult } from './face-record.js';

export interface AnalyzerOptions {
  maxPixels?: number;
  camBatch?: number;
}

export class ImageAnalyzer {
  private constructor(
    private readonly assessor: FaceAssessor,
    private readonly brisque: BrisqueModel,
    private readonly options: AnalyzerOptions,
  ) {}

  static async create(model: string, detector: FaceDetector, brisque: BrisqueModel, options: AnalyzerOptions = {}): Promise<ImageAnalyzer> {
    return new ImageAnalyzer(await FaceAssessor.create(model, detector), brisque, options);
  }

  get modelName(): string {
    return this.assessor.model.manifest.name;
  }

  async analyzeFile(file: string, key: string): Promise<ImageResult> {
    try {
      let buf: Buffer;
      try {
        buf = await readFile(file);
      } catch (err) {
        throw new AssessError('unreadable', `unreadable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const faces = await this.assessor.assessBuffer(buf, { maxPixels: this.options.maxPixels });
      const records: FaceRecord[] = faces.map((a) => {
        const { width, height, data } = a.aligned;
        const t0 = performance.now();
        const model = this.assessor.model;
        const x = tf.tensor4d(data, [1, height, width, 3], 'float32');
        const cam = scoreCam({ activations: (p) => model.camActivations(p), embed: (p) => model.embed(p) }, x, { batchSize: this.options.camBatch });
        x.dispose();
        const t1 = performance.now();
        const brisque = brisqueScore(this.brisque, brisqueFeatures(rgbToGrey(data, width, height)));
        const t2 = performance.now();
        let norm = 0, plq = 0;
        for (const v of a.embedding) norm += v * v;
        norm = Math.sqrt(norm);
        for (const v of a.map) plq += v;
        return {
          file, faceIndex: a.faceIndex, serFiq: a.quality, qualityScaled: a.qualityScaled, plqMean: plq / a.map.length, embeddingNorm: norm,
          brisque, embedding: a.embedding.map((v) => v / norm), cam: cam.map.data, width, height, aligned: data,
          timings: { plqMs: a.timings.plqMs, camMs: t1 - t0, brisqueMs: t2 - t1 },
        };
      });
      return { file, key, faces: records };
    } catch (err) {
      if (err instanceof AssessError) return { file, key, faces: [], error: { code: err.code, message: err.message } };
      return { file, key, faces: [], error: { code: 'failed', message: `failed: ${(err as Error).message}` } };
    }
  }
}
