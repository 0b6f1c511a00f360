/** Runs the real kiosk server on loopback with a replay camera and connects a Socket.IO client. */
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

export interface Harness {
  server: KioskServer;
  client: Socket;
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
    server: { port: 0 },
    camera: { source: options.replayDir ? `replay:${options.replayDir}` : 'synthetic', fps: 15 },
    capture: { dir: captureDir },
    guidance: { showAfterMs: 300, hideAfterMs: 600 },
  };
  // deep-merged: an override of `capture` must not drop the temporary capture dir
  const overrides = deepMerge(base, options.overrides ?? {}) as Json;
  const config = await loadConfig({ env: {}, overrides });
  const server = await startKioskServer(config, { camera: options.camera, logger: false });
  const client = io(`${server.url}/kiosk`, { transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', reject);
  });
  return {
    server,
    client,
    captureDir,
    async close() {
      client.close();
      await server.close();
    },
  };
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
