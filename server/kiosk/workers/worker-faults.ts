/**
 * State of the injected init failures (fault injection only). It must outlive the thread that is
 * poisoned, so it lives in a small file in the temp folder, named by process and worker.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workerData } from 'node:worker_threads';

function stateFile(worker?: string): string {
  const name = worker ?? (workerData as { name?: string } | null)?.name ?? 'worker';
  return path.join(os.tmpdir(), `plq-fault-${process.pid}-${name.replace(/[^a-z0-9-]/gi, '_')}`);
}

export function poisonInit(failures: number): void {
  writeFileSync(stateFile(), String(failures));
}

/** True when this init must fail (and counts it down). */
export function takeInitFailure(): boolean {
  let left: number;
  try {
    left = Number(readFileSync(stateFile(), 'utf8'));
  } catch {
    return false;
  }
  if (!(left > 0)) return false;
  if (left === 1) rmSync(stateFile(), { force: true });
  else writeFileSync(stateFile(), String(left - 1));
  return true;
}

/** From the main thread (tests): cancels the injected init failures left for a worker. */
export function clearInitFailures(worker: string): void {
  rmSync(stateFile(worker), { force: true });
}
