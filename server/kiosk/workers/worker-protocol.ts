/** Messages between the main thread and a model worker: request/response by id. */
export interface WorkerRequest {
  id: number;
  method: string;
  payload: unknown;
}

export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
