/**
 * A model worker thread with request/response calls, kept alive whatever happens to it:
 * - every call has a timeout; a call that runs past it means the worker hangs: it is terminated
 *   and replaced (calls in flight fail with WorkerTimeoutError / WorkerCrashedError);
 * - a worker that exits is replaced;
 * - with `standby`, a second worker is kept initialised: a failure switches to it at once (a
 *   model worker takes 1-4 s to load its models, longer than the 2 s a kiosk may be blind), and
 *   a new standby is started behind it;
 * - a failed or hung `init` is retried with back-off, for ever: the client never stays dead
 *   (only the very first start reports an init failure, so a bad config fails `plq serve` at
 *   once).
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
  /** Keep a second, initialised worker to switch to when the first fails (default false). */
  standby?: boolean;
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
  /** Inits that failed or timed out (active or standby worker). */
  initFailures: number;
  /** Why the last worker ended or failed to start. */
  lastFailure: string | undefined;
  /** The standby worker: 'ready', 'starting', or 'off' (none configured). */
  standby: 'ready' | 'starting' | 'off';
}

interface Pending {
  worker: Worker;
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** After a switch to the standby, the next standby starts this much later. */
const STANDBY_RESPAWN_MS = 3000;

const DEFAULTS = { callTimeoutMs: 5000, firstCallTimeoutMs: 30_000, initTimeoutMs: 120_000, pingTimeoutMs: 2000 };

/** Emits 'restart' (reason), 'ready', 'error' (Error). */
export class WorkerClient extends EventEmitter {
  private worker: Worker | undefined;
  /** The standby worker and whether its init is done. */
  private spare: { worker: Worker; ready: boolean } | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Resolves once a worker is up; replaced on every restart; rejects only when closed or the very first start fails. */
  private ready: Promise<void> | undefined;
  private restarts = 0;
  private initFailures = 0;
  private closed = false;
  private delay: number;
  private spareDelay: number;
  private everReady = false;
  private callsSinceStart = 0;
  private upSince = 0;
  private status: WorkerState = 'starting';
  private downSince: number | undefined = Date.now();
  private lastFailure: string | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Ends the wait before a restart early (on close, so callers waiting for the worker are told). */
  private restartWait: (() => void) | undefined;
  private readonly timeouts: Required<WorkerTimeoutOptions>;

  constructor(private readonly options: WorkerClientOptions) {
    super();
    this.delay = this.spareDelay = this.minDelay;
    this.timeouts = {
      callTimeoutMs: options.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
      firstCallTimeoutMs: options.firstCallTimeoutMs ?? DEFAULTS.firstCallTimeoutMs,
      initTimeoutMs: options.initTimeoutMs ?? DEFAULTS.initTimeoutMs,
      pingTimeoutMs: options.pingTimeoutMs ?? DEFAULTS.pingTimeoutMs,
    };
  }

  private get minDelay(): number {
    return this.options.restartMinDelayMs ?? 200;
  }

  private get maxDelay(): number {
    return this.options.restartMaxDelayMs ?? 10_000;
  }

  get name(): string {
    return this.options.name;
  }

  get restartCount(): number {
    return this.restarts;
  }

  health(): WorkerHealth {
    return {
      name: this.options.name,
      state: this.status,
      downSince: this.downSince,
      restarts: this.restarts,
      initFailures: this.initFailures,
      lastFailure: this.lastFailure,
      standby: !this.options.standby ? 'off' : this.spare?.ready ? 'ready' : 'starting',
    };
  }

  start(): Promise<void> {
    if (this.closed) return Promise.reject(new WorkerCrashedError(`${this.options.name} worker closed`));
    this.ready ??= this.spawn();
    return this.ready;
  }

  private createWorker(): Worker {
    const isTs = this.options.entry.pathname.endsWith('.ts');
    const workerData = { entry: this.options.entry.href, name: this.options.name };
    const worker = isTs
      ? new Worker(new URL('./ts-worker-bootstrap.mjs', import.meta.url), { workerData })
      : new Worker(this.options.entry, { workerData });
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
    return worker;
  }

