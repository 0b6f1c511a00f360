/**
 * Where a face is, when BlazeFace sees none: face-api.js's SSD MobileNet v1 face detector (the
 * `@vladmandic/face-api` package, weights in its `model/` folder). It is far slower than BlazeFace
 * (about 270 ms a 640x480 frame on the wasm backend against 20-30 ms) but finds faces that
 * BlazeFace misses: of the 26 drawn masks of the fit and calibrate folds that the kiosk's tracker
 * lost in their booth frames, it found 20. It only says where to look (second-look.ts); the mesh
 * still comes from Human.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { tf } from '../tf/backend.js';
import { packageFile } from '../plq/model-paths.js';
import type { RgbImage } from './face-detector.js';

const require = createRequire(import.meta.url);

/** A face box in image pixels with the finder's confidence. */
export interface FoundFace {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

interface WeightsManifest {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}
interface FaceApiDetection {
  score: number;
  box: { x: number; y: number; width: number; height: number };
}
interface SsdNet {
  loadFromWeightMap(weights: tf.NamedTensorMap): void;
  locateFaces(input: tf.Tensor3D, options: unknown): Promise<FaceApiDetection[]>;
  dispose(): void;
}
interface FaceApiModule {
  SsdMobilenetv1: new () => SsdNet;
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults: number }) => unknown;
}

const MANIFEST = 'model/ssd_mobilenetv1_model-weights_manifest.json';

export class SsdFaceFinder {
  private constructor(
    private readonly faceApi: FaceApiModule,
    private readonly net: SsdNet,
  ) {}

  static async load(): Promise<SsdFaceFinder> {
    const manifestFile = packageFile('@vladmandic/face-api', MANIFEST);
    let groups: WeightsManifest[];
    let bytes: Buffer;
    try {
      groups = JSON.parse(await readFile(manifestFile, 'utf8')) as WeightsManifest[];
      bytes = Buffer.concat(await Promise.all(groups.flatMap((g) => g.paths).map((p) => readFile(path.join(path.dirname(manifestFile), p)))));
    } catch (err) {
      throw new Error(`cannot read the SSD face detector's weights (${manifestFile}): ${(err as Error).message}`);
    }
    // the wasm build requires the same tfjs packages as this process (no other tfjs instance)
    const faceApi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
    const net = new faceApi.SsdMobilenetv1();
    net.loadFromWeightMap(tf.io.decodeWeights(new Uint8Array(bytes).buffer, groups.flatMap((g) => g.weights)));
    return new SsdFaceFinder(faceApi, net);
  }

  /** The faces found at `minScore` or above, most confident first. */
  async find(image: RgbImage, minScore = 0.5, maxResults = 3): Promise<FoundFace[]> {
    const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      const found = await this.net.locateFaces(input, new this.faceApi.SsdMobilenetv1Options({ minConfidence: minScore, maxResults }));
      return found.map((f) => ({ x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height, score: f.score })).sort((a, b) => b.score - a.score);
    } finally {
      input.dispose();
    }
  }

  dispose(): void {
    this.net.dispose();
  }
}
