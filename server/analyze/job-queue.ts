/**
 * Distributes per-image analyses over machines with a BullMQ queue on Redis. The producer
 * (`plq analyze --queue`) adds one job per image (job id = content key, so a re-run or a second
 * producer does not duplicate work); any number of `plq worker --queue` processes consume them
 * and return the encoded result, which the producer stores in its cache. Images are passed by
 * path: workers must see the same files (shared storage).
 */
import { Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import { decodeResult, encodeResult, type ImageResult } from './face-record.js';
import { createAnalyzer, type AnalyzerSetup } from './analyzer-setup.js';
import type { ImageAnalyzer } from './image-analyzer.js';

export const QUEUE_NAME = 'plq-analyze';

export interface QueueJobData {
  file: string;
  key: string;
  setup: AnalyzerSetup;
}

export function parseRedisUrl(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`bad queue URL ${url} (expected redis://HOST:PORT)`);
  }
  if (u.protocol !== 'redis:') throw new Error(`bad queue URL ${url} (expected redis://HOST:PORT)`);
  return { host: u.hostname, port: Number(u.port || 6379), password: u.password || undefined, maxRetriesPerRequest: null };
}

/** Enqueues the tasks and calls onResult as each finishes (failed jobs become error results). */
export async function runOnQueue(
  url: string,
  tasks: { file: string; key: string }[],
  setup: AnalyzerSetup,
  onResult: (r: ImageResult) => Promise<void> | void,
): Promise<void> {
  const connection = parseRedisUrl(url);
  const queue = new Queue<QueueJobData, string>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  const pending = new Map(tasks.map((t) => [t.key, t]));
  let settle!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((res, rej) => {
    settle = res;
    fail = rej;
  });
  const finish = async (key: string, result: () => ImageResult): Promise<void> => {
    const t = pending.get(key);
    if (!t) return;
    pending.delete(key);
    try {
      await onResult(result());
      await queue.remove(key).catch(() => 0);
    } catch (err) {
      fail(err as Error);
    }
    if (pending.size === 0) settle();
  };
  const failed = (key: string, reason: string) => (): ImageResult => {
    const t = pending.get(key) ?? { file: key, key };
    return { file: t.file, key, faces: [], error: { code: 'failed', message: `failed on worker: ${reason}` } };
  };
  // One listener for all jobs (not one per job): the producer may wait on tens of thousands.
  events.on('completed', ({ jobId, returnvalue }) => void finish(jobId, () => decodeResult(returnvalue)));
  events.on('failed', ({ jobId, failedReason }) => {
    void queue.getJob(jobId).then((job) => {
      if (!job || job.attemptsMade >= (job.opts.attempts ?? 1)) void finish(jobId, failed(jobId, failedReason));
    });
  });
  try {
    await events.waitUntilReady();
    for (let i = 0; i < tasks.length; i += 1000) {
      await queue.addBulk(
        tasks.slice(i, i + 1000).map((t) => ({
          name: 'image',
          data: { ...t, setup },
          opts: { jobId: t.key, attempts: 2, removeOnComplete: false, removeOnFail: false },
        })),
      );
    }
    // Jobs that already finished before we listened (e.g. left from an interrupted run).
    for (const key of [...pending.keys()]) {
      const job = await queue.getJob(key);
      const state = job ? await job.getState() : 'unknown';
      if (job && state === 'completed') void finish(key, () => decodeResult(job.returnvalue));
      else if (job && state === 'failed') void finish(key, failed(key, job.failedReason));
    }
    if (pending.size > 0) await done;
  } finally {
    await events.close();
    await queue.close();
  }
}

/** A consumer: analyses jobs until close() (one analyzer per model and backend, built lazily). */
export function startQueueWorker(url: string, concurrency = 1): { worker: Worker<QueueJobData, string>; close: () => Promise<void> } {
  const analyzers = new Map<string, Promise<ImageAnalyzer>>();
  const worker = new Worker<QueueJobData, string>(
    QUEUE_NAME,
    async (job) => {
      const { file, key, setup } = job.data;
      const id = JSON.stringify(setup);
      let a = analyzers.get(id);
      if (!a) {
        a = createAnalyzer(setup);
        analyzers.set(id, a);
      }
      return encodeResult(await (await a).analyzeFile(file, key));
    },
    { connection: parseRedisUrl(url), concurrency },
  );
  return { worker, close: () => worker.close() };
}
