/**
 * One soak run: the real kiosk server (real workers and models, the configured backend) on the
 * demo replay camera, a Socket.IO client connected throughout; collects RSS, worker tensor counts,
 * frame-to-PLQ latencies and every error, then judges them (soak-checks.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { loadConfig } from '../../kiosk/config/load-config.js';
import { startKioskServer, type KioskServer } from '../../kiosk/http/kiosk-server.js';
import type { PlqEvent } from '../../kiosk/pipeline/kiosk-events.js';
import { soakChecks, warmupMs, type Sample, type SoakCheck, type SoakLimits, type SoakObservations } from './soak-checks.js';

export interface SoakOptions {
  durationMs: number;
  limits: SoakLimits;
  /** RSS sampling period. */
  rssEveryMs?: number;
  /** Worker tensor count sampling period (after warm-up). */
  tensorsEveryMs?: number;
  /** Progress lines (one per tensor sample); none by default. */
  log?: (line: string) => void;
}

export interface SoakFigures {
  backend: string;
  warmupMs: number;
  trackingFps: number;
  plqPerSecond: number;
  clientLatencyP95Ms: number;
  eventLoopLagP99Ms: number;
  captures: number;
  framesDropped: number;
}

export interface SoakReport {
  passed: boolean;
  checks: SoakCheck[];
  figures: SoakFigures;
  observations: SoakObservations;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function workerTensors(server: KioskServer): Promise<Record<string, number>> {
  const [tracker, plq] = await Promise.all([
    server.workers.tracker.call<{ numTensors: number }>('stats', null),
    server.workers.plq.call<{ numTensors: number }>('stats', null),
  ]);
  return { tracker: tracker.numTensors, plq: plq.numTensors };
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { durationMs, limits, rssEveryMs = 2000, tensorsEveryMs = 15_000, log = () => undefined } = options;
  const captureDir = await mkdtemp(path.join(os.tmpdir(), 'plq-soak-captures-'));
  const config = await loadConfig({
    // the demo profile: the packaged photos pass its checks, so the capture path runs too
    profile: 'demo',
    env: process.env,
    overrides: {
      server: { port: 0 },
      camera: { source: 'replay:samples', fps: 30, holdSeconds: 4 },
      capture: { dir: captureDir, retentionHours: 0 },
      // wasm, the kiosk's backend on machines without a GPU, unless PLQ_BACKEND asks for another
      engine: { backend: process.env.PLQ_BACKEND ?? 'wasm' },
    } as never,
  });
  const server = await startKioskServer(config, { logger: false });
  const client = io(`${server.url}/kiosk`, { transports: ['websocket'], reconnection: false });
  const warmup = warmupMs(durationMs, limits);
  const t0 = Date.now();
  const since = (): number => Date.now() - t0;
  const obs: SoakObservations = { durationMs, rss: [], tensors: { tracker: [], plq: [] }, latenciesMs: [], plqMapsAfterWarmup: 0, pipelineErrors: [], workerRestarts: 0, socketErrors: [] };
  const clientLatencies: number[] = [];
  let stopping = false;

  const pipelineSub = server.pipeline.events$.subscribe((e) => {
    if (e.type === 'error') obs.pipelineErrors.push(e.data.message);
    // the same figure as the frame_to_plq_ms metric, taken at the same moment, every sample kept
    else if (e.type === 'plq' && since() >= warmup) {
      obs.latenciesMs.push(Date.now() - e.data.frameTs);
      obs.plqMapsAfterWarmup++;
    }
  });
  client.on('plq', (p: PlqEvent) => {
    if (since() >= warmup) clientLatencies.push(Date.now() - p.frameTs);
  });
  client.on('error', (e: { message?: string }) => obs.socketErrors.push(`error event: ${e?.message ?? String(e)}`));
  client.on('connect_error', (e: Error) => obs.socketErrors.push(`connect_error: ${e.message}`));
  client.on('disconnect', (reason: string) => {
    if (!stopping) obs.socketErrors.push(`disconnect: ${reason}`);
  });

  const rssTimer = setInterval(() => obs.rss.push({ t: since(), value: process.memoryUsage().rss }), rssEveryMs);
  const sampleTensors = async (): Promise<void> => {
    const t = since();
    const counts = await workerTensors(server);
    for (const [w, n] of Object.entries(counts)) (obs.tensors[w] ??= []).push({ t, value: n } satisfies Sample);
    const rss = obs.rss.at(-1)?.value ?? process.memoryUsage().rss;
    log(`  ${(t / 1000).toFixed(0).padStart(5)} s  rss ${(rss / 1048576).toFixed(0)} MB  tensors ${Object.entries(counts).map(([w, n]) => `${w} ${n}`).join(', ')}  plq maps ${obs.plqMapsAfterWarmup}  errors ${obs.pipelineErrors.length}`);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    await sleep(Math.max(0, warmup - since()));
    const m = server.pipeline.metrics;
    m.eventLoop.reset();
    const tracked0 = m.counters.trackedTotal, dropped0 = m.counters.droppedTracking, judged0 = since();
    while (since() < durationMs) {
      await sampleTensors();
      const next = Math.min(tensorsEveryMs, durationMs - since());
      if (next > 0) await sleep(next);
    }
    await sampleTensors();
    const judgedS = (since() - judged0) / 1000;
    obs.workerRestarts = m.counters.workerRestarts;
    obs.durationMs = since();
    const checks = soakChecks(obs, limits);
    const sorted = [...clientLatencies].sort((a, b) => a - b);
    return {
      passed: checks.every((c) => c.passed),
      checks,
      observations: obs,
      figures: {
        backend: config.engine.backend,
        warmupMs: warmup,
        trackingFps: (m.counters.trackedTotal - tracked0) / judgedS,
        plqPerSecond: obs.plqMapsAfterWarmup / judgedS,
        clientLatencyP95Ms: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] : NaN,
        eventLoopLagP99Ms: m.eventLoop.percentileMs(99),
        captures: m.counters.captures,
        framesDropped: m.counters.droppedTracking - dropped0,
      },
    };
  } finally {
    stopping = true;
    clearInterval(rssTimer);
    pipelineSub.unsubscribe();
    client.close();
    await server.close();
    await rm(captureDir, { recursive: true, force: true });
  }
}
