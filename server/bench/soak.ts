/**
 * Soak that can fail: `npm run soak -- --minutes N` runs the real kiosk server on the demo replay
 * camera with a Socket.IO client for N minutes (default 3), prints its figures and the checks, and
 * exits 1 naming the failed checks (soak/soak-checks.ts says what each one judges).
 *   --latency-budget-ms MS   frame-to-PLQ p95 budget (env SOAK_LATENCY_P95_MS)
 *   --max-rss-growth F       e.g. 0.05 (env SOAK_MAX_RSS_GROWTH)
 *   --min-plq-per-second R   (env SOAK_MIN_PLQ_PER_SECOND)
 */
import { checksTable, DEFAULT_LIMITS, type SoakLimits } from './soak/soak-checks.js';
import { runSoak } from './soak/soak-run.js';

function option(name: string, env: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i > 0 ? process.argv[i + 1] : process.env[env];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} (${env}): not a number: ${raw}`);
  return v;
}

async function main(): Promise<number> {
  const minutes = option('minutes', 'SOAK_MINUTES', 3);
  const limits: SoakLimits = {
    ...DEFAULT_LIMITS,
    latencyP95BudgetMs: option('latency-budget-ms', 'SOAK_LATENCY_P95_MS', DEFAULT_LIMITS.latencyP95BudgetMs),
    maxRssGrowth: option('max-rss-growth', 'SOAK_MAX_RSS_GROWTH', DEFAULT_LIMITS.maxRssGrowth),
    minPlqPerSecond: option('min-plq-per-second', 'SOAK_MIN_PLQ_PER_SECOND', DEFAULT_LIMITS.minPlqPerSecond),
  };
  const started = new Date();
  console.log(`soak: ${minutes} min of the demo replay at 30 fps, real workers, a Socket.IO client; started ${started.toISOString()}`);
  const r = await runSoak({ durationMs: minutes * 60_000, limits, log: (l) => console.log(l) });
  const f = r.figures;
  console.log(`backend ${f.backend}, warm-up ${(f.warmupMs / 1000).toFixed(0)} s; after warm-up: tracking ${f.trackingFps.toFixed(1)} fps (dropped ${f.framesDropped}), PLQ maps ${f.plqPerSecond.toFixed(2)}/s,`);
  console.log(`client-side frame-to-plq p95 ${f.clientLatencyP95Ms.toFixed(0)} ms, event-loop lag p99 ${f.eventLoopLagP99Ms.toFixed(1)} ms, captures ${f.captures}`);
  console.log(checksTable(r.checks));
  const failed = r.checks.filter((c) => !c.passed).map((c) => c.name);
  console.log(failed.length ? `soak FAILED: ${failed.join(', ')}` : 'soak passed');
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`soak could not run: ${err.stack ?? err.message}`);
    process.exit(2);
  },
);
