/**
 * Photo -> faces -> aligned crops -> PLQ. Shared by the CLI, the server's /api/assess and the
 * experiments. Bad input surfaces as AssessError with a code, never as a crash.
 */
import sharp from 'sharp';
import { tf } from '../tf/backend.js';
import { decodeImage, ImageInputError, type DecodeOptions } from '../image/decode-image.js';
import type { DetectedFace, FaceDetector, RgbImage } from '../detect/face-detector.js';
import { alignFace } from '../align/align-face.js';
import type { Affine, Point } from '../align/similarity.js';
import { FrModel } from '../plq/fr-model.js';
import { PixelQualityEngine } from '../plq/pixel-quality.js';
import { regionBoxes, regionMeans, type RegionStats } from '../plq/face-regions.js';

export type AssessErrorCode = 'empty' | 'not-an-image' | 'unreadable' | 'too-large' | 'no-face';

export class AssessError extends Error {
  constructor(
    readonly code: AssessErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AssessError';
  }
}

export interface FaceAssessment {
  model: string;
  faceIndex: number;
  quality: number;
  qualityScaled: number;
  /** [x, y, w, h] in the input image; for --aligned input, the whole image. */
  box: [number, number, number, number];
  /** Five alignment points in the input image (image-left eye first). */
  landmarks: Point[];
  /** Aligned-to-input affine [a, b, tx, c, d, ty]. */
  transform: Affine;
  regions: RegionStats;
  detectionScore: number | null;
  pose: { yaw: number; pitch: number; roll: number } | null;
  timings: { detectMs: number; alignMs: number; forwardBackwardMs: number; serFiqMs: number; plqMs: number };
  /** Share of gradient values at the clip ceiling. */
  clippedFraction: number;
  aligned: RgbImage;
  map: Float32Array;
  saliency: Float32Array;
  embedding: Float32Array;
}

export interface AssessOptions extends DecodeOptions {
  /** The image already is the model's aligned input. */
  aligned?: boolean;
}

export class FaceAssessor {
  private constructor(
    readonly model: FrModel,
    readonly engine: PixelQualityEngine,
    private readonly detector: FaceDetector | undefined,
  ) {}

  static async create(modelName: string, detector?: FaceDetector): Promise<FaceAssessor> {
    const model = await FrModel.load(modelName);
    return new FaceAssessor(model, new PixelQualityEngine(model), detector);
  }

  async decode(input: Buffer, options: DecodeOptions = {}): Promise<RgbImage> {
    try {
      return await decodeImage(input, options);
    } catch (err) {
      if (err instanceof ImageInputError) throw new AssessError(err.code, err.message);
      throw err;
    }
  }

  async assessBuffer(input: Buffer, options: AssessOptions = {}): Promise<FaceAssessment[]> {
    const image = await this.decode(input, options);
    return options.aligned ? [await this.assessAligned(image)] : this.assessPhoto(image);
  }

  async assessPhoto(image: RgbImage): Promise<FaceAssessment[]> {
    if (!this.detector) throw new Error('no face detector configured');
    const t0 = performance.now();
    const faces = await this.detector.detect(image);
    const detectMs = performance.now() - t0;
    if (faces.length === 0) throw new AssessError('no-face', 'no face found');
    return faces.map((f, i) => this.assessDetected(image, f, i, detectMs));
  }

  assessDetected(image: RgbImage, face: DetectedFace, index: number, detectMs = 0): FaceAssessment {
    const m = this.model.manifest;
    const t0 = performance.now();
    const { image: aligned, transform } = alignFace(image, face.landmarks5, m.alignmentTemplate, m.inputSize);
    const alignMs = performance.now() - t0;
    return this.run(aligned, transform, face.box, face.landmarks5, index, face.score, face.pose, detectMs, alignMs);
  }

  async assessAligned(image: RgbImage): Promise<FaceAssessment> {
    const [w, h] = this.model.inputSize;
    let aligned = image;
    if (image.width !== w || image.height !== h) {
      const data = await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 3 } })
        .resize(w, h, { fit: 'fill' })
        .raw()
        .toBuffer();
      aligned = { width: w, height: h, data: new Uint8Array(data) };
    }
    const sx = image.width / w, sy = image.height / h;
    const landmarks = this.model.manifest.alignmentTemplate.map(([x, y]) => [x * sx, y * sy] as Point);
    return this.run(aligned, [sx, 0, 0, 0, sy, 0], [0, 0, image.width, image.height], landmarks, 0, null, null, 0, 0);
  }

  private run(
    aligned: RgbImage,
    transform: Affine,
    box: [number, number, number, number],
    landmarks: Point[],
    faceIndex: number,
    detectionScore: number | null,
    pose: FaceAssessment['pose'],
    detectMs: number,
    alignMs: number,
  ): FaceAssessment {
    const m = this.model.manifest;
    const x = tf.tensor4d(aligned.data, [1, aligned.height, aligned.width, 3], 'int32');
    const r = this.engine.assess(x);
    x.dispose();
    return {
      model: m.name,
      faceIndex,
      quality: r.quality,
      qualityScaled: r.qualityScaled,
      box,
      landmarks,
      transform,
      regions: regionMeans(r.map, r.width, regionBoxes(m.alignmentTemplate, m.inputSize)),
      detectionScore,
      pose,
      timings: {
        detectMs,
        alignMs,
        forwardBackwardMs: r.timings.forwardBackwardMs,
        serFiqMs: r.timings.serFiqMs,
        plqMs: r.timings.totalMs,
      },
      clippedFraction: r.clippedFraction,
      aligned,
      map: r.map,
      saliency: r.saliency,
      embedding: r.embedding,
    };
  }
}

/** The JSON report of one face (no pixel data). */
export function assessmentJson(a: FaceAssessment, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const round = (v: number, d = 4): number => Number(v.toFixed(d));
  return {
    ...extra,
    model: a.model,
    faceIndex: a.faceIndex,
    quality: round(a.quality, 6),
    qualityScaled: round(a.qualityScaled, 6),
    box: a.box.map((v) => round(v, 1)),
    landmarks: a.landmarks.map(([x, y]) => [round(x, 1), round(y, 1)]),
    transform: a.transform.map((v) => round(v, 6)),
    regions: Object.fromEntries(Object.entries(a.regions).map(([k, v]) => [k, round(v)])),
    detectionScore: a.detectionScore === null ? null : round(a.detectionScore),
    pose: a.pose && { yaw: round(a.pose.yaw, 1), pitch: round(a.pose.pitch, 1), roll: round(a.pose.roll, 1) },
    clippedFraction: round(a.clippedFraction, 6),
    timings: Object.fromEntries(Object.entries(a.timings).map(([k, v]) => [k, round(v, 2)])),
  };
}
