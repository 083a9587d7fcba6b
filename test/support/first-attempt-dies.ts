/**
 * A live step whose first attempt made its change on the system and died before reporting, the
 * way the activity envelope would leave it: attempt 1's "started" intent note, the effect, no
 * result. Attempt 2 then runs through the real activity, so a connector test can check what a
 * retry that finds its own earlier effect reports (found_on_retry, effect_by, …).
 */
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type QuellActivities } from '../../activities';
import type { LiveSetup } from '../../activities/action-performer';
import type { ActionRequest, ActionResult } from '../../activities/action-request';
import { FileEffectJournal } from '../../activities/effects/file-journal';
import { IntentNotes } from '../../activities/effects/intent-notes';
import type { ActionName } from '../../common/actions';
import type { ActionContext, ActionOutcome } from '../../connectors/action-context';
import { actionWithSchema } from '../../connectors/with-schemas';
import { runLogger } from './temporal';

/** The activities over `live`, with intent notes and an effect journal of their own in `dir`. */
export interface Envelope {
  live: LiveSetup;
  notes: IntentNotes;
  activities: QuellActivities;
}

export function envelopeOver(live: LiveSetup, dir: string): Envelope {
  const notes = new IntentNotes(path.join(dir, 'action-intents.jsonl'));
  const effectJournal = new FileEffectJournal(path.join(dir, 'retry-effects.jsonl'));
  return { live, notes, activities: createActivities({ logger: runLogger('logger'), effectJournal, live, intentNotes: notes }) };
}

/** The `perform` request of step `stepId` in a live run of `workflowId` (run `run-1`). */
export function liveStepRequest(workflowId: string, action: ActionName, params: Record<string, unknown>, stepId: string): ActionRequest {
  return { action, params, workflowId, runId: 'run-1', stepId, mode: 'live', idempotencyKey: `${workflowId}/run-1/${stepId}/perform`, purpose: 'perform' };
}

/**
 * Attempt 1 of `request`: notes that it started, then makes the change through the live action
 * (parameters validated as the activity does), and never reports. Fails if the change was
 * already in place: the retry under test must find an effect this very attempt made.
 */
export async function firstAttemptDies({ live, notes }: Envelope, request: ActionRequest): Promise<ActionOutcome> {
  const { idempotencyKey, workflowId, runId, stepId, action, purpose, mode } = request;
  const performer = live.actions[action];
  if (!performer) throw new Error(`no live action for ${action}`);
  await notes.started({ idempotencyKey, workflowId, runId, stepId, action, purpose, attempt: 1 });
  const context: ActionContext = { workflowId, runId, stepId, mode, idempotencyKey, heartbeat: () => undefined };
  const outcome = await performer.perform(action, actionWithSchema(action).parse(request.params) as Record<string, unknown>, context);
  if (outcome.alreadyDone) throw new Error(`attempt 1 of ${stepId} found its effect already in place: nothing for the retry to find`);
  return outcome;
}

/** Attempt `attempt` of `request` through the activity envelope. */
export async function runAttempt({ activities }: Envelope, attempt: number, request: ActionRequest): Promise<ActionResult> {
  return (await new MockActivityEnvironment({ attempt }).run(activities[request.action], request)) as ActionResult;
}

/** Attempt 1 makes the change and dies; attempt 2's result. */
export async function retryAfterFirstAttemptDied(envelope: Envelope, request: ActionRequest): Promise<ActionResult> {
  await firstAttemptDies(envelope, request);
  return runAttempt(envelope, 2, request);
}