  /** Starts the active worker (first start, or a restart with no standby to take over). */
  private spawn(): Promise<void> {
    const worker = this.createWorker();
    this.worker = worker;
    this.status = this.everReady ? 'restarting' : 'starting';
    return this.send(worker, 'init', this.options.init, [], this.timeouts.initTimeoutMs).then(
      () => {
        this.everReady = true;
        this.becameReady();
        this.prepareSpare();
      },
      (err: Error) => {
        this.initFailures++;
        if (!this.everReady || this.closed) {
          void worker.terminate();
          if (this.worker === worker) this.worker = undefined;
          this.ready = undefined; // a later start() tries again
          throw err;
        }
        // a failed init after a restart: retry with back-off, never stay dead
        const next = this.replace(worker, `${this.options.name} worker init failed: ${err.message}`);
        void worker.terminate();
        return next;
      },
    );
  }

  private becameReady(): void {
    this.status = 'ready';
    this.downSince = undefined;
    this.upSince = Date.now();
    this.callsSinceStart = 0;
    this.emit('ready');
  }

  /** Starts a standby worker behind the active one (after `spareDelay`, which backs off on failures). */
  private prepareSpare(wait = 0): void {
    if (!this.options.standby || this.closed || this.spare) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed || this.spare) return;
      const worker = this.createWorker();
      const spare = { worker, ready: false };
      this.spare = spare;
      this.send(worker, 'init', this.options.init, [], this.timeouts.initTimeoutMs).then(
        () => {
          spare.ready = true;
          this.spareDelay = this.minDelay;
        },
        (err: Error) => {
          this.initFailures++;
          this.lastFailure = `${this.options.name} standby worker init failed: ${err.message}`;
          if (this.spare === spare) this.spare = undefined;
          void worker.terminate();
          const wait = this.spareDelay;
          this.spareDelay = Math.min(this.spareDelay * 2, this.maxDelay);
          this.prepareSpare(wait);
        },
      );
    }, wait);
    this.timers.add(timer);
  }

  private onExit(worker: Worker, reason: string): void {
    const spare = this.spare?.worker === worker ? this.spare : undefined;
    // whatever this worker was, nothing it had in hand will be answered (nor keep a timer alive)
    this.failPending(worker, new WorkerCrashedError(reason));
    if (spare) {
      // the standby died: while initialising, its failed init retries; once ready, start another
      if (spare.ready && this.spare === spare) {
        this.spare = undefined;
        this.prepareSpare(this.minDelay);
      }
      return;
    }
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.closed || !this.everReady) return;
    this.ready = this.replace(worker, reason);
  }

  /**
   * The active worker is gone (exited, hung, or its init failed): switch to a ready standby at
   * once, or restart after the back-off delay. Returns the promise of the next ready worker.
   */
  private replace(dead: Worker, reason: string): Promise<void> {
    if (this.worker === dead) this.worker = undefined;
    this.failPending(dead, new WorkerCrashedError(reason));
    this.lastFailure = reason;
    this.downSince ??= Date.now();
    if (this.upSince && Date.now() - this.upSince >= (this.options.stableAfterMs ?? 10_000)) this.delay = this.minDelay;
    this.upSince = 0;
    this.restarts++;
    const spare = this.spare;
    if (spare?.ready) {
      this.spare = undefined;
      this.worker = spare.worker;
      this.emit('restart', `${reason}; switched to the standby worker`);
      this.becameReady();
      // the next standby loads its models a while later, so it does not take the CPU from the
      // worker that just took over; the back-off keeps a crash loop from spinning
      const wait = Math.max(this.delay, STANDBY_RESPAWN_MS);
      this.delay = Math.min(this.delay * 2, this.maxDelay);
      this.prepareSpare(wait);
      this.ready = Promise.resolve();
      return this.ready;
    }
    this.status = 'restarting';
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.maxDelay);
    this.emit('restart', reason);
    const next = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.restartWait = undefined;
        resolve();
      }, wait);
      this.timers.add(timer);
      this.restartWait = resolve;
    }).then(() => {
      if (this.closed) throw new WorkerCrashedError(`${this.options.name} worker closed`);
      // a standby that became ready meanwhile takes over; otherwise a fresh worker
      const s = this.spare;
      if (s?.ready) {
        this.spare = undefined;
        this.worker = s.worker;
        this.becameReady();
        this.prepareSpare(this.minDelay);
        return;
      }
      return this.spawn();
    });
    this.ready = next;
    next.catch((err: Error) => {
      if (!this.closed) this.emit('error', err);
    });
    return next;
  }

  private failPending(worker: Worker, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
  }

  private send(worker: Worker, method: string, payload: unknown, transfer: readonly TransferListItem[], timeoutMs: number | undefined): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const p: Pending = { worker, method, resolve, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        p.timer = setTimeout(() => {
          if (!this.pending.delete(id)) return;
          const reason = `${this.options.name} worker: '${method}' not answered within ${timeoutMs} ms`;
          reject(new WorkerTimeoutError(reason));
          // a model call that hangs: the thread is of no use any more (a hung init is handled
          // by its caller; a slow ping does not condemn a worker, calls time out on their own)
          if (method !== PING_METHOD && method !== 'init' && method !== SHUTDOWN_METHOD && this.worker === worker) {
            this.onExit(worker, reason);
            void worker.terminate();
          }
        }, timeoutMs);
        p.timer.unref();
      }
      this.pending.set(id, p);
      const req: WorkerRequest = { id, method, payload };
      worker.postMessage(req, transfer);
    });
  }

  /** Calls `method` once the worker is up (waits through a restart), within the call timeout. */
  async call<R>(method: string, payload: unknown, transfer: readonly TransferListItem[] = []): Promise<R> {
    await this.start();
    const worker = this.worker;
    if (!worker) throw new WorkerCrashedError(`${this.options.name} worker is not running`);
    const timeout = this.callsSinceStart++ === 0 ? this.timeouts.firstCallTimeoutMs : this.timeouts.callTimeoutMs;
    return (await this.send(worker, method, payload, transfer, timeout)) as R;
  }

  /**
   * Heartbeat: the worker is up and its thread answers within the ping timeout. Does not wait
   * for a restart; a missing answer does not kill the worker (calls time out on their own).
   */
  async ping(): Promise<{ ok: true; ms: number } | { ok: false; reason: string }> {
    const worker = this.worker;
    if (this.status !== 'ready' || !worker) return { ok: false, reason: `worker ${this.status}${this.lastFailure ? ` (${this.lastFailure})` : ''}` };
    const t0 = performance.now();
    try {
      await this.send(worker, PING_METHOD, null, [], this.timeouts.pingTimeoutMs);
      return { ok: true, ms: performance.now() - t0 };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }

  /** Test-only (served only with fault injection enabled in the worker's environment). */
  injectFault(fault: WorkerFault): void {
    this.worker?.postMessage({ id: this.nextId++, method: FAULT_METHOD, payload: fault } satisfies WorkerRequest);
  }

  /** Ends the active worker at once, as a native crash would (SIGKILL-like; it is replaced). */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  get busy(): boolean {
    for (const p of this.pending.values()) if (p.worker === this.worker && p.method !== PING_METHOD) return true;
    return false;
  }

  /**
   * Asks the worker to finish its current call and end by itself; terminates it only if it has
   * not ended within `graceMs` (abrupt termination mid-task is a last resort). The standby is
   * terminated at once.
   */
  async close(graceMs = 3000): Promise<void> {
    this.closed = true;
    this.status = 'closed';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.restartWait?.();
    const spare = this.spare;
    this.spare = undefined;
    if (spare) this.failPending(spare.worker, new WorkerCrashedError(`${this.options.name} worker closed`));
    const spareGone = spare ? spare.worker.terminate().then(() => undefined) : Promise.resolve();
    const w = this.worker;
    if (!w) {
      await spareGone;
      return;
    }
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    await Promise.race([this.send(w, SHUTDOWN_METHOD, null, [], graceMs).catch(() => undefined), exited]);
    this.worker = undefined;
    this.failPending(w, new WorkerCrashedError(`${this.options.name} worker closed`));
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') await w.terminate();
    await spareGone;
  }
}
