import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { BackendName } from '../tf/backend.js';
import { ANALYSIS_VERSION, type FaceRecord, type ImageResult } from '../analyze/face-record.js';
import { AnalysisCache } from '../analyze/analysis-cache.js';
import { maskCredentials } from '../security/mask-credentials.js';
import { parseMethods } from '../analyze/quality-methods.js';
import { identitiesFromFolders, readIdentitiesCsv, type Identities } from '../analyze/identities.js';
import { runLocalPool } from '../analyze/local-pool.js';
import { analyseSet } from '../analyze/set-analysis.js';
import { writeReport } from '../analyze/report.js';
import { expandInputs } from './input-files.js';
import { progress } from './progress.js';

export interface AnalyzeOptions {
  model: string;
  methods: string;
  fraction: number;
  identities?: string;
  fmr: number;
  out: string;
  queue?: string;
  /** Give up a queue run when Redis has not answered for this long. */
  queueTimeoutSeconds: number;
  /** Cached per-image results older than this are deleted at start; 0 = kept only until this run succeeds. */
  cacheDays: number;
  threads: number;
  backend: BackendName | 'auto';
  maxPixels: number;
}

async function contentKey(file: string, model: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return `${model}-v${ANALYSIS_VERSION}-${h.digest('hex').slice(0, 32)}`;
}

/** Runs `plq analyze`; returns the exit code (2 for bad arguments such as a bad identities CSV). */
export async function analyzeCommand(paths: string[], o: AnalyzeOptions): Promise<number> {
  const fail = (msg: string) => {
    process.stderr.write(`plq: ${msg}\n`);
    return 2;
  };
  if (!(o.fraction > 0 && o.fraction <= 0.5)) return fail(`--fraction must be in (0, 0.5], got ${o.fraction}`);
  let methods, identities: Identities | undefined;
  try {
    methods = await parseMethods(o.methods);
    if (o.identities === 'folders') identities = undefined;
    else if (o.identities) identities = await readIdentitiesCsv(o.identities);
  } catch (err) {
    return fail((err as Error).message);
  }
  const inputs = await expandInputs(paths);
  if (inputs.length === 0) return fail('no input images');
  if (o.identities === 'folders') identities = identitiesFromFolders(inputs.filter((i) => !i.error).map((i) => i.path));

  const cache = await AnalysisCache.open(path.join(o.out, 'cache'), o.cacheDays * 86_400_000);
  const results: ImageResult[] = [];
  const tasks: { file: string; key: string }[] = [];
  let cached = 0;
  for (const input of inputs) {
    const file = path.resolve(input.path);
    if (input.error) {
      results.push({ file, key: '', faces: [], error: { code: 'unreadable', message: input.error } });
      continue;
    }
    let key: string;
    try {
      key = await contentKey(file, o.model);
    } catch (err) {
      results.push({ file, key: '', faces: [], error: { code: 'unreadable', message: `unreadable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` } });
      continue;
    }
    const hit = await cache.get(key);
    if (hit) {
      results.push({ ...hit, file, faces: hit.faces.map((f) => ({ ...f, file })) });
      cached++;
    } else {
      tasks.push({ file, key });
    }
  }
  const expired = cache.expired ? ` (${cache.expired} expired entries deleted)` : '';
  process.stderr.write(
    `plq: ${inputs.length} inputs, ${cached} from the cache${expired}, ${tasks.length} to analyse ${o.queue ? `on queue ${maskCredentials(o.queue)}` : `on ${o.threads} thread(s)`}\n`,
  );
  const bar = progress(tasks.length, 'analyze');
  let stored = 0;
  const store = async (r: ImageResult) => {
    bar.tick(path.basename(r.file));
    // Failures are not cached: a rerun tries them again.
    if (!r.error || r.error.code === 'no-face' || r.error.code === 'not-an-image') {
      await cache.put(r);
      stored++;
    }
    results.push(r);
  };
  const setup = { model: o.model, backend: o.backend, maxPixels: o.maxPixels };
  // bullmq is loaded only for queue runs.
  if (o.queue) {
    const { runOnQueue, QueueUnavailableError } = await import('../analyze/job-queue.js');
    try {
      await runOnQueue(o.queue, tasks, setup, store, { timeoutMs: o.queueTimeoutSeconds * 1000 });
    } catch (err) {
      bar.stop();
      if (!(err instanceof QueueUnavailableError)) throw err;
      process.stderr.write(
        `plq: queue unavailable: ${err.message}. ${cached + stored} results are kept in ${cache.dir}: ` +
          `run the same command again to resume (cached images are not recomputed)\n`,
      );
      return 3;
    }
  } else await runLocalPool(tasks, setup, o.threads, store);
  bar.stop();

  const order = new Map(inputs.map((i, k) => [path.resolve(i.path), k]));
  results.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  const faces: FaceRecord[] = results.flatMap((r) => r.faces);
  const skipped = results.filter((r) => r.error);
  for (const s of skipped) process.stderr.write(`plq: skipped ${s.file}: ${s.error!.message}\n`);
  if (faces.length < 2) return fail(`only ${faces.length} face(s) analysed; at least 2 are needed for a report`);
  let analysis;
  try {
    analysis = analyseSet(faces, methods, o.fraction, identities ? (f) => identities!.get(path.resolve(f.file)) : undefined, o.fmr);
  } catch (err) {
    return fail((err as Error).message);
  }
  const index = await writeReport({
    out: o.out, model: o.model, faces, methods, analysis, skipped, command: maskCredentials(`plq analyze ${process.argv.slice(3).join(' ')}`),
  });
  const cleared = await cache.clearIfSessionOnly();
  const camMs = faces.map((f) => f.timings.camMs).sort((a, b) => a - b);
  process.stderr.write(
    `plq: ${faces.length} faces from ${results.length - skipped.length} images, ${skipped.length} skipped; ` +
      `Score-CAM median ${camMs[camMs.length >> 1].toFixed(0)} ms/face; report ${index}${cleared ? '; cache deleted (--cache-days 0)' : ''}\n`,
  );
  return 0;
}
