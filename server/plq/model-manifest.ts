/** Per-model manifest (models/<name>.json): where the weights are and how the method is tuned. */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Point } from '../align/similarity.js';

export interface Calibration {
  /** Eq. 2 slope. */
  alpha: number;
  /** Eq. 2 centre (near the development set's mean Q). */
  r: number;
  /** Eq. 6 visualisation exponent. */
  gamma: number;
  /** Fixed per-model ceiling for |dM_Q/dI| per pixel channel (0..255 scale). */
  gradClip: number;
  /** How these values were obtained (command, set, date). */
  source: string;
}

export interface AdaptedHead {
  /** Node whose value is state x kernel (the head's matmul) — replaced by state x adapted kernel. */
  matmulNode: string;
  /** Float32 little-endian [stateSize, embeddingSize] file next to the manifest. */
  file: string;
  /** How the kernel was fitted (command, faces, augmentations). */
  source: string;
}

export interface ModelManifest {
  name: string;
  description: string;
  /** npm package and file of the graph-model JSON. */
  package: string;
  file: string;
  inputNode: string;
  outputNode: string;
  inputSize: [number, number];
  /** Pixel range the graph's input node expects; the method always differentiates w.r.t. 0..255. */
  inputRange: [number, number];
  /** Five-point template (eyes, nose, mouth corners) in input pixels, image-left first. */
  alignmentTemplate: Point[];
  /** Node holding the pre-embedding state (input of the final embedding layers). */
  preEmbeddingNode: string;
  /** Shape of the state per image when it is a feature map (e.g. [7, 7, 1024]); flat if absent. */
  stateShape?: number[];
  stateSize: number;
  embeddingSize: number;
  /**
   * Activation of the deepest convolutional layer (NHWC feature map), for ScoreCAM in the
   * activation-map variation analysis (server/xai/).
   */
  camNode?: string;
  dropout: { p: number; m: number; seed: number };
  /** Where PLQ's quality node reads the embedding (default `embedding`, see pixel-quality.ts). */
  qualityNode?: 'embedding' | 'normalised';
  adaptedHead?: AdaptedHead;
  calibration: Calibration;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** models/ at the repository root (works from server/ sources and from dist/server/). */
export const MODELS_DIR = process.env.PLQ_MODELS_DIR ?? findModelsDir(here);

function findModelsDir(start: string): string {
  let dir = start;
  for (let i = 0; i < 5; i++) {
    dir = path.dirname(dir);
    if (path.basename(dir) !== 'dist' && path.basename(dir) !== 'server') return path.join(dir, 'models');
  }
  return path.resolve('models');
}

export const DEFAULT_MODEL = 'mobileface';

export async function readManifest(name: string, dir = MODELS_DIR): Promise<ModelManifest> {
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(name)) throw new Error(`invalid model name "${name}"`);
  const file = path.join(dir, `${name}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`unknown model "${name}": no manifest ${file}`);
  }
  const m = JSON.parse(text) as ModelManifest;
  for (const key of ['package', 'file', 'inputNode', 'outputNode', 'preEmbeddingNode', 'calibration'] as const) {
    if (m[key] === undefined) throw new Error(`model manifest ${file} lacks "${key}"`);
  }
  return m;
}

/** Names of the FR model manifests in `dir` (models/ also holds other data: the split, labels, detectors). */
export async function listModels(dir = MODELS_DIR): Promise<string[]> {
  const names: string[] = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    try {
      const m = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as Partial<ModelManifest>;
      if (m.package && m.preEmbeddingNode) names.push(f.replace(/\.json$/, ''));
    } catch {
      // not a manifest
    }
  }
  return names;
}

export async function writeManifest(m: ModelManifest, dir = MODELS_DIR): Promise<string> {
  const file = path.join(dir, `${m.name}.json`);
  await writeFile(file, JSON.stringify(m, null, 2) + '\n');
  return file;
}
