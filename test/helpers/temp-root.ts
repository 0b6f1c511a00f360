/**
 * Vitest global setup: every temporary file of a test run (capture folders with face images,
 * replayed frames, configs, keys, browser profiles) goes under one folder made for the run, which
 * is removed when the run ends. TMPDIR is set before the test processes are forked, so
 * `os.tmpdir()` in them (and in the servers, workers and browsers they start) points there.
 * PLQ_KEEP_TEST_TMP=1 keeps it, for looking at what a failed test wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'plq-test-run-'));
  process.env.TMPDIR = root;
  return () => {
    if (process.env.PLQ_KEEP_TEST_TMP === '1') {
      console.log(`test files kept in ${root}`);
      return;
    }
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
