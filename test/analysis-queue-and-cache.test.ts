/**
 * Queue URLs (redis://, rediss:// with password and db, against a real TLS redis-server), the
 * retention options of the jobs `plq analyze` enqueues, and the analysis cache's retention and modes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { freePort } from './helpers/free-port.js';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { JOB_RETENTION } from '../server/analyze/job-queue.js';
import { packageFile } from '../server/plq/model-paths.js';
import { parseRedisUrl } from '../server/analyze/redis-url.js';
import { AnalysisCache } from '../server/analyze/analysis-cache.js';
import type { ImageResult } from '../server/analyze/face-record.js';

describe('queue URLs', () => {
  it('parse redis:// and rediss:// (TLS) with user, password and database', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6390')).toMatchObject({ host: '127.0.0.1', port: 6390, db: 0, password: undefined });
    expect(parseRedisUrl('redis://127.0.0.1:6390')).not.toHaveProperty('tls');
    const tls = parseRedisUrl('rediss://plq:s%40cret@redis.example.org:6380/3');
    expect(tls).toMatchObject({ host: 'redis.example.org', port: 6380, username: 'plq', password: 's@cret', db: 3, tls: { servername: 'redis.example.org' } });
    expect(parseRedisUrl('rediss://:pw@10.0.0.7')).toMatchObject({ host: '10.0.0.7', port: 6379, password: 'pw', db: 0, tls: {} });
  });

  it('refuse other schemes and bad databases without showing the password', () => {
    expect(() => parseRedisUrl('http://x')).toThrow(/bad queue URL http:\/\/x: scheme http/);
    expect(() => parseRedisUrl('redis://:secretpw@host/abc')).toThrow(/bad queue URL redis:\/\/\*\*\*@host\/abc: database "abc"/);
    expect(() => parseRedisUrl('rediss://:secretpw@host/abc')).not.toThrow(/secretpw/);
  });
});

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
const CLI = path.resolve('server/cli/main.ts');

describe('plq analyze --queue rediss:// on a real TLS redis-server with a password', () => {
  let dir: string;
  let port: number;
  let redis: ChildProcess;
  const cli = (...args: string[]) => run('/usr/bin/redis-cli', ['--tls', '--cacert', path.join(dir, 'ca.crt'), '-h', 'localhost', '-p', String(port), '-a', 'secretpw', '--no-auth-warning', ...args]);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'plq-tls-redis-'));
    const ssl = (...args: string[]) => run('openssl', args, { cwd: dir });
    await ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=plq-test-ca', '-keyout', 'ca.key', '-out', 'ca.crt');
    await ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
    await writeFile(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost\n');
    await ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'ext.cnf', '-out', 'server.crt');
    port = await freePort();
    redis = spawn('/usr/bin/redis-server', [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--requirepass', 'secretpw', '--save', '', '--appendonly', 'no', '--dir', dir,
      '--tls-cert-file', 'server.crt', '--tls-key-file', 'server.key', '--tls-ca-cert-file', 'ca.crt', '--tls-auth-clients', 'no',
    ], { cwd: dir, stdio: 'pipe' });
    await new Promise<void>((resolve, reject) => {
      let text = '';
      redis.stdout!.on('data', (d: Buffer) => (text += d.toString()) && /Ready to accept connections/.test(text) && resolve());
      redis.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${text}`)));
    });
    for (const n of [1, 2]) await copyFile(packageFile('@vladmandic/face-api', `demo/sample${n}.jpg`), path.join(dir, `sample${n}.jpg`));
  });
  afterAll(async () => {
    if (redis && redis.exitCode === null) {
      redis.kill('SIGTERM');
      await new Promise((r) => redis.once('exit', r));
    }
  });

  it('enqueues over TLS (certificate checked) into the URL\'s database, with the job retention bounds', async () => {
    const url = `rediss://:secretpw@localhost:${port}/2`;
    // no worker: the producer enqueues and waits; the jobs are read from Redis, then it is stopped
    const producer = spawn(TSX, [CLI, 'analyze', '--queue', url, '--out', path.join(dir, 'out'), path.join(dir, 'sample1.jpg'), path.join(dir, 'sample2.jpg')], {
      stdio: 'pipe',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.crt'), PLQ_BACKEND: 'wasm' },
    });
    let output = '';
    producer.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise((r) => producer.once('exit', r));
    let jobs: string[] = [];
    while (jobs.length < 2 && producer.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
      jobs = (await cli('-n', '2', '--scan', '--pattern', 'bull:plq-analyze:mobileface-*')).stdout.split('\n').filter((k) => /:mobileface-[^:]+$/.test(k));
    }
    producer.kill('SIGTERM');
    await exited;
    expect(jobs, output).toHaveLength(2);
    expect(output).toContain(`on queue rediss://***@localhost:${port}/2`);
    expect(output).not.toContain('secretpw');
    const opts = JSON.parse((await cli('-n', '2', 'HGET', jobs[0], 'opts')).stdout) as Record<string, unknown>;
    expect(opts).toMatchObject({ removeOnComplete: JOB_RETENTION.removeOnComplete, removeOnFail: JOB_RETENTION.removeOnFail });
    expect((await cli('-n', '0', '--scan', '--pattern', 'bull:*')).stdout.trim()).toBe('');
  });

  it('without the CA the certificate is refused: a clear error after --queue-timeout, exit code 3', async () => {
    const r = await run(TSX, [CLI, 'analyze', '--queue', `rediss://:secretpw@localhost:${port}/2`, '--queue-timeout', '2', '--out', path.join(dir, 'out2'), path.join(dir, 'sample1.jpg'), path.join(dir, 'sample2.jpg')], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '', PLQ_BACKEND: 'wasm' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(r).toMatchObject({ code: 3 });
    expect(r.stderr).toMatch(/Redis at rediss:\/\/\*\*\*@localhost:\d+\/2 has not answered for \d+ s \(.*certificate/);
    expect(r.stderr).not.toContain('secretpw');
  });
});

const result = (key: string): ImageResult => ({ file: `/set/${key}.jpg`, key, faces: [], error: { code: 'no-face', message: 'no face found' } });

describe('the analysis cache', () => {
  it('is owner-only, deletes entries older than its max age and half-written leftovers at open', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'plq-cache-')), 'cache');
    const first = await AnalysisCache.open(dir, 30 * 86_400_000);
    await first.put(result('old'));
    await first.put(result('new'));
    await writeFile(path.join(dir, 'half.json.tmp'), '{');
    const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000);
    await utimes(path.join(dir, 'old.json'), fortyDaysAgo, fortyDaysAgo);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, 'new.json'))).mode & 0o777).toBe(0o600);

    const second = await AnalysisCache.open(dir, 30 * 86_400_000);
    expect(second.expired).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['new.json']);
    expect(await second.get('old')).toBeUndefined();
    expect(await second.get('new')).toMatchObject({ key: 'new', error: { code: 'no-face' } });
    expect(await second.clearIfSessionOnly()).toBe(false);
  });

  it('with max age 0 keeps entries through the run (to resume it) and deletes them once it has succeeded', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'plq-cache-')), 'cache');
    const cache = await AnalysisCache.open(dir, 0);
    await cache.put(result('a'));
    expect((await AnalysisCache.open(dir, 0)).expired).toBe(0);
    expect(await cache.get('a')).toBeDefined();
    expect(await cache.clearIfSessionOnly()).toBe(true);
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });
});
