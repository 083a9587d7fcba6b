/**
 * Follow-up runs: a twist prompts the facilitator to start another run (a second leaked key),
 * which the drill starts as its own child, in tabletop mode, linked by id and search attribute.
 *
 * Workflow-safe.
 */
import { ChildWorkflowCancellationType, isCancellation, ParentClosePolicy, startChild } from '@temporalio/workflow';
import { drillFollowUpWorkflowId, type DrillState, type FollowUpRun, type InjectState } from '../../common/drill-state';
import type { RunResult } from '../../common/run-state';
import { runStartSearchAttributes } from '../../runbooks/controls';
import type { RunRunbookInput } from '../input';
import type { runRunbook } from '../run-runbook';
import { namedInject } from './injects';
import type { RunDrillInput } from './state';

/** The fired twist `injectId` whose follow-up may start now, or an error saying why not. */
export function followUpToStart(state: DrillState, input: RunDrillInput, injectId: string): InjectState {
  const inject = namedInject(state.injects, injectId);
  if (inject.kind !== 'twist' || !inject.followUp) throw new Error(`inject "${injectId}" is ${inject.kind === 'twist' ? 'a twist without a follow-up' : `a ${inject.kind} inject`}; only a twist starts a follow-up run`);
  if (inject.status !== 'fired') throw new Error(`inject "${injectId}" is ${inject.status}; its follow-up can start once it has fired (fire it now with inject)`);
  if (inject.followUpWorkflowId) throw new Error(`the follow-up of "${injectId}" already started: ${inject.followUpWorkflowId}`);
  if (!input.followUpRunbooks?.[inject.followUp.runbookId]) throw new Error(`runbook ${inject.followUp.runbookId} was not loaded when the drill started; start it by hand as a tabletop run`);
  return inject;
}

/**
 * Starts the follow-up as a child (call inside the drill's run scope, so ending the drill cancels
 * it) and returns its record and a promise that settles with its outcome.
 */
export async function startFollowUpRun(
  input: RunDrillInput,
  state: DrillState,
  inject: InjectState,
  incidentId: string,
  startedBy: string,
  startedVia: RunRunbookInput['requestedVia'],
  drillMs: number,
): Promise<{ record: FollowUpRun; ended: Promise<void> }> {
  const plan = inject.followUp!;
  const { runbook, sha256 } = input.followUpRunbooks![plan.runbookId]!;
  const workflowId = drillFollowUpWorkflowId(state.drillId, inject.id);
  // Incident ids stay within their pattern (64 characters): the drill's, then the inject.
  const followUpIncident = `${incidentId.slice(0, 63 - Math.min(inject.id.length, 30))}.${inject.id.slice(0, 30)}`;
  const childInput: RunRunbookInput = {
    runbook,
    runbookSha256: sha256,
    inputs: plan.inputs,
    mode: 'tabletop',
    requestedBy: startedBy,
    requestedVia: startedVia,
    incidentId: followUpIncident,
    drill: { drillId: state.drillId },
    ...(input.childRunbooks ? { childRunbooks: input.childRunbooks } : {}),
  };
  const child = await startChild<typeof runRunbook>('runRunbook', {
    workflowId,
    args: [childInput],
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    typedSearchAttributes: runStartSearchAttributes({ runbook, incidentId: followUpIncident, mode: 'tabletop', requestedBy: startedBy, drillId: state.drillId }),
  });
  const record: FollowUpRun = { injectId: inject.id, workflowId, runbookId: runbook.id, startedBy, startedAt: new Date().toISOString(), startedAtDrillMs: drillMs };
  inject.followUpWorkflowId = workflowId;
  const ended = child.result().then(
    (result: RunResult) => {
      record.outcome = result.status;
    },
    (error: unknown) => {
      record.outcome = isCancellation(error) ? 'cancelled' : 'failed';
    },
  );
  return { record, ended };
}
