/** Messages between the main thread and a model worker: request/response by id. */
export interface WorkerRequest {
  id: number;
  method: string;
  payload: unknown;
}

export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Answered by every worker at once, outside the queue of model calls: the thread's event loop is alive. */
export const PING_METHOD = '__ping';
/** Finish the work in hand, then end. */
export const SHUTDOWN_METHOD = '__shutdown';
/** Test-only faults; served only where fault injection is enabled (see fault-injection.ts). */
export const FAULT_METHOD = '__fault';

export type WorkerFault =
  /** The thread exits at once (code 3), as a native crash would. */
  | { kind: 'crash' }
  /** The thread blocks its event loop for good: no call or ping is answered again. */
  | { kind: 'hang' }
  /** The next `initFailures` inits (after restarts) fail, then the thread crashes. */
  | { kind: 'poison'; initFailures: number };
