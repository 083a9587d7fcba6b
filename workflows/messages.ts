/**
 * Every message a run accepts, defined once and used by the workflow, the CLI and (later) Slack.
 *
 * Human decisions are Updates, not Signals: each has a validator that refuses an invalid request
 * synchronously (the caller sees why at once) and a refused request never reaches the history.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { ApprovalGateState, RunState, StepState } from '../common/run-state';

const Actor = z.string().trim().min(1, 'actor is required (who is doing this)').max(200);
const Source = z.enum(['cli', 'slack', 'api']);

export const DecisionRequest = z.strictObject({
  stepId: z.string().min(1),
  /** The identity on its surface: a Slack user id, the CLI's `--as` name. */
  actor: Actor,
  decision: z.enum(['approve', 'reject']),
  via: Source,
  reason: z.string().max(2000).optional(),
  /**
   * sha256 of the gate summary the decider was shown (the gate publishes it). Its format and
   * freshness are checked by the validator, after the step itself, so a wrong step is named first.
   */
  summarySha256: z.string({ error: 'summarySha256 is required: quote the hash of the summary you were shown (the gate publishes it)' }).max(200),
});
export type DecisionRequest = z.infer<typeof DecisionRequest>;

export const EventDelivery = z.strictObject({
  event: z.string().min(1),
  actor: Actor,
  via: Source,
  payload: z.record(z.string(), z.unknown()).optional(),
});
export type EventDelivery = z.infer<typeof EventDelivery>;

export const ManualCompletion = z.strictObject({
  stepId: z.string().min(1),
  actor: Actor,
  via: Source,
  note: z.string().max(2000).optional(),
});
export type ManualCompletion = z.infer<typeof ManualCompletion>;

export const CancelRequest = z.strictObject({
  actor: Actor,
  via: Source,
  reason: z.string().trim().min(1, 'a reason is required to cancel a run').max(2000),
});
export type CancelRequest = z.infer<typeof CancelRequest>;

/** Current state of the run: every step, its status, actor, output and the audit trail. */
export const runStateQuery = defineQuery<RunState>('runState');

/** Approve or reject an approval gate. Returns the gate as it stands after the decision. */
export const decideApprovalUpdate = defineUpdate<ApprovalGateState, [DecisionRequest]>('decideApproval');

/** Deliver a named event (e.g. vendor-deletion-confirmed) that a `wait` step is waiting for. */
export const deliverEventUpdate = defineUpdate<StepState | { buffered: true; event: string }, [EventDelivery]>('deliverEvent');

/** Acknowledge a manual task as done. */
export const completeManualUpdate = defineUpdate<StepState, [ManualCompletion]>('completeManual');

/** Stop the run and undo its compensable steps, newest first. */
export const cancelRunUpdate = defineUpdate<{ accepted: true }, [CancelRequest]>('cancelRun');

/** Formats zod issues as "field: problem; field: problem" for validator rejections. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; ');
}
