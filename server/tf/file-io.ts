/**
 * A `file://` model loader for tfjs without tfjs-node: detectors (Human) load their graph
 * models by URL; this router serves them straight from node_modules on disk.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from './backend.js';

interface ModelJson {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: object;
  userDefinedMetadata?: { [key: string]: {} };
}

function fileHandler(url: string): tf.io.IOHandler {
  return {
    load: async () => {
      const file = url.startsWith('file://') ? fileURLToPath(url) : url;
      let json: ModelJson;
      try {
        json = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
      } catch (err) {
        throw new Error(`cannot read model ${file}: ${(err as Error).message}`);
      }
      const dir = path.dirname(file);
      const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
      const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(dir, p)))));
      return {
        modelTopology: json.modelTopology,
        weightSpecs,
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

let registered = false;
export function registerFileModelLoader(): void {
  if (registered) return;
  registered = true;
  tf.io.registerLoadRouter((url: string | string[]) => {
    const u = Array.isArray(url) ? url[0] : url;
    return (typeof u === 'string' && u.startsWith('file://') ? fileHandler(u) : null) as tf.io.IOHandler;
  });
}
