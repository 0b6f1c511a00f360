/** Inside a worker: dispatches requests to handlers and answers with results or error messages. */
import { parentPort, type TransferListItem } from 'node:worker_threads';
import { FAULT_METHOD, PING_METHOD, SHUTDOWN_METHOD, type WorkerFault, type WorkerRequest, type WorkerResponse } from './worker-protocol.js';
import { faultEnabled } from '../fault-injection.js';
import { takeInitFailure, poisonInit } from './worker-faults.js';

export interface HandlerResult {
  result: unknown;
  transfer?: TransferListItem[];
}
export type Handler = (payload: never) => Promise<HandlerResult> | HandlerResult;

export function serveWorker(handlers: Record<string, Handler>): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker must run in a worker thread');
  const faults = faultEnabled('workers');
  // Requests are handled one at a time, in order: model work is sequential per worker anyway.
  let chain = Promise.resolve();
  port.on('message', (req: WorkerRequest) => {
    if (req.method === PING_METHOD) {
      // not queued behind model work: a ping says the thread's event loop turns
      port.postMessage({ id: req.id, ok: true, result: true } satisfies WorkerResponse);
      return;
    }
    if (req.method === SHUTDOWN_METHOD) {
      // Finish the work in hand, then let the thread end by itself (no terminate mid-task).
      chain = chain.then(() => {
        port.postMessage({ id: req.id, ok: true, result: true } satisfies WorkerResponse);
        port.close();
      });
      return;
    }
    if (req.method === FAULT_METHOD && faults) {
      injectFault(req.payload as WorkerFault);
      return;
    }
    chain = chain.then(async () => {
      let res: WorkerResponse;
      let transfer: TransferListItem[] = [];
      try {
        if (req.method === 'init' && faults && takeInitFailure()) throw new Error('injected init failure');
        const h = req.method === FAULT_METHOD ? undefined : handlers[req.method];
        if (!h) throw new Error(`unknown method ${req.method}`);
        const out = await h(req.payload as never);
        res = { id: req.id, ok: true, result: out.result };
        transfer = out.transfer ?? [];
      } catch (err) {
        res = { id: req.id, ok: false, error: (err as Error).message };
      }
      port.postMessage(res, transfer);
    });
  });
}

function injectFault(fault: WorkerFault): void {
  switch (fault.kind) {
    case 'crash':
      process.exit(3);
      break;
    case 'hang':
      // a blocked thread: not even the ping is answered
      for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    case 'poison':
      poisonInit(fault.initFailures);
      process.exit(3);
  }
}
