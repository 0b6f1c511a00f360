import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one temporary folder per run, removed at its end (captures hold face images)
    globalSetup: ['test/helpers/temp-root.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    // Node 20's V8 (11.3) twice aborted a fork that runs the kiosk in-process with
    // "Check failed: marking_done_" in CppHeap::TraceEpilogue, reached from an incremental
    // marking task. Atomic marking never takes that path.
    execArgv: ['--no-incremental-marking'],
    reporters: ['default'],
  },
});
