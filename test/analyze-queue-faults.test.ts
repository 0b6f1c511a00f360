/**
 * `plq analyze --queue` when Redis stops mid-run: a clear error and exit code 3 after
 * --queue-timeout instead of waiting for ever; rerun with Redis back, it takes what was done
 * from its cache (those images are not analysed again) and completes the report. Redis has a
 * password: neither the output nor the report shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { freePort } from './helpers/free-port.js';
import os from 'node:os';
import path from 'node:path';
import { writeIdentitySet, type IdentitySet } from './helpers/identity-set.js';

const TSX = path.resolve('node_modules/.bin/tsx');
const CLI = path.resolve('server/cli/main.ts');
const GATED = path.resolve('test/helpers/gated-queue-worker.ts');
const PASSWORD = 'secretpw';
/** Jobs the first worker completes before it holds one and Redis is stopped. */
const DONE_BEFORE_STOP = 3;

interface Proc {
  proc: ChildProcess;
  output: () => string;
  /** Resolves once the output so far satisfies `test`. */
  until: (test: (text: string) => boolean, what: string) => Promise<void>;
  exited: Promise<number | null>;
}

function start(cmd: string, args: string[], cwd?: string): Proc {
  const proc = spawn(cmd, args, { stdio: 'pipe', cwd, env: { ...process.env, PLQ_BACKEND: 'wasm' } });
  let text = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    text += d.toString();
    for (const w of [...waiters]) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => text,
    exited,
    until: (test, what) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!test(text)) return;
          waiters.splice(waiters.indexOf(check), 1);
          resolve();
        };
        waiters.push(check);
        check();
        void exited.then((code) => reject(new Error(`${what}: process exited (${code}) first: ${text.slice(-1500)}`)));
      }),
  };
}

const count = (text: string, pattern: RegExp): number => (text.match(pattern) ?? []).length;
const doneFiles = (text: string): string[] => [...text.matchAll(/^(?:plq worker: )?done (.+)$/gm)].map((m) => m[1]);

describe('plq analyze --queue with Redis stopped mid-run, then rerun', () => {
  let tmp: string;
  let set: IdentitySet;
  let port: number;
  let url: string;
  const running: Proc[] = [];

  const redis = (): Proc => {
    const r = start('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', PASSWORD, '--save', '', '--appendonly', 'no', '--dir', tmp]);
    running.push(r);
    return r;
  };
  const analyze = (out: string): Proc => {
    const a = start(TSX, [CLI, 'analyze', '--queue', url, '--queue-timeout', '3', '--identities', 'folders', '--fraction', '0.2', '--out', out, set.dir]);
    running.push(a);
    return a;
  };
  const stop = async (p: Proc, signal: NodeJS.Signals = 'SIGTERM') => {
    if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill(signal);
    await p.exited;
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'plq-queue-fault-'));
    set = await writeIdentitySet(path.join(tmp, 'set'), 3);
    port = await freePort();
    url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
  });
  afterAll(async () => {
    // SIGTERM: tsx passes it on to the node process it runs (a SIGKILL would leave that behind)
    for (const p of running) await stop(p);
  });

  it('fails clearly after the queue timeout, then resumes from its cache without recomputing', async () => {
    const inputs = set.files.length + 2; // + broken.jpg and blank.png
    const out = path.join(tmp, 'report');
    const cacheEntries = async () => (await readdir(path.join(out, 'cache')).catch(() => [])).filter((f) => f.endsWith('.json')).length;

    // Run 1: a worker that completes three jobs and holds the fourth; Redis is killed once the
    // producer has cached the three results.
    const server1 = redis();
    await server1.until((t) => /Ready to accept connections/.test(t), 'redis-server');
    const gated = start(TSX, [GATED, url, String(DONE_BEFORE_STOP)]);
    running.push(gated);
    await gated.until((t) => /consuming/.test(t), 'gated worker');
    const first = analyze(out);
    await gated.until((t) => /holding /.test(t) && count(t, /^done /gm) === DONE_BEFORE_STOP, 'three jobs done, one held');
    while ((await cacheEntries()) < DONE_BEFORE_STOP) await new Promise((r) => setTimeout(r, 100));
    await stop(server1, 'SIGKILL');
    const code = await first.exited;
    expect(code, first.output()).toBe(3);
    expect(first.output()).toMatch(new RegExp(`${inputs} inputs, 0 from the cache, ${inputs} to analyse on queue redis://\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
    expect(first.output()).toMatch(
      new RegExp(`queue unavailable: Redis at redis://\\*\\*\\*@127\\.0\\.0\\.1:${port} has not answered for \\d+ s .*; ${inputs - DONE_BEFORE_STOP} of ${inputs} images not analysed`),
    );
    expect(first.output()).toMatch(new RegExp(`${DONE_BEFORE_STOP} results are kept in .*cache: run the same command again to resume`));
    expect(first.output()).not.toContain(PASSWORD);
    expect(await cacheEntries()).toBe(DONE_BEFORE_STOP);
    await stop(gated);

    // Run 2: Redis back (empty: no persistence), a plain plq worker, the same command.
    const server2 = redis();
    await server2.until((t) => /Ready to accept connections/.test(t), 'redis-server again');
    const worker = start(TSX, [CLI, 'worker', '--queue', url]);
    running.push(worker);
    await worker.until((t) => /consuming/.test(t), 'plq worker');
    const second = analyze(out);
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).toMatch(new RegExp(`${inputs} inputs, ${DONE_BEFORE_STOP} from the cache, ${inputs - DONE_BEFORE_STOP} to analyse`));
    await stop(worker);

    const before = doneFiles(gated.output());
    const after = doneFiles(worker.output());
    expect(before).toHaveLength(DONE_BEFORE_STOP);
    expect(after).toHaveLength(inputs - DONE_BEFORE_STOP);
    expect(after.filter((f) => before.includes(f))).toEqual([]);
    expect(new Set([...before, ...after]).size).toBe(inputs);

    // The report covers every face image, and no file of it holds the password.
    const scores = await readFile(path.join(out, 'scores.csv'), 'utf8');
    for (const f of set.files) expect(scores).toContain(f);
    const html = await readFile(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain('redis://***@127.0.0.1');
    for (const name of await readdir(out)) {
      if (name.endsWith('.html') || name.endsWith('.csv') || name.endsWith('.json')) expect(await readFile(path.join(out, name), 'utf8')).not.toContain(PASSWORD);
    }
    expect(second.output()).not.toContain(PASSWORD);
  }, 600_000);
});
