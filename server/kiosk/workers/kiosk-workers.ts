/**
 * The kiosk's model workers, made from the kiosk config: one place for their entry modules and
 * init payloads, so `plq serve` and `plq evaluate guidance` run the same tracker and PLQ worker.
 */
import type { KioskConfig } from '../config/kiosk-config.js';
import { WorkerClient, type WorkerClientOptions } from './worker-client.js';
import type { TrackerInit } from './tracker-worker.js';
import type { PlqInit } from './plq-worker.js';
import type { AssessInit } from './assess-worker.js';

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const workerUrl = (name: string): URL => new URL(`./${name}${ext}`, import.meta.url);

type ClientClass = new (options: WorkerClientOptions) => WorkerClient;

/** Timeouts and back-off of one worker, from config.workers and config.health. */
function supervision(config: KioskConfig, which: 'tracker' | 'plq' | 'assess'): Omit<WorkerClientOptions, 'name' | 'entry' | 'init'> {
  return {
    ...config.workers[which],
    pingTimeoutMs: config.health.heartbeatTimeoutMs,
    restartMinDelayMs: config.workers.restartMinDelayMs,
    restartMaxDelayMs: config.workers.restartMaxDelayMs,
  };
}

export function trackerWorker(config: KioskConfig, Client: ClientClass = WorkerClient): WorkerClient {
  return new Client({
    name: 'tracker',
    ...supervision(config, 'tracker'),
    entry: workerUrl('tracker-worker'),
    init: {
      backend: config.engine.backend,
      model: config.engine.model,
      detectorEveryFrames: config.tracking.detectorEveryFrames,
      secondLookMs: config.tracking.secondLookMs,
      iris: config.tracking.iris,
      eyelids: config.tracking.eyelids,
      maxFaces: config.tracking.maxFaces,
      minBoxConfidence: config.tracking.minBoxConfidence,
      minMeshConfidence: config.tracking.minMeshConfidence,
      selection: { centreSigma: config.selection.centreSigma, multipleFacesRatio: config.selection.multipleFacesRatio },
      presentationAttack: config.guidance.presentationAttack.enabled,
    } satisfies TrackerInit,
  });
}

export function plqWorker(config: KioskConfig, Client: ClientClass = WorkerClient): WorkerClient {
  return new Client({
    name: 'plq',
    ...supervision(config, 'plq'),
    entry: workerUrl('plq-worker'),
    init: { backend: config.engine.backend, model: config.engine.model, mamFile: config.xai.mamFile } satisfies PlqInit,
  });
}

export function assessWorker(config: KioskConfig): WorkerClient {
  return new WorkerClient({
    name: 'assess',
    ...supervision(config, 'assess'),
    entry: workerUrl('assess-worker'),
    init: { backend: config.engine.backend, model: config.engine.model, maxPixels: config.server.maxImagePixels } satisfies AssessInit,
  });
}
