/**
 * How live connectors fail. Every handler turns what went wrong into one of these, so Temporal
 * retries what may heal (throttling, outages, an unconfirmed post-condition) and stops at once on
 * what never will (bad credentials, a missing target, invalid parameters): no retry storm against
 * a system that has already said no.
 *
 * Messages name the connector and the target and never include secrets: every text that goes into
 * a failure (message, details, causes) is scrubbed of loaded secret values and of URL credentials
 * (`https://user:password@host`), since client libraries quote the URLs they were given.
 */
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { ErrorType, type ErrorTypeName } from '../common/errors';
import { scrubSecrets } from '../config/secret';

/** Where a failure happened, for the message and the failure details. */
export interface FailureSite {
  /** Connector id, e.g. `aws-iam`, `scim`, `vendor:acme`. */
  connector: string;
  /** What was being done, e.g. `deactivate access key AKIA… of alice`. */
  operation: string;
}

function message(site: FailureSite, detail: string): string {
  return scrubSecrets(`${site.connector}: ${site.operation}: ${detail}`);
}

/** The site as recorded in the failure's details (operations may quote a configured URL). */
function siteDetails(site: FailureSite): FailureSite {
  return { connector: scrubSecrets(site.connector), operation: scrubSecrets(site.operation) };
}

function permanent(type: ErrorTypeName, site: FailureSite, detail: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    message: message(site, detail),
    type,
    nonRetryable: true,
    details: [siteDetails(site)],
    cause: cause instanceof Error ? sanitizedCause(cause) : undefined,
  });
}

/** Credentials refused or lacking permission. Not retried. */
export function authFailure(site: FailureSite, detail: string, cause?: unknown): ApplicationFailure {
  return permanent(ErrorType.AuthFailed, site, detail, cause);
}

/** The target does not exist. Not retried. */
export function notFoundFailure(site: FailureSite, detail: string, cause?: unknown): ApplicationFailure {
  return permanent(ErrorType.NotFound, site, detail, cause);
}

/** The request is invalid for the remote system. Not retried. */
export function invalidFailure(site: FailureSite, detail: string, cause?: unknown): ApplicationFailure {
  return permanent(ErrorType.InvalidInput, site, detail, cause);
}

/** The connector is not configured for what the step asks. Not retried. */
export function notConfiguredFailure(site: FailureSite, detail: string): ApplicationFailure {
  return permanent(ErrorType.NotConfigured, site, detail);
}

/** Throttled: retried after `retryAfterMs` when the server said how long, else with backoff. */
export function throttledFailure(site: FailureSite, detail: string, retryAfterMs?: number): ApplicationFailure {
  return ApplicationFailure.create({
    message: message(site, detail),
    type: ErrorType.Throttled,
    nonRetryable: false,
    details: [{ ...siteDetails(site), retryAfterMs }],
    ...(retryAfterMs !== undefined ? { nextRetryDelay: retryAfterMs } : {}),
  });
}

/** Unreachable or failing remote (network error, 5xx): retried with the activity's backoff. */
export function unavailableFailure(site: FailureSite, detail: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    message: message(site, detail),
    type: ErrorType.Unavailable,
    nonRetryable: false,
    details: [siteDetails(site)],
    cause: cause instanceof Error ? sanitizedCause(cause) : undefined,
  });
}

/** The effect could not be confirmed afterwards: retried (the action itself is idempotent). */
export function notVerifiedFailure(site: FailureSite, detail: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: message(site, detail),
    type: ErrorType.NotVerified,
    nonRetryable: false,
    details: [siteDetails(site)],
  });
}

/**
 * Parses a Retry-After header (delta-seconds or an HTTP date) into milliseconds from `now`.
 * Returns undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Classifies a non-2xx HTTP response. 401/403 → auth, 404/410 → not found, 400/409/422 → invalid,
 * 429 (and 503 with Retry-After) → throttled, other 5xx and anything unexpected → unavailable.
 */
