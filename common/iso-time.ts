/**
 * The absolute times runbooks may name (`sleep: { until: … }`): ISO 8601 with a date, a time of
 * day and an explicit offset (`Z` or `+02:00`). A time without an offset would depend on the
 * worker's time zone, so it is refused rather than guessed. Workflow-safe.
 */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export const ISO_TIME_EXAMPLE = '2026-12-31T09:00:00Z';

/** Milliseconds since the epoch, or undefined when `text` is not such a time. */
export function parseIsoTime(text: string): number | undefined {
  const trimmed = text.trim();
  if (!ISO_TIME.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}
