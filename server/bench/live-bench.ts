/**
 * Live benchmark: the real kiosk server replays the demo frames at 30 fps for N seconds (default
 * 60) and a Socket.IO client on loopback measures what a screen would see.
 *   npm run bench:live [-- --seconds 60] [--no-eyelids] [--detector-every N]
 * (`--no-eyelids`: the tracker without the eyelid model, tracking.eyelids off, for its cost;
 * `--detector-every N`: tracking.detectorEveryFrames, the face detector on every Nth frame only;
 * default: the kiosk's)
 * Prints tracking fps, PLQ maps/s, frame-to-`plq` latency p50/p95 (client side, from frameTs),
 * event-loop lag p99, RSS and tensor counts (both workers) at start and end.
 */
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { DEFAULT_CONFIG } from '../kiosk/config/kiosk-config.js';
import { loadConfig } from '../kiosk/config/load-config.js';
import { startKioskServer } from '../kiosk/http/kiosk-server.js';
import type { PlqEvent } from '../kiosk/pipeline/kiosk-events.js';
import { numberArg } from './bench-args.js';

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const mb = (b: number): string => (b / 1048576).toFixed(0);

async function tensors(server: Awaited<ReturnType<typeof startKioskServer>>): Promise<string> {
  const t = await server.workers.tracker.call<{ numTensors: number }>('stats', null);
  const p = await server.workers.plq.call<{ numTensors: number }>('stats', null);
  return `tracker ${t.numTensors}, plq ${p.numTensors}`;
}

async function main(): Promise<void> {
  const seconds = numberArg('seconds', 60);
  const warmup = numberArg('warmup', 10);
  const eyelids = !process.argv.includes('--no-eyelids');
  const detectorEveryFrames = numberArg('detector-every', DEFAULT_CONFIG.tracking.detectorEveryFrames);
  const config = await loadConfig({
    // the demo profile: no packaged photo passes the default pose and expression checks, and the
    // bench exercises the capture path too
    profile: 'demo',
    overrides: { server: { port: 0 }, tracking: { eyelids, detectorEveryFrames }, camera: { fps: 30, holdSeconds: 4 }, capture: { dir: path.join(os.tmpdir(), 'plq-bench-captures'), retentionHours: 0 } },
  });
  const server = await startKioskServer(config, { logger: false });
  const client = io(`${server.url}/kiosk`, { transports: ['websocket'] });
  const latencies: number[] = [];
  let plqCount = 0;
  client.on('plq', (p: PlqEvent) => {
    latencies.push(Date.now() - p.frameTs);
    plqCount++;
  });
  await new Promise((r) => setTimeout(r, warmup * 1000));
  latencies.length = 0;
  plqCount = 0;
  const m = server.pipeline.metrics;
  m.eventLoop.reset();
  const tracked0 = m.counters.trackedTotal, frames0 = m.counters.framesTotal, dropped0 = m.counters.droppedTracking;
  const rss0 = process.memoryUsage().rss;
  const tensors0 = await tensors(server);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const dt = (Date.now() - t0) / 1000;
  const out = {
    seconds: dt,
    inputFps: (m.counters.framesTotal - frames0) / dt,
    trackingFps: (m.counters.trackedTotal - tracked0) / dt,
    droppedFrames: m.counters.droppedTracking - dropped0,
    trackMsP50: m.trackMs.quantile(0.5),
    plqPerSecond: plqCount / dt,
    plqMsP50: m.plqMs.quantile(0.5),
    latencyP50: quantile(latencies, 0.5),
    latencyP95: quantile(latencies, 0.95),
    eventLoopLagP99: m.eventLoop.percentileMs(99),
    rssStartMb: mb(rss0),
    rssEndMb: mb(process.memoryUsage().rss),
    tensorsStart: tensors0,
    tensorsEnd: await tensors(server),
    captures: m.counters.captures,
    errors: m.counters.errors,
  };
  console.log(`live bench: ${dt.toFixed(0)} s of replay at 30 fps (demo frames, one face), backend ${config.engine.backend}, eyelid model ${config.tracking.eyelids ? 'on' : 'off'}, face detector ${config.tracking.detectorEveryFrames > 1 ? `once every ${config.tracking.detectorEveryFrames} frames` : 'every frame'}, after ${warmup} s warm-up`);
  console.log(`  input fps ${out.inputFps.toFixed(1)}, tracking fps ${out.trackingFps.toFixed(1)} (track p50 ${out.trackMsP50.toFixed(1)} ms, dropped ${out.droppedFrames})`);
  console.log(`  PLQ maps/s ${out.plqPerSecond.toFixed(2)} (worker p50 ${out.plqMsP50.toFixed(1)} ms)`);
  console.log(`  frame-to-plq latency p50 ${out.latencyP50.toFixed(0)} ms, p95 ${out.latencyP95.toFixed(0)} ms`);
  console.log(`  event-loop lag p99 ${out.eventLoopLagP99.toFixed(1)} ms`);
  console.log(`  RSS ${out.rssStartMb} -> ${out.rssEndMb} MB; tensors ${out.tensorsStart} -> ${out.tensorsEnd}`);
  console.log(`  captures ${out.captures}, errors ${out.errors}`);
  client.close();
  await server.close();
}

await main();
