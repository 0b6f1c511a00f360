/** Inside a worker: dispatches requests to handlers and answers with results or error messages. */
import { parentPort, type TransferListItem } from 'node:worker_threads';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

export interface HandlerResult {
  result: unknown;
  transfer?: TransferListItem[];
}
export type Handler = (payload: never) => Promise<HandlerResult> | HandlerResult;

export function serveWorker(handlers: Record<string, Handler>): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker must run in a worker thread');
  // Requests are handled one at a time, in order: model work is sequential per worker anyway.
  let chain = Promise.resolve();
  port.on('message', (req: WorkerRequest) => {
    if (req.method === '__shutdown') {
      // Finish the work in hand, then let the thread end by itself (no terminate mid-task).
      chain = chain.then(() => {
        port.postMessage({ id: req.id, ok: true, result: true } satisfies WorkerResponse);
        port.close();
      });
      return;
    }
    chain = chain.then(async () => {
      let res: WorkerResponse;
      let transfer: TransferListItem[] = [];
      try {
        const h = handlers[req.method];
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
