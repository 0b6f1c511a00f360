/**
 * Socket.IO namespace /kiosk: pipeline events out, a few commands in. Each client has a token
 * bucket; a flooding client is throttled (events dropped, counted) and disconnected if it keeps on.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { KioskPipeline } from '../../pipeline/kiosk-pipeline.js';
import type { KioskConfig } from '../../config/kiosk-config.js';
import { LANGUAGES, type Language } from '../../guidance/guidance-ids.js';
import type { CaptureStorePort } from '../capture-store-port.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

class TokenBucket {
  private tokens: number;
  private last = Date.now();
  dropped = 0;
  constructor(private readonly rate: number) {
    this.tokens = rate;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.dropped++;
    return false;
  }
}

export function attachKioskSocket(server: HttpServer, pipeline: KioskPipeline, store: CaptureStorePort, config: KioskConfig): Server {
  const io = new Server(server, { serveClient: false, maxHttpBufferSize: 64 * 1024, cors: { origin: false } });
  const ns = io.of('/kiosk');
  const sub = pipeline.events$.subscribe((e) => {
    // previews are volatile (a slow client skips frames instead of queueing them); the few, small
    // PLQ maps are delivered
    if (e.type === 'frame') ns.volatile.emit(e.type, e.data);
    else ns.emit(e.type, e.data);
  });
  ns.on('connection', (socket: Socket) => {
    const bucket = new TokenBucket(config.server.clientEventsPerSecond);
    const pa = config.guidance.presentationAttack;
    socket.emit('hello', {
      ...pipeline.snapshot(),
      profile: config.profile,
      languages: LANGUAGES,
      ui: { plqOverlay: config.ui.plqOverlay, speech: config.ui.speech, adMam: config.xai.mamFile !== null },
      presentationAttack: pa.enabled ? { minReal: pa.minReal, minLive: pa.minLive } : null,
    });
    socket.onAny(() => undefined);
    const guard = <A extends unknown[]>(fn: (...args: A) => void | Promise<void>) => (...args: A): void => {
      if (!bucket.take()) {
        pipeline.metrics.counters.clientThrottled++;
        if (bucket.dropped === 1) socket.emit('error', { message: 'too many events: throttled' });
        if (bucket.dropped > config.server.clientEventsPerSecond * 20) socket.disconnect(true);
        return;
      }
      // a handler that throws synchronously must become an error message, not an uncaught exception
      Promise.resolve()
        .then(() => fn(...args))
        .catch((err: unknown) => socket.emit('error', { message: err instanceof Error ? err.message : 'invalid request' }));
    };
    socket.on('retake', guard(() => pipeline.retake()));
    socket.on('reset', guard(() => pipeline.reset()));
    socket.on('accept', guard(() => pipeline.reset()));
    socket.on('language', guard((lang: unknown) => {
      if (typeof lang !== 'string' || !(LANGUAGES as readonly string[]).includes(lang)) throw new Error(`unknown language ${String(lang)}`);
      pipeline.setLanguage(lang as Language);
    }));
    socket.on('operator:capture', guard(async () => {
      if (!(await pipeline.manualCapture())) throw new Error('no assessed face to capture yet');
    }));
    socket.on('operator:approve', guard(async (id: unknown) => {
      if (typeof id !== 'string' || !ID.test(id) || !(await store.approve(id))) throw new Error('no such capture');
    }));
    socket.on('operator:delete', guard(async (id: unknown) => {
      if (typeof id !== 'string' || !ID.test(id) || !(await store.delete(id))) throw new Error('no such capture');
    }));
  });
  io.engine.on('close', () => sub.unsubscribe());
  return io;
}
