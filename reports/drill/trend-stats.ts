/**
 * The statistics a drill trend reports, defined precisely so two readers compute the same number.
 *
 * Percentiles use the nearest-rank method: for n values sorted ascending, the p-th percentile
 * (0 < p ≤ 100) is the value at 1-based rank ⌈p/100 · n⌉. It is always one of the observed values
 * (never an interpolation), p50 of an even count is the lower middle value, and p90 of fewer than
 * ten values is the largest. An empty list has no percentile.
 */

/** The nearest-rank percentile of `values` (milliseconds, counts…), or undefined when there are none. */
export function nearestRankPercentile(values: readonly number[], p: number): number | undefined {
  if (!Number.isFinite(p) || p <= 0 || p > 100) throw new RangeError(`percentile must be greater than 0 and at most 100, got ${p}`);
  const bad = values.find((value) => !Number.isFinite(value));
  if (bad !== undefined) throw new RangeError(`percentile of a list with a non-finite value (${bad})`);
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  // p · n first: for whole-number p the product is exact, so a rank like 7 is not pushed to 8 by (7 / 100) · 100.
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[rank - 1];
}

export interface Spread {
  /** How many values the figures were computed from. */
  count: number;
  p50?: number;
  p90?: number;
}

/** p50 and p90 (nearest rank) of the values present; undefined entries are left out and not counted. */
export function spreadOf(values: ReadonlyArray<number | undefined>): Spread {
  const present = values.filter((value): value is number => value !== undefined);
  return { count: present.length, p50: nearestRankPercentile(present, 50), p90: nearestRankPercentile(present, 90) };
}

/** "42 s", "3m 05s", "1h 02m": durations for people, rounded down to the second. */
export function formatDurationMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 60) return ms < 1000 ? `${Math.round(ms)} ms` : `${totalSeconds} s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}h ${pad(minutes)}m` : `${minutes}m ${pad(seconds)}s`;
}

/** "1 drill", "3 drills". */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
