/**
 * `plq serve` as a process, as systemd runs it: READY=1 and watchdog pings on a real notify
 * socket, honest /healthz and /readyz with a camera that does not exist, and exit code 70 on an
 * uncaught exception or unhandled rejection (raised by fault injection, which NODE_ENV=production
 * refuses).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpenCvAvailable } from '../server/kiosk/camera/opencv-loader.js';
import { FATAL_EXIT_CODE } from '../server/cli/fatal-handlers.js';

const CLI = path.resolve('server/cli/main.ts');
const python = spawnSync('python3', ['--version']).status === 0;
const systemdNotify = spawnSync('systemd-notify', ['--version']).status === 0;

interface Served {
  child: ChildProcess;
  url: Promise<string>;
  exit: Promise<number | null>;
  stderr: () => string;
}

async function serve(args: string[], env: Record<string, string>): Promise<Served> {
  const captures = await mkdtemp(path.join(os.tmpdir(), 'plq-serve-captures-'));
  // node itself (not the tsx wrapper), so the child's pid is the kiosk's and signals reach it
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, PLQ_BACKEND: 'wasm', PLQ_LOG_LEVEL: 'warn', PLQ_KIOSK__capture__dir: captures, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /kiosk on (http:\/\/[^\s]+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`plq serve exited with ${code} before serving:\n${err}`)));
  });
  url.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exit, stderr: () => err };
}

/** A real notification socket: Python binds an AF_UNIX datagram socket and prints each message. */
async function notifySocket(): Promise<{ path: string; messages: string[]; close(): void }> {
  const sock = path.join(await mkdtemp(path.join(os.tmpdir(), 'plq-notify-')), 'notify.sock');
  const script = 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("up",flush=True)\nwhile True:\n  print(s.recv(4096).decode().replace("\\n","|"),flush=True)\n';
  const child = spawn('python3', ['-c', script, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: string[] = [];
  await new Promise<void>((resolve) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l === 'up') resolve();
        else messages.push(l);
      }
    });
  });
  return { path: sock, messages, close: () => child.kill() };
}

describe.skipIf(!isOpenCvAvailable() || !python || !systemdNotify)('plq serve --camera opencv:/dev/video57 (no such camera) under a notify socket', () => {
  let sock: Awaited<ReturnType<typeof notifySocket>>;
  let s: Served;
  let url: string;

  beforeAll(async () => {
    sock = await notifySocket();
    // production: the fault injection asked for here must be refused
    s = await serve(['--camera', 'opencv:/dev/video57'], {
      NOTIFY_SOCKET: sock.path,
      WATCHDOG_USEC: '1000000',
      NODE_ENV: 'production',
      PLQ_FAULT_INJECTION: 'uncaught-exception,workers',
    });
    url = await s.url;
  });
  afterAll(async () => {
    s?.child.kill('SIGKILL');
    sock?.close();
  });

  it('is alive (/healthz 200) but not ready (/readyz 503 naming the camera)', async () => {
    type Body = { status: string; failing: string[]; checks: Array<{ name: string; ok: boolean; reason?: string }> };
    let ready: Response;
    let body: Body;
    // the camera's first open fails within a moment; the workers answer their first heartbeat
    for (let i = 0; ; i++) {
      ready = await fetch(`${url}/readyz`);
      body = (await ready.json()) as Body;
      if ((body.failing.length === 1 && /lost|reconnecting/.test(body.checks[0].reason ?? '')) || i > 100) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`/readyz ${ready.status}: ${JSON.stringify(body)}`);
    expect(ready.status).toBe(503);
    expect(body.status).toBe('fail');
    expect(body.failing).toEqual(['camera']);
    expect(body.checks.find((c) => c.name === 'camera')?.reason).toMatch(/^camera (lost|reconnecting)$/);
    const live = await fetch(`${url}/healthz`);
    const liveBody = (await live.json()) as Body;
    console.log(`/healthz ${live.status}: ${JSON.stringify(liveBody)}`);
    expect(live.status).toBe(200);
    expect(liveBody.status).toBe('ok');
    expect(liveBody.failing).toEqual([]);
  });

  it('told systemd READY=1 and keeps pinging WATCHDOG=1; production refused the fault injection', async () => {
    const pings = (): number => sock.messages.filter((m) => m.includes('WATCHDOG=1')).length;
    const before = pings();
    expect(sock.messages.some((m) => m.split('|').includes('READY=1'))).toBe(true);
    expect(sock.messages.some((m) => m.includes(`MAINPID=${s.child.pid}`))).toBe(true);
    // every 250 ms for WatchdogSec=1 (the period itself: watchdogPeriodMs's test); each ping is a
    // spawned systemd-notify of a busy process, so they are counted until four came, not in a fixed time
    await expect.poll(() => pings() - before, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    expect(s.child.exitCode).toBeNull(); // no injected uncaught exception under NODE_ENV=production
    expect(s.stderr()).not.toMatch(/FAULT INJECTION ENABLED/);
  });

  it('SIGTERM: STOPPING=1, exit code 0', async () => {
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(sock.messages.some((m) => m.split('|').includes('STOPPING=1'))).toBe(true);
  });
});

describe('plq serve: a fault nobody handles ends the process with a non-zero code', () => {
  it.each(['uncaught-exception', 'unhandled-rejection'])('%s: logged, exit code 70', async (fault) => {
    const s = await serve(['--camera', 'synthetic'], { PLQ_FAULT_INJECTION: fault });
    await s.url;
    const code = await s.exit;
    const what = fault.replace('-', ' ');
    expect(s.stderr()).toMatch(new RegExp(`plq serve: ${what}: Error: injected ${what}`));
    expect(s.stderr()).toMatch(/exiting with code 70/);
    expect(code).toBe(FATAL_EXIT_CODE);
  });
});
