import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, median, rssGrowth, soakChecks, warmupMs, type Sample, type SoakObservations } from '../server/bench/soak/soak-checks.js';

const MB = 1048576;
const MIN = 60_000;

/** RSS every 2 s: `base` MB, `slope` MB per minute, deterministic noise of +-`noise` MB (GC). */
function rss(durationMs: number, base: number, slope: number, noise = 0): Sample[] {
  const out: Sample[] = [];
  for (let t = 0, i = 0; t <= durationMs; t += 2000, i++) out.push({ t, value: (base + (slope * t) / MIN + noise * Math.sin(i * 2.399)) * MB });
  return out;
}

const healthy = (durationMs = 3 * MIN): SoakObservations => ({
  durationMs,
  // start-up: RSS climbs to 700 MB over the first 40 s, then flat with GC noise
  rss: rss(durationMs, 700, 0, 15).map((s) => (s.t < 40_000 ? { ...s, value: (300 + 10 * (s.t / 1000)) * MB } : s)),
  tensors: { tracker: [{ t: 60_000, value: 240 }, { t: 120_000, value: 240 }, { t: 180_000, value: 240 }], plq: [{ t: 60_000, value: 94 }, { t: 180_000, value: 94 }] },
  latenciesMs: Array.from({ length: 500 }, (_, i) => 150 + (i % 100)),
  plqMapsAfterWarmup: Math.round((4 * (durationMs - warmupMs(durationMs, DEFAULT_LIMITS))) / 1000),
  pipelineErrors: [],
  workerRestarts: 0,
  socketErrors: [],
});

const failedNames = (o: SoakObservations): string[] => soakChecks(o, DEFAULT_LIMITS).filter((c) => !c.passed).map((c) => c.name);

describe('soak checks', () => {
  it('warm-up is 20 % of the run, at least a minute, at most half the run', () => {
    expect(warmupMs(MIN, DEFAULT_LIMITS)).toBe(MIN / 2);
    expect(warmupMs(3 * MIN, DEFAULT_LIMITS)).toBe(MIN);
    expect(warmupMs(30 * MIN, DEFAULT_LIMITS)).toBe(6 * MIN);
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });

  it('a healthy run passes, start-up growth and GC noise included', () => {
    expect(failedNames(healthy())).toEqual([]);
    expect(failedNames(healthy(30 * MIN))).toEqual([]);
  });

  it('a slow leak fails rss-growth; the same growth within warm-up does not', () => {
    const leak = { ...healthy(), rss: rss(3 * MIN, 700, 25, 15) }; // 25 MB/min: ~7 % over the judged 2 min
    expect(rssGrowth(leak.rss, leak.durationMs, DEFAULT_LIMITS).growth).toBeGreaterThan(0.05);
    expect(failedNames(leak)).toEqual(['rss-growth']);
  });

  it('a tensor count that moves, or a worker never sampled, fails', () => {
    const o = healthy();
    expect(failedNames({ ...o, tensors: { ...o.tensors, plq: [{ t: 60_000, value: 94 }, { t: 180_000, value: 95 }] } })).toEqual(['tensors-plq']);
    expect(failedNames({ ...o, tensors: { ...o.tensors, tracker: [{ t: 60_000, value: 240 }] } })).toEqual(['tensors-tracker']);
  });

  it('errors, restarts, socket errors, slow maps and a stalled pipeline each fail by name', () => {
    const o = healthy();
    expect(failedNames({ ...o, pipelineErrors: ['plq worker exited'] })).toEqual(['pipeline-errors']);
    expect(failedNames({ ...o, workerRestarts: 1 })).toEqual(['worker-restarts']);
    expect(failedNames({ ...o, socketErrors: ['disconnect: transport close'] })).toEqual(['socket-errors']);
    expect(failedNames({ ...o, latenciesMs: o.latenciesMs.map((v) => v + DEFAULT_LIMITS.latencyP95BudgetMs) })).toEqual(['latency-p95']);
    expect(failedNames({ ...o, latenciesMs: [], plqMapsAfterWarmup: 0 })).toEqual(['latency-p95', 'plq-maps']);
  });
});
