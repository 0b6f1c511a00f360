/**
 * Distributes per-image analyses over machines with a BullMQ queue on Redis. The producer
 * (`plq analyze --queue`) adds one job per image (job id = content key, so a re-run or a second
 * producer does not duplicate work); any number of `plq worker --queue` processes consume them
 * and return the encoded result, which the producer stores in its cache. Images are passed by
 * path: workers must see the same files (shared storage).
 */
import { Queue, QueueEvents, Worker } from 'bullmq';
import { decodeResult, encodeResult, type ImageResult } from './face-record.js';
import { createAnalyzer, type AnalyzerSetup } from './analyzer-setup.js';
import type { ImageAnalyzer } from './image-analyzer.js';
import { parseRedisUrl } from './redis-url.js';
import { watchRedis } from './redis-watchdog.js';
import { maskCredentials } from '../security/mask-credentials.js';

export { parseRedisUrl } from './redis-url.js';

export const QUEUE_NAME = 'plq-analyze';

export interface QueueJobData {
  file: string;
  key: string;
  setup: AnalyzerSetup;
}

/**
 * Redis keeps a job's result until the producer has stored it in its cache and removed the job;
 * these bound what is left when no producer collects (an interrupted run): a rerun within the
 * age finds the results, older or surplus ones are dropped by BullMQ and recomputed if asked.
 */
export const JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1_000 },
} as const;

/** Redis stopped answering for longer than the queue timeout. */
export class QueueUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueUnavailableError';
  }
}

export interface QueueRunOptions {
  /** Give up when Redis has not answered for this long (ms). */
  timeoutMs: number;
}

/**
 * Enqueues the tasks and calls onResult as each finishes (failed jobs become error results).
 * Rejects with QueueUnavailableError when Redis stops answering for `timeoutMs`; results
 * already passed to onResult stay with the caller.
 */
export async function runOnQueue(
  url: string,
  tasks: { file: string; key: string }[],
  setup: AnalyzerSetup,
  onResult: (r: ImageResult) => Promise<void> | void,
  options: QueueRunOptions,
): Promise<void> {
  let givenUp = false;
  // Reconnects every 1-2 s while the run waits; once it has given up, null ends the client
  // (pending commands fail, no timer keeps the process alive).
  const connection = { ...parseRedisUrl(url), retryStrategy: (times: number) => (givenUp ? null : Math.min(1000 + times * 100, 2000)) };
  const queue = new Queue<QueueJobData, string>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  let lastError = '';
  const onError = (err: Error): void => {
    lastError = maskCredentials(err.message);
  };
  queue.on('error', onError);
  events.on('error', onError);
  const pending = new Map(tasks.map((t) => [t.key, t]));
  let settle!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((res, rej) => {
    settle = res;
    fail = rej;
  });
  const watchdog = watchRedis(
    () => queue.count(),
    options.timeoutMs,
    (silentMs) =>
      fail(
        new QueueUnavailableError(
          `Redis at ${maskCredentials(url)} has not answered for ${Math.round(silentMs / 1000)} s` +
            `${lastError ? ` (${lastError})` : ''}; ${pending.size} of ${tasks.length} images not analysed`,
        ),
      ),
  );
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
  const enqueue = async (): Promise<void> => {
    await events.waitUntilReady();
    for (let i = 0; i < tasks.length; i += 1000) {
      await queue.addBulk(
        tasks.slice(i, i + 1000).map((t) => ({
          name: 'image',
          data: { ...t, setup },
          opts: { jobId: t.key, attempts: 2, ...JOB_RETENTION },
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
  };
  let healthy = true;
  try {
    // the watchdog fails `done` while enqueueing too (a Redis down from the start)
    await Promise.race([enqueue(), done]);
    if (pending.size > 0) await done;
  } catch (err) {
    healthy = !(err instanceof QueueUnavailableError);
    givenUp = !healthy;
    throw err;
  } finally {
    watchdog.stop();
    await closeClients([events, queue], healthy);
  }
}

/**
 * Closes gracefully when Redis is there. With Redis gone a graceful close would wait for it: the
 * clients end by themselves at their next reconnect attempt (retryStrategy), so nothing waits.
 */
async function closeClients(clients: Array<Queue | QueueEvents>, graceful: boolean): Promise<void> {
  if (graceful) await Promise.all(clients.map((c) => c.close()));
  else for (const c of clients) void c.close().catch(() => undefined);
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
