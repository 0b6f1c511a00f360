/** Shared settings of the property-based fuzz tests. */

/** Inputs per fuzz target: FUZZ_RUNS (default 1000) for a bigger run in CI or by hand. */
export function fuzzRuns(fallback = 1000): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A fixed seed unless FUZZ_SEED is set, so a failure in CI reproduces locally. */
export function fuzzSeed(): number {
  const n = Number(process.env.FUZZ_SEED);
  return Number.isInteger(n) ? n : 20261130;
}
