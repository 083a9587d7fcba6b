/**
 * The time range an `evidence.collect` step asks for: either `window`, a duration back from now
 * (`24h` when the step gives neither), or `since`, an absolute start (ISO 8601 with a UTC offset,
 * usually a runbook input such as the time an incident was first seen) up to now.
 *
 * The same checks serve the pre-flight (./needs) and the live action (./collect-action), so a
 * `since` refused before the run is refused for the same reason during it. Every windowed source
 * reads only the resulting start and end, never the step's fields.
 */
import { parseDuration } from '../../common/duration';
import { LIMITS, describeLimit } from '../../common/limits';
import type { CollectParams, CollectionWindow } from '../../connectors/evidence-roles';
import { invalidFailure } from '../../connectors/failures';

/** Window used when a step gives neither `window` nor `since`. */
export const DEFAULT_WINDOW = '24h';

const SINCE_EXAMPLE = 'write e.g. 2026-03-01T09:30:00Z or 2026-03-01T10:30:00+01:00';

/**
 * The grammar `sleep: { until }` accepts (common/iso-time.ts), so a runbook writes both alike;
 * unlike Date.parse, the fields are then checked, so 30 February is refused, not read as March.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch of an ISO 8601 time that carries its offset, or why it is not one. */
export function parseInstant(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const match = INSTANT.exec(text.trim());
  if (!match) {
    const local = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(text.trim());
    const why = local ? 'has no UTC offset (Z or ±hh:mm), so the time it means is unknown' : 'is not an ISO 8601 time with a UTC offset';
    return { ok: false, message: `"${text}" ${why}: ${SINCE_EXAMPLE}` };
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const milliseconds = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1_000);
  const [offsetHours, offsetMins] = [Number(match[10] ?? 0), Number(match[11] ?? 0)];
  const inRange = month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMins <= 59;
  if (!inRange) return { ok: false, message: `"${text}" is not a real date and time (a month, day, hour, minute, second or offset is out of range): ${SINCE_EXAMPLE}` };
  const offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  const utc = new Date(0);
  // setUTCFullYear keeps years 0–99 as written (Date.UTC would read them as 1900–1999).
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, milliseconds);
  return { ok: true, ms: utc.getTime() - offsetMinutes * 60_000 };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return DAYS_IN_MONTH[month - 1] + (month === 2 && leap ? 1 : 0);
}

type WindowFields = Partial<Pick<CollectParams, 'window' | 'since'>>;

/** Why the step's `window`/`since` cannot be used at `now`; empty when they can. */
export function windowProblems(given: WindowFields, now: Date): string[] {
  const { since, window } = given as { since?: unknown; window?: unknown };
  if (since !== undefined && window !== undefined) {
    return ['since: give either since (a start time, up to now) or window (a duration back from now), not both'];
  }
  if (typeof window === 'string') {
    const parsed = parseDuration(window);
    return parsed.ok ? [] : [`window: ${parsed.message}`];
  }
  if (typeof since === 'string') {
    const parsed = parseInstant(since);
    if (!parsed.ok) return [`since: ${parsed.message}`];
    if (parsed.ms > now.getTime()) return [`since: "${since}" is in the future (now is ${now.toISOString()}); evidence can only be collected up to now`];
    // The same bound as the longest `window`, which also catches a mistyped year.
    if (now.getTime() - parsed.ms > LIMITS.duration.value) return [`since: "${since}" is too long ago: a window may span at most ${describeLimit('duration')}`];
  }
  return [];
}

/** [start, now] for the step's `since` or `window` (default {@link DEFAULT_WINDOW}); invalid input throws. */
export function collectionWindow(given: WindowFields, now: Date): CollectionWindow {
  const [problem] = windowProblems(given, now);
  if (problem !== undefined) throw invalidFailure({ connector: 'evidence', operation: 'collect evidence' }, problem);
  if (given.since !== undefined) {
    const parsed = parseInstant(given.since);
    if (parsed.ok) return { start: new Date(parsed.ms), end: now };
  }
  const parsed = parseDuration(given.window ?? DEFAULT_WINDOW);
  if (!parsed.ok) throw invalidFailure({ connector: 'evidence', operation: 'collect evidence' }, `window: ${parsed.message}`);
  return { start: new Date(now.getTime() - parsed.ms), end: now };
}
