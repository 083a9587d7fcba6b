/**
 * Turns @slack/web-api errors into Quell's failure classes. Slack answers HTTP 200 with
 * `{ ok: false, error }` for almost everything, so the `error` string decides: refused tokens and
 * missing scopes are permanent auth failures, a missing or archived channel is "not found", a
 * handful of server-side codes are worth retrying, and any other code is a request Slack will keep
 * refusing. A 429 carries Retry-After, which becomes Temporal's delay before the next attempt.
 */
import type { ApplicationFailure } from '@temporalio/common';
import { ErrorCode, type WebAPIHTTPError, type WebAPIPlatformError, type WebAPIRateLimitedError, type WebAPIRequestError } from '@slack/web-api';
import {
  authFailure,
  httpFailure,
  invalidFailure,
  isClassified,
  networkFailure,
  notFoundFailure,
  throttledFailure,
  unavailableFailure,
  type FailureSite,
} from '../failures';

const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'not_in_channel',
  'restricted_action',
  'ekm_access_denied',
]);
const NOT_FOUND_ERRORS = new Set(['channel_not_found', 'is_archived', 'message_not_found', 'user_not_found']);
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Classifies an error thrown by a WebClient call. */
export function slackFailure(site: FailureSite, error: unknown): ApplicationFailure {
  if (isClassified(error)) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case ErrorCode.PlatformError:
      return platformFailure(site, (error as WebAPIPlatformError).data.error);
    case ErrorCode.RateLimitedError: {
      const seconds = (error as WebAPIRateLimitedError).retryAfter;
      return throttledFailure(site, `rate limited by Slack, retry after ${seconds} s`, seconds * 1000);
    }
    case ErrorCode.HTTPError: {
      const http = error as WebAPIHTTPError;
      const headers = new Headers();
      for (const [name, value] of Object.entries(http.headers ?? {})) if (typeof value === 'string') headers.set(name, value);
      return httpFailure(site, http.statusCode, headers);
    }
    case ErrorCode.RequestError:
      return networkFailure(site, (error as WebAPIRequestError).original ?? error);
  }
  return unavailableFailure(site, error instanceof Error ? error.message : String(error), error);
}

function platformFailure(site: FailureSite, slackError: string): ApplicationFailure {
  if (slackError === 'ratelimited') return throttledFailure(site, 'rate limited by Slack (ratelimited)');
  if (AUTH_ERRORS.has(slackError)) return authFailure(site, `Slack refused the bot token or its permissions: ${slackError}`);
  if (NOT_FOUND_ERRORS.has(slackError)) return notFoundFailure(site, `Slack: ${slackError}`);
  if (TRANSIENT_ERRORS.has(slackError)) return unavailableFailure(site, `Slack: ${slackError}`);
  return invalidFailure(site, `Slack refused the request: ${slackError}`);
}
