import { maskCredentials } from '../security/mask-credentials.js';

/** `plq worker --queue URL`: consumes analysis jobs until SIGINT/SIGTERM. */
export async function workerCommand(opts: { queue: string; concurrency: number }): Promise<number> {
  const { startQueueWorker } = await import('../analyze/job-queue.js');
  const { worker, close } = startQueueWorker(opts.queue, opts.concurrency);
  worker.on('completed', (job) => process.stderr.write(`plq worker: done ${job.data.file}\n`));
  worker.on('failed', (job, err) => process.stderr.write(`plq worker: failed ${job?.data.file}: ${err.message}\n`));
  worker.on('error', (err) => process.stderr.write(`plq worker: ${maskCredentials(err.message)}\n`));
  await worker.waitUntilReady();
  process.stderr.write(`plq worker: consuming ${maskCredentials(opts.queue)}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await close();
  return 0;
}
