/**
 * A model worker thread with request/response calls, kept alive whatever happens to it:
 * - every call has a timeout; a call that runs past it means the worker hangs: it is terminated
 *   and restarted (calls in flight fail with WorkerTimeoutError / WorkerCrashedError);
 * - a worker that exits is restarted with back-off;
 * - a failed or hung `init` after a restart is retried with the same back-off, for ever: the
 *   client never stays dead (only the very first start reports an init failure, so a bad config
 *   fails `plq serve` at once).
 * The back-off doubles from restartMinDelayMs to restartMaxDelayMs on successive failures and
 * starts again from the minimum once a worker has stayed up for `stableAfterMs`.
 */
import { EventEmitter } from 'node:events';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { FAULT_METHOD, PING_METHOD, SHUTDOWN_METHOD, type WorkerFault, type WorkerRequest, type WorkerResponse } from './worker-protocol.js';

export class WorkerCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashedError';
  }
}

export class WorkerTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerTimeoutError';
  }
}

export interface WorkerTimeoutOptions {
  /** A call not answered within this is a hang (default 5000 ms). */
  callTimeoutMs?: number;
  /** The first call after each (re)start, which compiles kernels and uploads weights (default 30000 ms). */
  firstCallTimeoutMs?: number;
  /** `init` (loading the models) not done within this is a hang (default 120000 ms). */
  initTimeoutMs?: number;
  /** A ping not answered within this: the worker's thread is not turning (default 2000 ms). */
  pingTimeoutMs?: number;
}

export interface WorkerClientOptions extends WorkerTimeoutOptions {
  name: string;
  /** Worker entry module URL (.ts under tsx/vitest, .js when compiled). */
  entry: URL;
  /** Sent as the 'init' call after every (re)start. */
  init: unknown;
  restartMinDelayMs?: number;
  restartMaxDelayMs?: number;
  /** A worker up this long resets the back-off (default 10000 ms). */
  stableAfterMs?: number;
}

export type WorkerState = 'starting' | 'ready' | 'restarting' | 'closed';

export interface WorkerHealth {
  name: string;
  state: WorkerState;
  /** Since when the worker has not been ready (ms epoch); undefined while ready. */
  downSince: number | undefined;
  restarts: number;
  /** Why the last worker ended or failed to start. */
  lastFailure: string | undefined;
}

interface Pending {
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

const DEFAULTS = { callTimeoutMs: 5000, firstCallTimeoutMs: 30_000, initTimeoutMs: 120_000, pingTimeoutMs: 2000 };

/** Emits 'restart' (reason), 'ready', 'error' (Error). */
export class WorkerClient extends EventEmitter {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Resolves once a worker is up; replaced on every restart; rejects only when closed or the very first start fails. */
  private ready: Promise<void> | undefined;
  private restarts = 0;
  private closed = false;
  private delay: number;
  private everReady = false;
  private callsSinceStart = 0;
  private upSince = 0;
  private status: WorkerState = 'starting';
  private downSince: number | undefined = Date.now();
  private lastFailure: string | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly timeouts: Required<WorkerTimeoutOptions>;

  constructor(private readonly options: WorkerClientOptions) {
    super();
    this.delay = options.restartMinDelayMs ?? 200;
    this.timeouts = {
      callTimeoutMs: options.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
      firstCallTimeoutMs: options.firstCallTimeoutMs ?? DEFAULTS.firstCallTimeoutMs,
      initTimeoutMs: options.initTimeoutMs ?? DEFAULTS.initTimeoutMs,
      pingTimeoutMs: options.pingTimeoutMs ?? DEFAULTS.pingTimeoutMs,
    };
  }

  get name(): string {
    return this.options.name;
  }

  get restartCount(): number {
    return this.restarts;
  }

  health(): WorkerHealth {
    return { name: this.options.name, state: this.status, downSince: this.downSince, restarts: this.restarts, lastFailure: this.lastFailure };
  }

  start(): Promise<void> {
    if (this.closed) return Promise.reject(new WorkerCrashedError(`${this.options.name} worker closed`));
    this.ready ??= this.spawn();
    return this.ready;
  }

