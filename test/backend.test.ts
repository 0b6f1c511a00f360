import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { initBackend, tf } from '../server/tf/backend.js';

const run = promisify(execFile);

describe('backend choice', () => {
  it('takes tfjs-node-gpu, then tfjs-node, then wasm: here the native ones are absent and wasm loads', async () => {
    const b = await initBackend('auto');
    expect(b.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(b.skipped.join('\n')).toMatch(/tfjs-node-gpu/);
    expect(b.skipped.join('\n')).toMatch(/tfjs-node:/);
  });

  it('can be overridden by option', async () => {
    expect((await initBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend('wasm')).name).toBe('wasm');
  });

  it('rejects an unknown PLQ_BACKEND with a clear message, and the CLI says which backend it uses', async () => {
    const tsx = path.resolve('node_modules/.bin/tsx');
    const cli = path.resolve('server/cli/main.ts');
    const bad = await run(tsx, [cli, 'assess', 'x.jpg'], { env: { ...process.env, PLQ_BACKEND: 'quantum' } }).catch((e) => e);
    expect(bad.stderr).toMatch(/quantum/);
    const cpu = await run(tsx, [cli, 'assess', '--backend', 'cpu', '--out', path.join(os.tmpdir(), 'plq-backend-test'), 'missing.jpg']).catch((e) => e);
    expect(cpu.stderr).toMatch(/backend cpu/);
    expect(cpu.stderr).toMatch(/missing.jpg: unreadable: no such file/);
  });
});
