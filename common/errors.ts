/**
 * The failure catalogue. Activities throw `ApplicationFailure` with one of these types; the
 * workflow and tests match on `type`, never on message text or `instanceof`.
 *
 * Workflow-safe: constants only.
 */
export const ErrorType = {
  /** The parameters of an action are invalid after template evaluation. Not retryable. */
  InvalidInput: 'QuellInvalidInput',
  /** A live run needs a connector that this worker has not configured. Not retryable. */
  NotConfigured: 'QuellNotConfigured',
  /** Credentials were refused by the remote system. Not retryable. */
  AuthFailed: 'QuellAuthFailed',
  /** The thing to act on does not exist. Not retryable. */
  NotFound: 'QuellNotFound',
  /** A runbook or run input failed validation before the run started. */
  RunbookInvalid: 'QuellRunbookInvalid',
  /** The remote system asked us to slow down. Retried after the delay it gave (Retry-After). */
  Throttled: 'QuellThrottled',
  /** The remote system is unreachable or failing (network error, 5xx). Retried with backoff. */
  Unavailable: 'QuellUnavailable',
  /** The action ran but its post-condition check did not hold (e.g. the key is still active). Retried. */
  NotVerified: 'QuellNotVerified',
  /** A drill's fault inject failed this tabletop attempt on purpose. Retried like an outage. */
  DrillFault: 'QuellDrillFault',
  /** A drill's fault reached a live action: refused, never performed. Not retryable. */
  DrillFaultInLiveRun: 'QuellDrillFaultInLiveRun',
} as const;

export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

/** Types the workflow must not retry (also listed in activity retry policies). */
export const NON_RETRYABLE_ERROR_TYPES: string[] = [
  ErrorType.InvalidInput,
  ErrorType.NotConfigured,
  ErrorType.AuthFailed,
  ErrorType.NotFound,
  ErrorType.RunbookInvalid,
  ErrorType.DrillFaultInLiveRun,
];