export function httpFailure(
  site: FailureSite,
  status: number,
  headers: { get(name: string): string | null },
  bodyExcerpt = '',
): ApplicationFailure {
  const said = bodyExcerpt ? ` (${bodyExcerpt.slice(0, 300)})` : '';
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  if (status === 401 || status === 403) return authFailure(site, `credentials refused: HTTP ${status}${said}`);
  if (status === 404 || status === 410) return notFoundFailure(site, `not found: HTTP ${status}${said}`);
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
    return throttledFailure(site, `throttled: HTTP ${status}${retryAfterMs !== undefined ? `, retry after ${retryAfterMs} ms` : ''}`, retryAfterMs);
  }
  if (status === 400 || status === 409 || status === 422) return invalidFailure(site, `request refused: HTTP ${status}${said}`);
  return unavailableFailure(site, `HTTP ${status}${said}`);
}

/** A fetch/socket error (connection refused, reset, DNS, timeout): retryable. */
export function networkFailure(site: FailureSite, error: unknown): ApplicationFailure {
  // Duck-typed, not instanceof: fetch's socket errors may come from another realm (Jest, undici).
  const nested = (error as { cause?: unknown } | undefined)?.cause;
  const cause = nested !== null && typeof nested === 'object' ? nested : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const text = (cause as { message?: unknown } | undefined)?.message ?? String(cause);
  return unavailableFailure(site, `cannot reach the service (${typeof code === 'string' ? code : String(text)})`, error);
}

/** True for failures produced here (already classified); handlers rethrow those untouched. */
export function isClassified(error: unknown): error is ApplicationFailure {
  return error instanceof ApplicationFailure && typeof error.type === 'string' && error.type.startsWith('Quell');
}

/**
 * A copy of a client's error fit for a history: scrubbed message and name, and the same for its
 * own causes (fetch puts the socket error one level down). Depth-limited: a cause chain can loop.
 */
function sanitizedCause(error: Error, depth = 0): Error {
  const copy = new Error(scrubSecrets(error.message));
  copy.name = scrubSecrets(error.name);
  const inner = (error as { cause?: unknown }).cause;
  if (inner instanceof Error && depth < 4) copy.cause = sanitizedCause(inner, depth + 1);
  return copy;
}

/**
 * The last net for errors leaving an activity: an error whose text holds a loaded secret or URL
 * credentials (a connector that threw something unclassified, e.g. a client library's TypeError
 * quoting its URL) is replaced by a scrubbed copy of the same name, type and retry behaviour.
 * Anything already clean is returned as it is, so classified failures pass untouched.
 */
export function withoutSecrets(error: unknown): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? scrubSecrets(error) : error;
  // Cancellation and the SDK's own failures carry Temporal's text, and their class matters.
  if (isClean(error, 0) || (error instanceof TemporalFailure && !(error instanceof ApplicationFailure))) return error;
  if (error instanceof ApplicationFailure) {
    return ApplicationFailure.create({
      message: scrubSecrets(error.message),
      type: error.type ?? undefined,
      nonRetryable: error.nonRetryable ?? undefined,
      details: error.details ? (JSON.parse(scrubSecrets(JSON.stringify(error.details))) as unknown[]) : undefined,
      cause: error.cause instanceof Error ? sanitizedCause(error.cause) : undefined,
      ...(error.nextRetryDelay !== undefined && error.nextRetryDelay !== null ? { nextRetryDelay: error.nextRetryDelay } : {}),
    });
  }
  return sanitizedCause(error);
}

/** Whether nothing in the error (message, stack, details, causes) needs scrubbing. */
function isClean(error: Error, depth: number): boolean {
  const texts = [error.message, error.stack ?? '', error instanceof ApplicationFailure ? (JSON.stringify(error.details) ?? '') : ''];
  if (texts.some((text) => scrubSecrets(text) !== text)) return false;
  const inner = (error as { cause?: unknown }).cause;
  return !(inner instanceof Error) || depth >= 4 || isClean(inner, depth + 1);
}
