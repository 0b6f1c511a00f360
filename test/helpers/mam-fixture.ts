/** A stored MAM_H (as `plq analyze` writes it) from the Score-CAM maps of real aligned faces. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FrModel } from '../../server/plq/fr-model.js';
import { scoreCam } from '../../server/xai/score-cam.js';
import { stackStats } from '../../server/xai/map-stats.js';
import { serialiseMam, type StoredMam } from '../../server/xai/mam-file.js';
import { realAligned } from './real-faces.js';

export async function writeMamFixture(faces = 3, modelName = 'mobileface'): Promise<{ file: string; mam: StoredMam }> {
  const model = await FrModel.load(modelName);
  const xs = (await realAligned(model.manifest)).slice(0, faces);
  const maps = xs.map((x) => scoreCam({ activations: (p) => model.camActivations(p), embed: (p) => model.embed(p) }, x).map);
  const mam: StoredMam = { format: 'plq-mam/1', model: modelName, method: 'serfiq', fraction: 0.1, count: maps.length, map: stackStats(maps).mam };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-mam-'));
  const file = path.join(dir, 'serfiq.mam-h.json');
  await writeFile(file, serialiseMam(mam));
  return { file, mam };
}