  private spawn(): Promise<void> {
    const isTs = this.options.entry.pathname.endsWith('.ts');
    const workerData = { entry: this.options.entry.href, name: this.options.name };
    const worker = isTs
      ? new Worker(new URL('./ts-worker-bootstrap.mjs', import.meta.url), { workerData })
      : new Worker(this.options.entry, { workerData });
    this.worker = worker;
    this.status = this.everReady ? 'restarting' : 'starting';
    this.callsSinceStart = 0;
    worker.on('message', (msg: WorkerResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    worker.on('error', (err) => this.emit('error', err));
    worker.on('exit', (code) => this.onExit(worker, `${this.options.name} worker exited with code ${code}`));
    return this.send('init', this.options.init, [], this.timeouts.initTimeoutMs).then(
      () => {
        this.everReady = true;
        this.status = 'ready';
        this.downSince = undefined;
        this.upSince = Date.now();
        this.emit('ready');
      },
      (err: Error) => {
        const reason = `${this.options.name} worker init failed: ${err.message}`;
        if (!this.everReady || this.closed) {
          void this.kill(worker);
          throw err;
        }
        // a failed init after a restart: retry with back-off, never stay dead
        this.lastFailure = reason;
        const next = this.scheduleRestart(worker, reason);
        void worker.terminate();
        return next;
      },
    );
  }

  private onExit(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failPending(new WorkerCrashedError(reason));
    if (this.closed || !this.everReady) return;
    this.lastFailure = reason;
    this.ready = this.scheduleRestart(worker, reason);
  }

  /** The next start after `delay`; returns the promise that resolves when a worker is up again. */
  private scheduleRestart(dead: Worker, reason: string): Promise<void> {
    if (this.worker === dead) this.worker = undefined;
    this.failPending(new WorkerCrashedError(reason));
    this.status = 'restarting';
    this.downSince ??= Date.now();
    if (this.upSince && Date.now() - this.upSince >= (this.options.stableAfterMs ?? 10_000)) this.delay = this.options.restartMinDelayMs ?? 200;
    this.upSince = 0;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.restartMaxDelayMs ?? 10_000);
    this.restarts++;
    this.emit('restart', reason);
    const next = new Promise<void>((resolve) => {
      this.restartTimer = setTimeout(resolve, wait);
    }).then(() => {
      if (this.closed) throw new WorkerCrashedError(`${this.options.name} worker closed`);
      return this.spawn();
    });
    this.ready = next;
    next.catch((err: Error) => {
      if (!this.closed) this.emit('error', err);
    });
    return next;
  }

  private failPending(err: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  /** Terminates a hung worker; its exit restarts it. */
  private async kill(worker: Worker): Promise<void> {
    await worker.terminate().catch(() => undefined);
  }

  private send(method: string, payload: unknown, transfer: readonly TransferListItem[], timeoutMs: number | undefined): Promise<unknown> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new WorkerCrashedError(`${this.options.name} worker is not running`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const p: Pending = { method, resolve, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        p.timer = setTimeout(() => {
          if (!this.pending.delete(id)) return;
          const reason = `${this.options.name} worker: '${method}' not answered within ${timeoutMs} ms`;
          reject(new WorkerTimeoutError(reason));
          // a model call or init that hangs: the thread is of no use any more
          if (method !== PING_METHOD && this.worker === worker) {
            if (method === 'init') return; // spawn()'s failure path restarts it
            this.onExit(worker, reason);
            void this.kill(worker);
          }
        }, timeoutMs);
      }
      this.pending.set(id, p);
      const req: WorkerRequest = { id, method, payload };
      worker.postMessage(req, transfer);
    });
  }

  /** Calls `method` once the worker is up (waits through a restart), within the call timeout. */
  async call<R>(method: string, payload: unknown, transfer: readonly TransferListItem[] = []): Promise<R> {
    await this.start();
    const timeout = this.callsSinceStart++ === 0 ? this.timeouts.firstCallTimeoutMs : this.timeouts.callTimeoutMs;
    return (await this.send(method, payload, transfer, timeout)) as R;
  }

  /**
   * Heartbeat: true when the worker is up and its thread answers within the ping timeout. Does
   * not wait for a restart; a missing answer does not kill the worker (calls time out on their own).
   */
  async ping(): Promise<{ ok: true; ms: number } | { ok: false; reason: string }> {
    if (this.status !== 'ready' || !this.worker) return { ok: false, reason: `worker ${this.status}${this.lastFailure ? ` (${this.lastFailure})` : ''}` };
    const t0 = performance.now();
    try {
      await this.send(PING_METHOD, null, [], this.timeouts.pingTimeoutMs);
      return { ok: true, ms: performance.now() - t0 };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }

  /** Test-only (served only with fault injection enabled in the worker's environment). */
  injectFault(fault: WorkerFault): void {
    this.worker?.postMessage({ id: this.nextId++, method: FAULT_METHOD, payload: fault } satisfies WorkerRequest);
  }

  /** Ends the worker at once, as a native crash would (SIGKILL-like; it is restarted). */
  async terminate(): Promise<void> {
    const w = this.worker;
    if (w) await this.kill(w);
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
    this.status = 'closed';
    clearTimeout(this.restartTimer);
    const w = this.worker;
    if (!w) return;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    await Promise.race([this.send(SHUTDOWN_METHOD, null, [], graceMs).catch(() => undefined), exited]);
    this.worker = undefined;
    this.failPending(new WorkerCrashedError(`${this.options.name} worker closed`));
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') await w.terminate();
  }
}
