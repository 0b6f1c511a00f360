/**
 * The soak as CI runs it: SOAK_MINUTES (default 3) of the real kiosk on the demo replay; every
 * check of `npm run soak` must pass. Takes the run's length plus start-up (models, demo frames).
 */
import { describe, expect, it } from 'vitest';
import { checksTable, DEFAULT_LIMITS } from '../server/bench/soak/soak-checks.js';
import { runSoak } from '../server/bench/soak/soak-run.js';

const minutes = Number(process.env.SOAK_MINUTES ?? 3);
const budget = process.env.SOAK_LATENCY_P95_MS ? Number(process.env.SOAK_LATENCY_P95_MS) : DEFAULT_LIMITS.latencyP95BudgetMs;

describe('soak', () => {
  it(
    `${minutes} min on the demo replay: flat RSS and tensors, no errors, latency within budget`,
    async () => {
      const r = await runSoak({ durationMs: minutes * 60_000, limits: { ...DEFAULT_LIMITS, latencyP95BudgetMs: budget } });
      const table = checksTable(r.checks);
      console.log(table);
      expect(r.checks.filter((c) => !c.passed).map((c) => c.name), table).toEqual([]);
    },
    minutes * 60_000 + 5 * 60_000,
  );
});
