/**
 * Seeds and case counts for property tests. Each suite has a fixed default seed, so CI runs are
 * reproducible; QUELL_FUZZ_SEED replays another seed (fast-check prints the failing seed and
 * path), QUELL_FUZZ_RUNS scales every suite's case count (e.g. 10 for a long soak).
 */
export function fuzzSettings(suite: string, defaultRuns: number): { seed: number; numRuns: number } {
  const seedText = process.env.QUELL_FUZZ_SEED;
  const seed = seedText !== undefined && seedText !== '' ? Number(seedText) : defaultSeed(suite);
  if (!Number.isSafeInteger(seed)) throw new Error(`QUELL_FUZZ_SEED must be an integer, got ${seedText}`);
  const scale = Number(process.env.QUELL_FUZZ_RUNS ?? '1');
  if (!(scale > 0)) throw new Error(`QUELL_FUZZ_RUNS must be a positive number, got ${process.env.QUELL_FUZZ_RUNS}`);
  return { seed, numRuns: Math.max(1, Math.round(defaultRuns * scale)) };
}

/** A stable per-suite seed (FNV-1a of its name), so suites do not all explore the same stream. */
function defaultSeed(suite: string): number {
  let hash = 0x811c9dc5;
  for (const char of suite) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
