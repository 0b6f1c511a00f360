/**
 * A face-recognition network split at its pre-embedding state: backbone (pixels -> state)
 * and head (state -> embedding), as SER-FIQ needs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { tf } from '../tf/backend.js';
import { GraphProgram } from './graph-program.js';
import { packageFile } from './model-paths.js';
import { MODELS_DIR, readManifest, type ModelManifest } from './model-manifest.js';

export class FrModel {
  private constructor(
    readonly manifest: ModelManifest,
    private readonly program: GraphProgram,
    /** Head kernel adapted to dropout, or undefined to use the trained one in dropout passes. */
    private readonly adaptedKernel: tf.Tensor2D | undefined,
  ) {}

  static async load(name: string, modelsDir = MODELS_DIR, options: { withoutAdaptedHead?: boolean; headFile?: string } = {}): Promise<FrModel> {
    const manifest = await readManifest(name, modelsDir);
    const program = await GraphProgram.load(packageFile(manifest.package, manifest.file));
    let kernel: tf.Tensor2D | undefined;
    if (manifest.adaptedHead && !options.withoutAdaptedHead) {
      const file = options.headFile ?? path.join(modelsDir, manifest.adaptedHead.file);
      let buf: Buffer;
      try {
        buf = await readFile(file);
      } catch {
        throw new Error(`model ${name}: adapted head file ${file} is missing`);
      }
      const expected = manifest.stateSize * manifest.embeddingSize * 4;
      if (buf.byteLength !== expected) throw new Error(`model ${name}: ${file} has ${buf.byteLength} bytes, expected ${expected}`);
      const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      kernel = tf.keep(tf.tensor2d(data, [manifest.stateSize, manifest.embeddingSize]));
    }
    return new FrModel(manifest, program, kernel);
  }

  get inputSize(): [number, number] {
    return this.manifest.inputSize;
  }

  /** Maps 0..255 pixels to the graph's input range (differentiable). */
  private toInputRange(x: tf.Tensor4D): tf.Tensor4D {
    const [lo, hi] = this.manifest.inputRange;
    if (lo === 0 && hi === 255) return x;
    return tf.add(tf.mul(x, (hi - lo) / 255), lo) as tf.Tensor4D;
  }

  /** Pixels [n,h,w,3] on the 0..255 scale -> pre-embedding state [n, stateSize]. */
  backbone(pixels: tf.Tensor4D): tf.Tensor2D {
    const s = this.program.run({ [this.manifest.inputNode]: this.toInputRange(pixels) }, this.manifest.preEmbeddingNode);
    return s.reshape([pixels.shape[0], this.manifest.stateSize]);
  }

  /** Deterministic embedding (the trained head, no dropout). Not L2-normalised. */
  head(state: tf.Tensor2D): tf.Tensor2D {
    const shape = this.manifest.stateShape;
    const fed = shape ? state.reshape([state.shape[0], ...shape]) : state;
    return this.program.run({ [this.manifest.preEmbeddingNode]: fed }, this.manifest.outputNode) as tf.Tensor2D;
  }

  /**
   * Head for dropout passes: the dropout-adapted kernel where the manifest ships one (or
   * `kernel`, e.g. one refitted for cross-validation).
   */
  stochasticHead(droppedState: tf.Tensor2D, kernel: tf.Tensor2D | undefined = this.adaptedKernel): tf.Tensor2D {
    const adapted = this.manifest.adaptedHead;
    if (!adapted || !kernel) return this.head(droppedState);
    const z = tf.matMul(droppedState, kernel);
    return this.program.run({ [adapted.matmulNode]: z }, this.manifest.outputNode) as tf.Tensor2D;
  }

  /** The trained kernel of the head's matmul, for fitting an adapted head. */
  headKernel(): tf.Tensor2D {
    const adapted = this.manifest.adaptedHead;
    if (!adapted) throw new Error(`model ${this.manifest.name} has no adaptable head`);
    const node = this.program.nodeInputs(adapted.matmulNode);
    return this.program.constant(node[1]) as tf.Tensor2D;
  }

  /**
   * The feature map of the deepest convolutional layer (the manifest's camNode) for 0..255
   * pixels [n,h,w,3] -> [n,fh,fw,k]. Call inside tf.tidy.
   */
  camActivations(pixels: tf.Tensor4D): tf.Tensor4D {
    const node = this.manifest.camNode;
    if (!node) throw new Error(`model ${this.manifest.name} has no camNode in its manifest`);
    return this.program.run({ [this.manifest.inputNode]: this.toInputRange(pixels) }, node) as tf.Tensor4D;
  }

  embed(pixels: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.head(this.backbone(pixels)));
  }
}
