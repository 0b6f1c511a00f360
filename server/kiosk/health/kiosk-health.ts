/**
 * The kiosk's health, as two reports of named checks:
 * - liveness (/healthz, the systemd watchdog): the process can still do its job or recover by
 *   itself: the event loop turns, no worker has been down beyond `maxWorkerDownMs`, the camera
 *   thread (OpenCV) is alive. Failing it means: restart the process.
 * - readiness (/readyz): the kiosk works right now: camera streaming, every worker up and
 *   answering its heartbeat, PLQ maps arriving while a face is in front of the camera, the
 *   capture store writable with free space (as the store itself last found it).
 */
import type { KioskConfig } from '../config/kiosk-config.js';
import type { KioskMetrics } from '../pipeline/kiosk-metrics.js';
import type { WorkerClient } from '../workers/worker-client.js';
import type { StoreHealth } from '../capture/store-health.js';
import { EventLoopStall } from './event-loop-stall.js';

export interface HealthCheck {
  name: string;
  ok: boolean;
  /** Why it fails, or what it saw. */
  reason?: string;
}

export interface HealthReport {
  status: 'ok' | 'fail';
  checks: HealthCheck[];
}

/** Liveness of something outside the model workers (the OpenCV camera thread). */
export type LivenessProbe = () => HealthCheck;

export interface KioskHealthOptions {
  config: Pick<KioskConfig, 'health'>;
  metrics: KioskMetrics;
  /** Model workers that must be up (the on-demand assess worker is not one of them). */
  workers: WorkerClient[];
  /** The capture store's own account of its disk (last write or probe, free space). */
  store: () => StoreHealth;
  probes?: LivenessProbe[];
  /** A streaming camera that sent no frame for this long is not streaming (default 5000 ms). */
  maxFrameAgeMs?: number;
}

type PingResult = { ok: true; ms: number; at: number } | { ok: false; reason: string; at: number };

export class KioskHealth {
  private readonly stall = new EventLoopStall();
  private readonly pings = new Map<string, PingResult>();
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly h: KioskConfig['health'];

  constructor(private readonly options: KioskHealthOptions) {
    this.h = options.config.health;
  }

  start(): void {
    this.stall.start();
    const beat = (): void => {
      for (const w of this.options.workers) {
        void w.ping().then((r) => this.pings.set(w.name, { ...r, at: Date.now() }));
      }
    };
    beat();
    this.heartbeat = setInterval(beat, this.h.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  stop(): void {
    this.stall.stop();
    clearInterval(this.heartbeat);
  }

  liveness(now = Date.now()): HealthReport {
    const checks: HealthCheck[] = [];
    const stall = this.stall.worstMs();
    checks.push(
      stall > this.h.maxEventLoopStallMs
        ? { name: 'event-loop', ok: false, reason: `event loop held up ${Math.round(stall)} ms (limit ${this.h.maxEventLoopStallMs} ms)` }
        : { name: 'event-loop', ok: true, reason: `worst delay ${Math.round(stall)} ms in the last 10 s` },
    );
    for (const w of this.options.workers) {
      const s = w.health();
      const down = s.downSince === undefined ? 0 : now - s.downSince;
      if (s.state === 'closed') checks.push({ name: `worker:${s.name}`, ok: false, reason: 'worker closed' });
      else if (down > this.h.maxWorkerDownMs) {
        checks.push({ name: `worker:${s.name}`, ok: false, reason: `down for ${Math.round(down / 1000)} s (${s.lastFailure ?? s.state}), ${s.restarts} restarts` });
      } else checks.push({ name: `worker:${s.name}`, ok: true, reason: s.state === 'ready' ? 'running' : `${s.state}, recovering` });
    }
    for (const probe of this.options.probes ?? []) checks.push(probe());
    return report(checks);
  }

  readiness(now = Date.now()): HealthReport {
    const m = this.options.metrics;
    const checks: HealthCheck[] = [];
    const frameAge = m.framesIn.lastAt ? now - m.framesIn.lastAt : Infinity;
    const maxFrameAge = this.options.maxFrameAgeMs ?? 5000;
    if (m.cameraState !== 'streaming') checks.push({ name: 'camera', ok: false, reason: `camera ${m.cameraState}` });
    else if (frameAge > maxFrameAge) checks.push({ name: 'camera', ok: false, reason: `no frame for ${Math.round(frameAge)} ms` });
    else checks.push({ name: 'camera', ok: true, reason: 'streaming' });

    const staleAfter = 2 * this.h.heartbeatIntervalMs + this.h.heartbeatTimeoutMs;
    for (const w of this.options.workers) {
      const s = w.health();
      const p = this.pings.get(w.name);
      const name = `worker:${s.name}`;
      if (s.state !== 'ready') checks.push({ name, ok: false, reason: `worker ${s.state}${s.lastFailure ? `: ${s.lastFailure}` : ''}` });
      else if (!p) checks.push({ name, ok: false, reason: 'no heartbeat yet' });
      else if (!p.ok) checks.push({ name, ok: false, reason: `heartbeat failed: ${p.reason}` });
      else if (now - p.at > staleAfter) checks.push({ name, ok: false, reason: `last heartbeat answer ${Math.round((now - p.at) / 1000)} s ago` });
      else checks.push({ name, ok: true, reason: `heartbeat ${p.ms.toFixed(1)} ms` });
    }

    checks.push(this.plqFreshness(now));

    checks.push(storeCheck(this.options.store()));
    return report(checks);
  }

  /**
   * PLQ maps are owed only while a face the kiosk would assess is in front of the camera: an
   * empty booth is ready. The age counts from the later of the last map and the moment the face
   * appeared.
   */
  private plqFreshness(now: number): HealthCheck {
    const m = this.options.metrics;
    if (!m.plqDemand.active(now)) return { name: 'plq', ok: true, reason: 'no face to assess' };
    const age = now - Math.max(m.plq.lastAt, m.plqDemand.since);
    return age > this.h.maxPlqAgeMs
      ? { name: 'plq', ok: false, reason: `a face is in front of the camera and no PLQ map came for ${Math.round(age)} ms (limit ${this.h.maxPlqAgeMs} ms)` }
      : { name: 'plq', ok: true, reason: m.plq.lastAt ? `last map ${Math.round(now - m.plq.lastAt)} ms ago` : 'face just appeared' };
  }
}

function storeCheck(s: StoreHealth): HealthCheck {
  const mb = (b: number): number => Math.round(b / 1048576);
  if (s.lowSpace) return { name: 'capture-store', ok: false, reason: `${mb(s.freeBytes ?? 0)} MB free, below the minimum ${mb(s.minFreeBytes)} MB` };
  if (!s.writable) return { name: 'capture-store', ok: false, reason: `not writable (${s.lastError ?? 'unknown error'})${s.pending ? `, ${s.pending} captures waiting in memory` : ''}` };
  return { name: 'capture-store', ok: true, reason: s.freeBytes === null ? 'writable' : `writable, ${mb(s.freeBytes)} MB free` };
}

function report(checks: HealthCheck[]): HealthReport {
  return { status: checks.every((c) => c.ok) ? 'ok' : 'fail', checks };
}
