/**
 * Runs image analyses on N worker threads (one tfjs instance each), so a multi-core machine is
 * used fully; results stream back in completion order.
 */
import { Worker } from 'node:worker_threads';
import { decodeResult, type ImageResult } from './face-record.js';
import type { AnalyzerSetup } from './analyzer-setup.js';
import type { PoolTask } from './pool-worker.js';

function spawnWorker(setup: AnalyzerSetup): Worker {
  const own = new URL(import.meta.url);
  if (!own.pathname.endsWith('.ts')) return new Worker(new URL('./pool-worker.js', own), { workerData: setup });
  // Running from sources under tsx: the thread registers tsx's ESM loader before importing the worker.
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./pool-worker.ts', own).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: setup });
}

export async function runLocalPool(
  tasks: PoolTask[],
  setup: AnalyzerSetup,
  threads: number,
  onResult: (r: ImageResult) => Promise<void> | void,
): Promise<void> {
  if (tasks.length === 0) return;
  const queue = [...tasks];
  const n = Math.max(1, Math.min(threads, tasks.length));
  await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<void>((resolve, reject) => {
        const w = spawnWorker(setup);
        const next = () => {
          const t = queue.shift();
          if (t) w.postMessage(t);
          else void w.terminate().then(() => resolve());
        };
        w.on('message', (msg: string) => {
          if (msg === 'ready') return next();
          Promise.resolve(onResult(decodeResult(msg))).then(next, reject);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (queue.length > 0 && code !== 0) reject(new Error(`analysis worker exited with code ${code}`));
        });
      }),
    ),
  );
}
