/** Builds an ImageAnalyzer with its detector and BRISQUE model (shared by pool workers and queue workers). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend, type BackendName } from '../tf/backend.js';
import { HumanFaceDetector } from '../detect/human-detector.js';
import { MODELS_DIR } from '../plq/model-manifest.js';
import { parseBrisqueModel, type BrisqueModel } from '../xai/brisque-model.js';
import { ImageAnalyzer } from './image-analyzer.js';

export const BRISQUE_MODEL_FILE = 'brisque/brisque-faces.json';

export interface AnalyzerSetup {
  model: string;
  backend: BackendName | 'auto';
  maxPixels?: number;
}

export async function loadBrisqueModel(file = path.join(MODELS_DIR, BRISQUE_MODEL_FILE)): Promise<BrisqueModel> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`BRISQUE model ${file} is missing (run plq fit-brisque)`);
  }
  return parseBrisqueModel(JSON.parse(text), file);
}

export async function createAnalyzer(setup: AnalyzerSetup): Promise<ImageAnalyzer> {
  await initBackend(setup.backend);
  const detector = await HumanFaceDetector.create();
  return ImageAnalyzer.create(setup.model, detector, await loadBrisqueModel(), { maxPixels: setup.maxPixels });
}
