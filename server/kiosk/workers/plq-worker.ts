/** Worker: the PLQ map of the selected frame's face (alignment, SER-FIQ, gradient, rendering). */
import sharp from 'sharp';
import { tf, initBackend, type BackendName } from '../../tf/backend.js';
import { FrModel } from '../../plq/fr-model.js';
import { PixelQualityEngine, unitLength } from '../../plq/pixel-quality.js';
import { alignFace } from '../../align/align-face.js';
import { regionBoxes, regionMeans } from '../../plq/face-regions.js';
import { rdYlGn } from '../../image/colour-map.js';
import type { Point } from '../../align/similarity.js';
import type { PlqResult } from '../pipeline/measurements.js';
import { serveWorker } from './worker-host.js';
import { loadMam, type StoredMam } from '../../xai/mam-file.js';
import { scoreCam } from '../../xai/score-cam.js';
import { adMam, mapMean } from '../../xai/map-stats.js';

export interface PlqInit {
  backend: BackendName | 'auto';
  model: string;
  /** Stored MAM_H for the live AD-MAM_H overlay, if any. */
  mamFile: string | null;
}

export interface PlqRequest {
  seq: number;
  ts: number;
  width: number;
  height: number;
  data: Uint8Array;
  landmarks5: Point[];
  /** Also compute AD-MAM_H (Score-CAM) for this frame. */
  adMam?: boolean;
}

export interface AdMamResult {
  /** |a(I) - MAM_H| as RGBA PNG in aligned coordinates (red = far from high-quality faces). */
  png: Uint8Array;
  /** Mean absolute deviation over the map, 0..1. */
  mean: number;
  width: number;
  height: number;
  camMs: number;
}

export interface PlqResponse extends PlqResult {
  /** The map in RdYlGn with alpha, aligned coordinates, as PNG (for overlays). */
  overlayPng: Uint8Array;
  /** The aligned crop as raw RGB (for reports). */
  aligned: Uint8Array;
  adMam?: AdMamResult;
}

let engine: PixelQualityEngine | undefined;
let mam: StoredMam | undefined;

/** RGBA: RdYlGn colour, opaque where P is low or high, lighter in between. */
async function overlayPng(map: Float32Array, w: number, h: number, invert = false): Promise<Uint8Array> {
  const px = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const c = rdYlGn(invert ? 1 - map[i] : map[i]);
    px[i * 4] = c[0];
    px[i * 4 + 1] = c[1];
    px[i * 4 + 2] = c[2];
    px[i * 4 + 3] = 150;
  }
  return new Uint8Array(await sharp(Buffer.from(px), { raw: { width: w, height: h, channels: 4 } }).png().toBuffer());
}

serveWorker({
  init: async (p: PlqInit) => {
    await initBackend(p.backend);
    engine = new PixelQualityEngine(await FrModel.load(p.model));
    if (p.mamFile) {
      mam = await loadMam(p.mamFile);
      const [w, h] = engine.model.manifest.inputSize;
      if (mam.model !== p.model) throw new Error(`MAM file ${p.mamFile} is for model ${mam.model}, the kiosk runs ${p.model}`);
      if (mam.map.width !== w || mam.map.height !== h) throw new Error(`MAM file ${p.mamFile} is ${mam.map.width}x${mam.map.height}, the model's input is ${w}x${h}`);
    }
    // one pass on a blank face compiles the kernels, so the first live map is not the slow one
    // (a standby worker switched in after a crash answers at full speed)
    const [w, h] = engine.model.manifest.inputSize;
    const blank = tf.zeros([1, h, w, 3], 'int32');
    engine.assess(blank);
    blank.dispose();
    return { result: true };
  },
  plq: async (p: PlqRequest) => {
    if (!engine) throw new Error('PLQ worker not initialised');
    const t0 = performance.now();
    const m = engine.model.manifest;
    const frame = { width: p.width, height: p.height, data: p.data };
    const { image, transform } = alignFace(frame, p.landmarks5, m.alignmentTemplate, m.inputSize);
    const x = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32');
    const r = engine.assess(x);
    let ad: AdMamResult | undefined;
    if (p.adMam && mam) {
      const t1 = performance.now();
      const model = engine.model;
      const xf = x.toFloat() as tf.Tensor4D;
      const cam = scoreCam({ activations: (q) => model.camActivations(q), embed: (q) => model.embed(q) }, xf);
      xf.dispose();
      const dev = adMam(cam.map, mam.map);
      ad = { png: await overlayPng(dev.data, dev.width, dev.height, true), mean: mapMean(dev), width: dev.width, height: dev.height, camMs: performance.now() - t1 };
    }
    x.dispose();
    const result: PlqResponse = {
      seq: p.seq,
      frameTs: p.ts,
      quality: r.quality,
      qualityScaled: r.qualityScaled,
      regions: regionMeans(r.map, r.width, regionBoxes(m.alignmentTemplate, m.inputSize)),
      transform,
      width: r.width,
      height: r.height,
      map: r.map,
      embedding: unitLength(r.embedding),
      plqMs: performance.now() - t0,
      overlayPng: await overlayPng(r.map, r.width, r.height),
      aligned: image.data,
      ...(ad ? { adMam: ad } : {}),
    };
    return { result, transfer: [result.map.buffer as ArrayBuffer, result.embedding.buffer as ArrayBuffer] };
  },
  stats: () => ({ result: { numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes } }),
});
