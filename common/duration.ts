/**
 * Durations as runbook authors write them: one or more `<integer><unit>` parts, largest unit
 * first, e.g. `90s`, `15m`, `1h30m`, `30d`. Units: ms, s, m, h, d, w.
 *
 * A step's duration (see {@link parseStepDuration}) may also start with business days, `3bd` or
 * `1bd4h`: their length depends on when the step starts and on the run's calendar
 * (common/business-days.ts), so they are only accepted where a duration is decided at that moment.
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
const BUSINESS_DAYS_PATTERN = /^(\d+)bd(.*)$/;
// After business days only units shorter than a day make sense: `1bd2d` would mix two calendars.
const AFTER_BUSINESS_DAYS = /^(?:\d+(?:ms|s|m|h))*$/;

import { LIMITS, describeLimit } from './limits';

/** Why a duration that counts business days is refused where only a fixed length will do; reads after the value or the field. */
export const BUSINESS_DAYS_REFUSED =
  "must be a fixed length here (e.g. 72h): business days (bd) count only in a step's timeout, an approval's, decision's or wait's timeout and a sleep's for";

/** Returns the length in milliseconds, or an explanation of why the text is not a duration. */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (BUSINESS_DAYS_PATTERN.test(trimmed)) {
    return { ok: false, message: `"${text}" ${BUSINESS_DAYS_REFUSED}` };
  }
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

/** At most as many business days as the duration limit has days (the instant is checked again when resolved). */
export const MAX_BUSINESS_DAYS = Math.floor(LIMITS.duration.value / UNIT_MS.d);

/** `businessDays` is set when the text counts business days (`0bd4h` included). */
export type StepDurationParse = { ok: true; ms: number; businessDays?: number } | { ok: false; message: string };

/**
 * A step's duration: what {@link parseDuration} accepts, or `<N>bd` optionally
 * followed by hours, minutes, seconds or milliseconds (`1bd4h`): N business days on the run's
 * calendar, then `ms` of elapsed time (common/business-days.ts has the rule).
 */
export function parseStepDuration(text: string): StepDurationParse {
  const match = BUSINESS_DAYS_PATTERN.exec(text.trim());
  if (!match) {
    const plain = parseDuration(text);
    return plain;
  }
  const businessDays = Number(match[1]);
  const rest = match[2];
  if (!AFTER_BUSINESS_DAYS.test(rest)) {
    return { ok: false, message: `"${text}" is not a duration: after business days (bd) only h, m, s or ms may follow, e.g. 3bd or 1bd4h` };
  }
  let ms = 0;
  if (rest !== '') {
    const parsed = parseDuration(rest);
    if (!parsed.ok && !/^(?:0+(?:ms|s|m|h))+$/.test(rest)) return { ok: false, message: `"${text}" is not a duration: ${parsed.message}` };
    ms = parsed.ok ? parsed.ms : 0;
  }
  if (businessDays === 0 && ms === 0) return { ok: false, message: `"${text}" must be longer than zero` };
  if (businessDays > MAX_BUSINESS_DAYS || businessDays * UNIT_MS.d + ms > LIMITS.duration.value) {
    return { ok: false, message: `"${text}" is too long: durations may be at most ${describeLimit('duration')}` };
  }
  return { ok: true, ms, businessDays };
}

/** Like {@link parseDuration} but throws; for values that already passed schema validation. */
export function durationMs(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.ms;
}
