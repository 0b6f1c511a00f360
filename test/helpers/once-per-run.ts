/**
 * A build step that test files in several workers need (the UI into ui/dist, the server into
 * dist/), done once per test run: the first worker to take the lock does it, the others wait for
 * it. Two Vite builds at once empty ui/dist under a server that is serving it. The lock and the
 * mark live in the run's temporary folder (temp-root.ts), so the next run builds afresh.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const WAIT_MS = 300_000;

export async function oncePerRun(name: string, task: () => Promise<void>): Promise<void> {
  const done = path.join(os.tmpdir(), `${name}.done`);
  const lock = path.join(os.tmpdir(), `${name}.lock`);
  const end = Date.now() + WAIT_MS;
  while (!existsSync(done)) {
    if (Date.now() > end) throw new Error(`${name}: another test worker has held ${lock} for ${WAIT_MS / 1000} s`);
    try {
      await mkdir(lock);
    } catch {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (!existsSync(done)) {
        await task();
        await writeFile(done, '');
      }
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}
