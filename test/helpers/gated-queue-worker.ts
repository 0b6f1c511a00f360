/**
 * A `plq worker` that analyses its first N jobs for real, then takes the next one and holds it
 * for ever: a queue run that stops partway at a known point, whatever the machine's speed.
 * Usage: tsx gated-queue-worker.ts REDIS_URL N. Prints `done FILE` per job, `holding FILE`.
 */
import { Worker } from 'bullmq';
import { QUEUE_NAME, parseRedisUrl, type QueueJobData } from '../../server/analyze/job-queue.js';
import { createAnalyzer } from '../../server/analyze/analyzer-setup.js';
import { encodeResult } from '../../server/analyze/face-record.js';
import type { ImageAnalyzer } from '../../server/analyze/image-analyzer.js';

const [url, limitText] = process.argv.slice(2);
const limit = Number(limitText);
let taken = 0;
let analyzer: Promise<ImageAnalyzer> | undefined;

const worker = new Worker<QueueJobData, string>(
  QUEUE_NAME,
  async (job) => {
    if (taken++ >= limit) {
      process.stderr.write(`holding ${job.data.file}\n`);
      return new Promise<string>(() => undefined);
    }
    analyzer ??= createAnalyzer(job.data.setup);
    const encoded = encodeResult(await (await analyzer).analyzeFile(job.data.file, job.data.key));
    process.stderr.write(`done ${job.data.file}\n`);
    return encoded;
  },
  { connection: parseRedisUrl(url), concurrency: 1 },
);
worker.on('error', () => undefined);
void worker.waitUntilReady().then(() => process.stderr.write('consuming\n'));
