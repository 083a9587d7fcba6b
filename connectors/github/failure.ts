/**
 * Classifies a GitHub REST error answer. GitHub uses 403 both for "you may not" and for rate
 * limits, so a 403 is only an auth failure once the rate-limit signals are ruled out (GitHub's
 * documented order): `retry-after` → wait that long; `x-ratelimit-remaining: 0` → wait until
 * `x-ratelimit-reset` (epoch seconds); a "secondary rate limit" message without either header →
 * wait at least a minute. Everything else follows ../failures.ts (401 → auth, 404 → not
 * found, 422 → invalid, 5xx → unavailable).
 */
import type { ApplicationFailure } from '@temporalio/common';
import { httpFailure, parseRetryAfter, throttledFailure, type FailureSite } from '../failures';
import { errorExcerpt, type JsonResponse } from '../http-json';

/** GitHub: "wait for at least one minute" when a secondary limit gives no header. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;

/** The classified failure for a non-2xx GitHub answer (see the module comment for the rules). */
export function githubFailure(site: FailureSite, response: JsonResponse, now: number = Date.now()): ApplicationFailure {
  const said = errorExcerpt(response.body);
  if (response.status === 403 || response.status === 429) {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now);
    if (retryAfter !== undefined) return throttledFailure(site, `rate limited (HTTP ${response.status}): ${said}`, retryAfter);
    if (response.headers.get('x-ratelimit-remaining') === '0') {
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      const wait = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
      return throttledFailure(site, `rate limit exhausted (HTTP ${response.status})`, wait);
    }
    if (/secondary rate limit|abuse detection/i.test(said)) {
      return throttledFailure(site, `secondary rate limit (HTTP ${response.status}): ${said}`, SECONDARY_LIMIT_WAIT_MS);
    }
  }
  return httpFailure(site, response.status, response.headers, said);
}
