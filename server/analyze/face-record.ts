/**
 * What `plq analyze` computes per face (and per unusable image), and its JSON form for the
 * on-disk cache and the BullMQ queue (typed arrays as base64, float32 little-endian).
 */
import type { AssessErrorCode } from '../assess/face-assessor.js';

/** 2: Score-CAM upsampled with half-pixel centres; `magnitude` renamed `embeddingNorm`. */
export const ANALYSIS_VERSION = 2;

export interface FaceRecord {
  file: string;
  faceIndex: number;
  /** SER-FIQ Q and the scaled Q^. */
  serFiq: number;
  qualityScaled: number;
  /** Mean PLQ over the aligned face. */
  plqMean: number;
  /**
   * L2 norm of the (unnormalised) embedding. The packaged networks were not trained with
   * MagFace's loss, so this is not MagFace quality.
   */
  embeddingNorm: number;
  /** BRISQUE score (higher = worse). */
  brisque: number;
  /** L2-normalised embedding. */
  embedding: Float32Array;
  /** Score-CAM map, model input size, [0, 1]. */
  cam: Float32Array;
  width: number;
  height: number;
  /** Aligned crop, interleaved RGB. */
  aligned: Uint8Array;
  timings: { plqMs: number; camMs: number; brisqueMs: number };
}

export interface ImageResult {
  file: string;
  /** Content hash + model + analysis version: the cache and job key. */
  key: string;
  faces: FaceRecord[];
  /** Set when the image was skipped. */
  error?: { code: AssessErrorCode | 'failed'; message: string };
}

type Json = Record<string, unknown>;

const f32 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromF32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}

export function encodeResult(r: ImageResult): string {
  return JSON.stringify({
    v: ANALYSIS_VERSION,
    file: r.file,
    key: r.key,
    error: r.error,
    faces: r.faces.map((f) => ({ ...f, embedding: f32(f.embedding), cam: f32(f.cam), aligned: Buffer.from(f.aligned).toString('base64') })),
  });
}

export function decodeResult(text: string): ImageResult {
  const j = JSON.parse(text) as Json;
  if (j.v !== ANALYSIS_VERSION) throw new Error(`result of analysis version ${String(j.v)}, expected ${ANALYSIS_VERSION}`);
  const faces = (j.faces as Json[]).map((f) => ({
    ...(f as unknown as FaceRecord),
    embedding: fromF32(f.embedding as string),
    cam: fromF32(f.cam as string),
    aligned: new Uint8Array(Buffer.from(f.aligned as string, 'base64')),
  }));
  return { file: String(j.file), key: String(j.key), faces, error: j.error as ImageResult['error'] };
}
