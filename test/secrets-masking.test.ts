/**
 * Credentials never reach logs or printed specs: the one masking function, the kiosk logger
 * (redacted auth headers, masked URLs, every line masked), world-readable configs with secrets
 * refused, and the real `plq serve` with an RTSP camera URL holding a password (pointing at a
 * closed local port): nothing it prints, its log and FFmpeg's included, shows the password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { freePort } from './helpers/free-port.js';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { maskCredentials, maskSecretsDeep } from '../server/security/mask-credentials.js';
import { secretPaths } from '../server/security/secret-file.js';
import { kioskLoggerOptions, maskLogLine } from '../server/kiosk/http/kiosk-logger.js';
import { ConfigError, loadConfig } from '../server/kiosk/config/load-config.js';

const TSX = path.resolve('node_modules/.bin/tsx');
const CLI = path.resolve('server/cli/main.ts');
const SECRET = 'secretpw';
const run = promisify(execFile);

describe('the masking function', () => {
  it('masks URL user-info (a password with an @ too), secret parameters and secret-named values', () => {
    expect(maskCredentials('opencv:rtsp://user:secretpw@10.0.0.5/stream1')).toBe('opencv:rtsp://***@10.0.0.5/stream1');
    expect(maskCredentials('rtsp://user:p@ss@cam/x and rediss://:secretpw@redis:6380/2')).toBe('rtsp://***@cam/x and rediss://***@redis:6380/2');
    expect(maskCredentials('/api/status?token=secretpw&x=1')).toBe('/api/status?token=***&x=1');
    expect(maskCredentials('http://cam/x@y')).toBe('http://cam/x@y');
    expect(maskSecretsDeep({ auth: { users: [{ name: 'op', passwordHash: 'abc' }], sessionSecret: 's' }, n: 1 })).toEqual({
      auth: { users: [{ name: 'op', passwordHash: '***' }], sessionSecret: '***' },
      n: 1,
    });
  });

  it('names the parts of a config that carry secrets', () => {
    expect(secretPaths({ camera: { source: 'opencv:rtsp://u:p@h/x', fps: 30 }, auth: { tokens: ['t1'] } })).toEqual(['camera.source', 'auth.tokens.0']);
    expect(secretPaths({ camera: { source: 'opencv:0' }, server: { port: 1 } })).toEqual([]);
  });
});

describe('the kiosk logger', () => {
  it('redacts auth headers and cookies, masks URLs and every line, and keeps lines valid JSON', async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: kioskLoggerOptions('info', { write: (l: string) => lines.push(l) }) });
    app.log.info({ req: { headers: { authorization: 'Bearer secretpw', cookie: 'sid=secretpw' } } }, 'headers');
    app.log.info({ headers: { 'set-cookie': 'sid=secretpw' } }, 'reply');
    app.log.error({ err: new Error(`cannot open rtsp://admin:${SECRET}@10.0.0.5/x`) }, 'camera failed');
    app.log.warn(`reconnecting to rtsp://admin:${SECRET}@10.0.0.5/x`);
    app.log.info({ password: 1234, token: true }, 'numbers');
    app.get('/api/status', async () => ({ ok: true }));
    await app.inject({ method: 'GET', url: `/api/status?token=${SECRET}`, headers: { authorization: `Bearer ${SECRET}` } });
    await app.close();
    const text = lines.join('');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('1234');
    expect(text).toContain('"password":"***","token":true');
    expect(text).toContain('rtsp://***@10.0.0.5/x');
    expect(text).toContain('/api/status?token=***');
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(maskLogLine('plain rtsp://a:secretpw@h/x\n')).toBe('plain rtsp://***@h/x\n');
  });
});

describe('config files with secrets', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'plq-secret-cfg-'));
  });

  it('are refused when world-readable, with the chmod to run; accepted at 0600; files without secrets are not judged', async () => {
    const file = path.join(dir, 'kiosk.json');
    await writeFile(file, JSON.stringify({ camera: { source: `opencv:rtsp://user:${SECRET}@127.0.0.1:554/x` } }));
    await chmod(file, 0o644);
    const err = await loadConfig({ file, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`chmod 600 ${file}`);
    expect((err as Error).message).toContain('camera.source');
    expect((err as Error).message).not.toContain(SECRET);
    await chmod(file, 0o640);
    expect((await loadConfig({ file, env: {} })).camera.source).toContain(SECRET);
    const plain = path.join(dir, 'plain.json');
    await writeFile(plain, JSON.stringify({ camera: { source: 'opencv:0' } }));
    await chmod(plain, 0o644);
    expect((await loadConfig({ file: plain, env: {} })).camera.source).toBe('opencv:0');
  });

  it('plq serve stops with exit code 2 on a world-readable one and does not print the secret', async () => {
    const file = path.join(dir, 'open.json');
    await writeFile(file, JSON.stringify({ camera: { source: `opencv:rtsp://user:${SECRET}@127.0.0.1:554/x` } }));
    await chmod(file, 0o604);
    const r = await run(TSX, [CLI, 'serve', '--config', file], { env: { ...process.env } }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(r).toMatchObject({ code: 2 });
    expect(r.stderr).toContain(`chmod 600 ${file}`);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});

describe('plq serve with an RTSP camera URL holding a password (closed port)', () => {
  let proc: ChildProcess;
  let output = '';
  let url = '';
  const gone = () => new Promise<void>((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', () => r())));
  /** Resolves once the output so far matches. */
  const seen = (pattern: RegExp, what: string) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = (): boolean => {
        const m = output.match(pattern);
        if (m) resolve(m);
        return m !== null;
      };
      if (check()) return;
      const onData = () => check() && proc.stdout!.off('data', onData) && proc.stderr!.off('data', onData);
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`plq serve exited (${code}) before ${what}: ${output.slice(-1500)}`)));
    });

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plq-secret-serve-'));
    const port = await freePort();
    const config = path.join(dir, 'kiosk.json');
    await writeFile(
      config,
      JSON.stringify({
        // the secret is also a monitor token: the request below is let in, and its header must not be logged
        server: { port: 0, auth: { monitorTokens: [SECRET.repeat(4)] } },
        camera: { source: `opencv:rtsp://user:${SECRET}@127.0.0.1:${port}/x`, reconnectMinDelayMs: 100, reconnectMaxDelayMs: 400 },
        capture: { dir: path.join(dir, 'captures') },
      }),
      { mode: 0o600 },
    );
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PLQ_KIOSK__')));
    proc = spawn(TSX, [CLI, 'serve', '--config', config], { stdio: 'pipe', env: { ...env, PLQ_BACKEND: 'wasm' } });
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    url = (await seen(/kiosk on (http:\/\/[^\s]+) /, 'listening'))[1];
  });
  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM');
      await gone();
    }
  });

  it('logs the camera, its losses and requests with credentials masked, and never the password', async () => {
    // two reconnect rounds: the camera's own warning and the pipeline's camera log line
    await seen(/rtsp:\/\/\*\*\*@127\.0\.0\.1:\d+\/x: lost/, 'the camera loss');
    await seen(/"state":"reconnecting"[^\n]*\n(.|\n)*"state":"reconnecting"/, 'two reconnects');
    const res = await fetch(`${url}/api/status?token=${SECRET}`, { headers: { authorization: `Bearer ${SECRET.repeat(4)}`, cookie: `sid=${SECRET}` } });
    expect(res.status).toBe(200);
    await seen(/"url":"\/api\/status\?token=\*\*\*"[^\n]*\n(.|\n)*"msg":"request completed"/, 'the request log');
    proc.kill('SIGTERM');
    await gone();
    expect(output).toMatch(/plq serve: kiosk on .* \(camera opencv:rtsp:\/\/\*\*\*@127\.0\.0\.1:\d+\/x,/);
    expect(output).toMatch(/"msg":"kiosk running"/);
    expect(output).not.toContain(SECRET);
    // a camera in trouble is a warning; starting up is not (an alert on warnings means trouble)
    const camera = output
      .split('\n')
      .filter((l) => l.includes('"msg":"camera"'))
      .map((l) => JSON.parse(l) as { level: number; camera: { state: string } });
    const trouble = camera.filter((l) => l.camera.state === 'lost' || l.camera.state === 'reconnecting');
    const startingUp = camera.filter((l) => l.camera.state === 'starting');
    expect(trouble.length).toBeGreaterThanOrEqual(2);
    expect(trouble.every((l) => l.level === 40)).toBe(true);
    expect(startingUp.length).toBeGreaterThan(0);
    expect(startingUp.every((l) => l.level === 30)).toBe(true);
  });
});
