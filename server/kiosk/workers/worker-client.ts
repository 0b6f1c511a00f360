/**
 * A model worker thread with request/response calls. A worker that crashes is restarted with
 * back-off; calls in flight fail with WorkerCrashedError and the caller goes on.
 */
import { EventEmitter } from 'node:events';
import { Worker, type TransferListItem } from 'node:worker_threads';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

export class WorkerCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashedError';
  }
}

export interface WorkerClientOptions {
  name: string;
  /** Worker entry module URL (.ts under tsx/vitest, .js when compiled). */
  entry: URL;
  /** Sent as the 'init' call after every (re)start. */
  init: unknown;
  restartMinDelayMs?: number;
  restartMaxDelayMs?: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Emits 'restart' (reason), 'ready', 'error' (Error). */
export class WorkerClient extends EventEmitter {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private ready: Promise<void> | undefined;
  private restarts = 0;
  private closed = false;
  private delay: number;

  constructor(private readonly options: WorkerClientOptions) {
    super();
    this.delay = options.restartMinDelayMs ?? 200;
  }

  get restartCount(): number {
    return this.restarts;
  }

  start(): Promise<void> {
    this.ready ??= this.spawn();
    return this.ready;
  }

  private spawn(): Promise<void> {
    const isTs = this.options.entry.pathname.endsWith('.ts');
    const worker = isTs
      ? new Worker(new URL('./ts-worker-bootstrap.mjs', import.meta.url), { workerData: { entry: this.options.entry.href } })
      : new Worker(this.options.entry);
    this.worker = worker;
    worker.on('message', (msg: WorkerResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    worker.on('error', (err) => this.emit('error', err));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const reason = `${this.options.name} worker exited with code ${code}`;
      for (const p of this.pending.values()) p.reject(new WorkerCrashedError(reason));
      this.pending.clear();
      if (this.closed) return;
      this.restarts++;
      const wait = this.delay;
      this.delay = Math.min(this.delay * 2, this.options.restartMaxDelayMs ?? 10_000);
      this.emit('restart', reason);
      this.ready = new Promise<void>((resolve) => setTimeout(resolve, wait).unref()).then(() => this.spawn());
      this.ready.catch((err: Error) => this.emit('error', err));
    });
    return this.send('init', this.options.init).then(() => {
      this.delay = this.options.restartMinDelayMs ?? 200;
      this.emit('ready');
    });
  }

  private send(method: string, payload: unknown, transfer: readonly TransferListItem[] = []): Promise<unknown> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new WorkerCrashedError(`${this.options.name} worker is not running`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: WorkerRequest = { id, method, payload };
      worker.postMessage(req, transfer);
    });
  }

  /** Calls `method` once the worker is up (waits through a restart). */
  async call<R>(method: string, payload: unknown, transfer: readonly TransferListItem[] = []): Promise<R> {
    await this.start();
    return (await this.send(method, payload, transfer)) as R;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Asks the worker to finish its current call and end by itself; terminates it only if it has
   * not ended within `graceMs` (abrupt termination mid-task is a last resort).
   */
  async close(graceMs = 3000): Promise<void> {
    this.closed = true;
    const w = this.worker;
    if (!w) return;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    await Promise.race([this.send('__shutdown', null).catch(() => undefined), exited]);
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new WorkerCrashedError(`${this.options.name} worker closed`));
    this.pending.clear();
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') await w.terminate();
  }
}
