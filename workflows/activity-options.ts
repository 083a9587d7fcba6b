/**
 * Named activity option profiles. Every action gets explicit timeouts, a heartbeat deadline (so a
 * dead worker is noticed in seconds, not minutes) and a retry policy bounded by time; runbook
 * steps may change them with `timeout` and `retry`.
 *
 * Workflow-safe.
 */
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { durationMs } from '../common/duration';
import { NON_RETRYABLE_ERROR_TYPES } from '../common/errors';
import type { RetrySpecType } from '../runbooks/schema';

/**
 * How long an action keeps being retried before its step fails. Actions are idempotent, so
 * another attempt is always safe, and a worker that dies mid-action costs its attempt: with a
 * count of attempts (it was 10), a worker crash-looping for a few minutes failed runs whose
 * systems were fine. A budget of time lets any number of attempts through while it lasts; what
 * ends a step early is a non-retryable failure (refused credentials, missing target, invalid
 * request), a runbook's explicit `retry.max_attempts`, or the run's cancellation.
 */
export const ACTION_TIME_BUDGET = '30m';

/**
 * External systems: minutes per attempt, retried with backoff (up to a minute apart) for as long
 * as {@link ACTION_TIME_BUDGET} lasts. Actions heartbeat every second
 * (activities/perform-action.ts), so a worker that died mid-action is noticed after 3 s and the
 * retry runs on another worker about a second later.
 */
export const EXTERNAL_API: ActivityOptions = {
  startToCloseTimeout: '5m',
  scheduleToCloseTimeout: ACTION_TIME_BUDGET,
  heartbeatTimeout: '3s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m', // actionOptions raises it for a step whose initial_interval is longer
    maximumAttempts: Number.POSITIVE_INFINITY,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

/** Quick checks on the worker itself (configuration, readiness). */
export const FAST: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
};

/**
 * The run's Slack presence (root message, thread, cards). One attempt is one Slack request (plus a
 * history look-up after an uncertain post). Retried without limit: a lost update would leave
 * people looking at a stale card, and the publisher sends only the latest state anyway, so
 * waiting out an outage costs nothing. A 429 waits exactly Slack's Retry-After (the failure
 * carries it as nextRetryDelay). Refused tokens, unknown channels and invalid blocks stop at once.
 */
export const SLACK_SURFACE: ActivityOptions = {
  startToCloseTimeout: '1m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: Number.POSITIVE_INFINITY,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

/** Looking up the worker's own Slack configuration: a local activity, no I/O beyond memory. */
export const SLACK_SURFACE_LOOKUP: LocalActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
};

/**
 * The profile for one action step, adjusted by the step's own `timeout` (each attempt's limit) and
 * `retry` (its intervals; an explicit `max_attempts` bounds the attempts instead of the time
 * budget, as a runbook author who counted attempts expects). The budget is at least two whole
 * attempts of the step's `timeout`, so a long `timeout` is never cut short by it.
 */
export function actionOptions(step: { timeout?: string; retry?: RetrySpecType }): ActivityOptions {
  const base = EXTERNAL_API.retry ?? {};
  const initialMs = step.retry?.initial_interval ? durationMs(step.retry.initial_interval) : undefined;
  // A step that only raises the first interval past the profile's cap gets the cap raised with it:
  // Temporal refuses a retry policy whose maximum is below its initial interval.
  const maximum = step.retry?.max_interval
    ? { maximumInterval: durationMs(step.retry.max_interval) }
    : initialMs !== undefined && initialMs > durationMs('1m')
      ? { maximumInterval: initialMs }
      : {};
  const { scheduleToCloseTimeout: _budget, ...perAttempt } = EXTERNAL_API;
  const attemptMs = step.timeout ? durationMs(step.timeout) : undefined;
  const maxAttempts = step.retry?.max_attempts;
  return {
    ...perAttempt,
    ...(attemptMs !== undefined ? { startToCloseTimeout: attemptMs } : {}),
    ...(maxAttempts === undefined ? { scheduleToCloseTimeout: Math.max(durationMs(ACTION_TIME_BUDGET), 2 * (attemptMs ?? 0)) } : {}),
    retry: {
      ...base,
      ...(maxAttempts !== undefined ? { maximumAttempts: maxAttempts } : {}),
      ...(initialMs !== undefined ? { initialInterval: initialMs } : {}),
      ...(step.retry?.backoff !== undefined ? { backoffCoefficient: step.retry.backoff } : {}),
      ...maximum,
    },
  };
}
