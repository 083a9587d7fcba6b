/**
 * Durations as runbook authors write them: one or more `<integer><unit>` parts, largest unit
 * first, e.g. `90s`, `15m`, `1h30m`, `30d`. Units: ms, s, m, h, d, w.
 *
 * Workflow-safe: pure functions, no Node imports.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const UNIT_ORDER = ['w', 'd', 'h', 'm', 's', 'ms'];
const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h|d|w))+$/;
const PART_PATTERN = /(\d+)(ms|s|m|h|d|w)/g;

import { LIMITS, describeLimit } from './limits';

/** Returns the length in milliseconds, or an explanation of why the text is not a duration. */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (!DURATION_PATTERN.test(trimmed)) {
    return {
      ok: false,
      message: `"${text}" is not a duration: write e.g. 30s, 15m, 1h30m, 7d (units ms, s, m, h, d, w)`,
    };
  }
  let total = 0;
  let lastRank = -1;
  for (const match of trimmed.matchAll(PART_PATTERN)) {
    const unit = match[2];
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastRank) {
      return { ok: false, message: `"${text}" repeats or misorders units: put larger units first (e.g. 1h30m)` };
    }
    lastRank = rank;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  if (total <= 0) return { ok: false, message: `"${text}" must be longer than zero` };
  // Past this, timers and deadlines stop being meaningful (and far past it, dates become invalid).
  if (total > LIMITS.duration.value) return { ok: false, message: `"${text}" is too long: durations may be at most ${describeLimit('duration')}` };
  return { ok: true, ms: total };
}

/** Like {@link parseDuration} but throws; for values that already passed schema validation. */
export function durationMs(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.ms;
}
