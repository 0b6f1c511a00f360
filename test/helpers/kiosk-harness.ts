/**
 * Runs the real kiosk server on loopback with a replay camera, with one operator account
 * (OPERATOR), and connects two Socket.IO clients: the kiosk screen (/kiosk, by the loopback
 * address) and a logged-in operator (/operator, session cookie). `fetch` calls the server as
 * that operator (cookie and CSRF header).
 */
import { mkdtemp, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../../server/kiosk/config/load-config.js';
import { deepMerge, type Json } from '../../server/kiosk/config/deep-merge.js';
import { startKioskServer, type KioskServer } from '../../server/kiosk/http/kiosk-server.js';
import type { CameraSource } from '../../server/kiosk/camera/frame.js';
import type { RgbImage } from '../../server/detect/face-detector.js';
import { hashPassword } from '../../server/security/password-hash.js';

export const OPERATOR = { name: 'desk-1', password: 'correct horse battery staple' };
let operatorHash: Promise<string> | undefined;
/** The config entry of OPERATOR (hashed once per test file). */
export async function operatorAccount(): Promise<{ name: string; passwordHash: string }> {
  operatorHash ??= hashPassword(OPERATOR.password);
  return { name: OPERATOR.name, passwordHash: await operatorHash };
}

export interface OperatorLogin {
  /** `plq_session=...` for a Cookie header. */
  cookie: string;
  csrfToken: string;
}

/** Logs in over HTTP; throws unless the server answers 200. */
export async function login(url: string, user = OPERATOR.name, password = OPERATOR.password): Promise<OperatorLogin> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });
  if (res.status !== 200) throw new Error(`login: HTTP ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

/** A Socket.IO client of `namespace`, connected (rejects with the server's refusal). */
export async function connectSocket(url: string, namespace: '/kiosk' | '/operator', headers: Record<string, string> = {}, auth?: { token: string }): Promise<Socket> {
  // forceNew: a namespace multiplexed on another's connection would share that connection's handshake (and its cookies)
  const client = io(`${url}${namespace}`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers, ...(auth ? { auth } : {}) });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', (err) => {
      client.close();
      reject(err);
    });
  });
  return client;
}

export interface Harness {
  server: KioskServer;
  /** The kiosk screen (/kiosk). */
  client: Socket;
  /** The logged-in operator (/operator). */
  operator: Socket;
  session: OperatorLogin;
  /** fetch(server.url + path) as the operator: session cookie, and the CSRF header. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  captureDir: string;
  close(): Promise<void>;
}

export async function writeFrames(images: RgbImage[], dir?: string): Promise<string> {
  const out = dir ?? (await mkdtemp(path.join(os.tmpdir(), 'plq-replay-')));
  await mkdir(out, { recursive: true });
  for (const [i, img] of images.entries()) {
    await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } })
      .png()
      .toFile(path.join(out, `frame-${String(i).padStart(3, '0')}.png`));
  }
  return out;
}

export async function startHarness(options: { replayDir?: string; camera?: CameraSource; overrides?: Record<string, unknown> } = {}): Promise<Harness> {
  const captureDir = await mkdtemp(path.join(os.tmpdir(), 'plq-captures-'));
  const base: Record<string, Record<string, unknown>> = {
    server: { port: 0, auth: { users: [await operatorAccount()] } },
    camera: { source: options.replayDir ? `replay:${options.replayDir}` : 'synthetic', fps: 15 },
    capture: { dir: captureDir },
    guidance: { showAfterMs: 300, hideAfterMs: 600 },
    // no standby workers (two more model threads per server) unless a test is about them
    workers: { tracker: { standby: false }, plq: { standby: false } },
  };
  // deep-merged: an override of `capture` must not drop the temporary capture dir
  const overrides = deepMerge(base, options.overrides ?? {}) as Json;
  const config = await loadConfig({ env: {}, overrides });
  const server = await startKioskServer(config, { camera: options.camera, logger: false });
  let client: Socket | undefined;
  let operator: Socket | undefined;
  try {
    const session = await login(server.url);
    client = await connectSocket(server.url, '/kiosk');
    operator = await connectSocket(server.url, '/operator', { cookie: session.cookie });
    return {
      server,
      client,
      operator,
      session,
      captureDir,
      fetch: (p, init = {}) =>
        fetch(`${server.url}${p}`, { ...init, headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, ...(init.headers as Record<string, string> | undefined) } }),
      async close() {
        client?.close();
        operator?.close();
        await server.close();
      },
    };
  } catch (err) {
    client?.close();
    await server.close();
    throw err;
  }
}

/** Resolves with the first `event` payload that satisfies `pred`, or rejects after `timeoutMs`. */
export function waitFor<T>(client: Socket, event: string, pred: (v: T) => boolean = () => true, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, on);
      reject(new Error(`no matching '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (v: T): void => {
      if (!pred(v)) return;
      clearTimeout(timer);
      client.off(event, on);
      resolve(v);
    };
    client.on(event, on);
  });
}
