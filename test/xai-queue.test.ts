import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './helpers/free-port.js';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeIdentitySet, type IdentitySet } from './helpers/identity-set.js';
import { plq } from './helpers/plq-cli.js';
import { loadMam } from '../server/xai/mam-file.js';

const TSX = path.resolve('node_modules/.bin/tsx');
const CLI = path.resolve('server/cli/main.ts');

function waitFor(proc: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) resolve();
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${text.slice(-500)}`)));
  });
}

describe('plq analyze --queue with two plq worker processes on a real redis-server', () => {
  let redis: ChildProcess;
  const workers: ChildProcess[] = [];
  const workerLogs: string[] = ['', ''];
  let url: string;
  let set: IdentitySet;
  let tmp: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'pipe' });
    await waitFor(redis, /Ready to accept connections/, 'redis-server');
    for (let i = 0; i < 2; i++) {
      const w = spawn(TSX, [CLI, 'worker', '--queue', url], { stdio: 'pipe', env: { ...process.env, PLQ_BACKEND: 'wasm' } });
      w.stderr!.on('data', (d: Buffer) => (workerLogs[i] += d.toString()));
      workers.push(w);
      await waitFor(w, /consuming/, `worker ${i}`);
    }
    tmp = await mkdtemp(path.join(os.tmpdir(), 'plq-queue-'));
    set = await writeIdentitySet(path.join(tmp, 'set'), 3);
  });

  afterAll(async () => {
    const gone = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r())));
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map(gone));
    redis?.kill('SIGTERM');
    if (redis) await gone(redis);
  });

  it('both workers take jobs and the report is built from their results, same as a local run', async () => {
    const out = path.join(tmp, 'queued');
    const r = await plq(['analyze', '--queue', url, '--identities', 'folders', '--fraction', '0.2', '--out', out, set.dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${set.files.length + 2} to analyse on queue`));
    expect(r.stderr).toMatch(/skipped .*broken\.jpg: not an image/);
    const done = workerLogs.map((l) => (l.match(/plq worker: done/g) ?? []).length);
    expect(done[0] + done[1]).toBe(set.files.length + 2);
    expect(done[0]).toBeGreaterThan(0);
    expect(done[1]).toBeGreaterThan(0);
    expect((await readdir(path.join(out, 'cache'))).filter((f) => f.endsWith('.json')).length).toBe(set.files.length + 2);
    const html = await readFile(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain('Error versus reject');

    const local = path.join(tmp, 'local');
    const l = await plq(['analyze', '--identities', 'folders', '--fraction', '0.2', '--out', local, set.dir]);
    expect(l.code, l.stderr).toBe(0);
    const [a, b] = await Promise.all([loadMam(path.join(out, 'serfiq.mam-h.json')), loadMam(path.join(local, 'serfiq.mam-h.json'))]);
    let maxDiff = 0;
    for (let i = 0; i < a.map.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.map.data[i] - b.map.data[i]));
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('a bad queue URL is a clear error', async () => {
    const r = await plq(['analyze', '--queue', 'http://x', '--out', path.join(tmp, 'bad'), set.files[0], set.files[1]]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/bad queue URL/);
  });
});
