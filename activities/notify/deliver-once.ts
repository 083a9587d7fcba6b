/**
 * The one pattern every outgoing message follows (vendor e-mail and HTTP requests, notifications):
 * ask the delivery log, record the attempt, send, record the delivery. A retried activity (same
 * idempotency key) therefore either finds the delivery and sends nothing, or sends the very same
 * message again, built from the first attempt's plan.
 */
import { ErrorType } from '../../common/errors';
import { isClassified } from '../../connectors/failures';
import type { DeliveryLog } from './delivery-log';

export interface SendResult {
  /** What to remember about the delivery (message id, server reply…); never a secret. */
  receipt: Record<string, unknown>;
  /** The remote side said it already had this message (e.g. HTTP 409 for a known Idempotency-Key). */
  alreadyThere?: boolean;
}

export interface DeliveryOutcome {
  /** True when nothing new went out: delivered before, or the remote side already had it. */
  alreadyDone: boolean;
  /** The first attempt's plan (due date, request time…). */
  plan: Record<string, unknown>;
  receipt: Record<string, unknown>;
  /** When the delivery was first recorded. */
  deliveredAt: string;
}

/**
 * Delivers the message for `key` at most once as far as this data folder knows.
 *
 * @param makePlan details fixed at the first attempt and reused by every retry.
 * @param send sends the message; `outcomeUnknownBefore` is true when the previous attempt recorded
 *   its start but neither a delivery nor a refusal, i.e. the message may already be out. Must
 *   throw classified failures: those that mean "refused, nothing sent" are recorded as such.
 */
export async function deliverOnce(
  log: DeliveryLog,
  key: string,
  makePlan: () => Record<string, unknown>,
  send: (plan: Record<string, unknown>, outcomeUnknownBefore: boolean) => Promise<SendResult>,
): Promise<DeliveryOutcome> {
  const known = await log.status(key);
  if (known.delivered) {
    return { alreadyDone: true, plan: known.attempted?.details ?? {}, receipt: known.delivered.details, deliveredAt: known.delivered.at };
  }
  const attempt = await log.recordAttempt(key, makePlan());
  let result: SendResult;
  try {
    result = await send(attempt.details, known.outcomeUnknown);
  } catch (error) {
    if (nothingWasSent(error)) await log.recordRefused(key, { type: error.type });
    throw error;
  }
  const delivered = await log.recordDelivered(key, result.receipt);
  return { alreadyDone: result.alreadyThere === true, plan: attempt.details, receipt: delivered.details, deliveredAt: delivered.at };
}

/**
 * A classified refusal (credentials, throttling, a missing target, an invalid request) means the
 * remote side said no before doing anything. An outage or a network error may have struck after
 * the remote side acted (a 5xx after storing, a connection lost after "250 OK"): unknown.
 */
function nothingWasSent(error: unknown): error is { type: string } {
  return isClassified(error) && error.type !== ErrorType.Unavailable && error.type !== ErrorType.NotVerified;
}
