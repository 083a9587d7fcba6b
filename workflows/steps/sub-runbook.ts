/**
 * Runs a `runbook:` step: starts another runbook as a child run and waits for it. The child runs
 * in the parent's mode (a tabletop parent never starts a live child), for the same incident and
 * requester, with the runbook definition loaded when the parent was requested; its workflow id is
 * the parent's plus the step (`<parent>/<step>`), so a replay or retry finds the same child. The
 * child knows its parent and the parent's state names the child: linked both ways.
 *
 * A child that completes makes the step succeed, with the child's status, outcome and each of its
 * steps' outputs as the step's output; a child that fails, is rejected or cancelled on its own
 * fails the step. Cancelling the parent cancels the child and waits for it to undo its own steps.
 *
 * Workflow-safe.
 */
import {
  CancellationScope,
  CancelledFailure,
  ChildWorkflowCancellationType,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  startChild,
} from '@temporalio/workflow';
import type { QuellActivities } from '../../activities';
import { renderDeep } from '../../common/expression';
import type { RunResult } from '../../common/run-state';
import { childWorkflowId } from '../../common/step-ids';
import { runStartSearchAttributes } from '../../runbooks/controls';
import type { SubRunbookStepSpec } from '../../runbooks/schema';
import { FAST } from '../activity-options';
import type { RunRunbookInput } from '../input';
import { describeError, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';

const { checkChildInputs } = proxyActivities<QuellActivities>({ ...FAST, retry: { ...FAST.retry, nonRetryableErrorTypes: ['QuellInvalidInput'] } });


export async function runSubRunbookStep(ctx: RunContext, step: SubRunbookStepSpec): Promise<void> {
  const state = ctx.step(step.id);
  const loaded = ctx.input.childRunbooks?.[step.runbook.id];
  if (!loaded) throw new StepFailure(step.id, `runbook ${step.runbook.id} was not loaded when this run was requested, so it cannot start`);
  let given: Record<string, unknown>;
  try {
    given = (renderDeep(step.runbook.inputs ?? {}, ctx.templateContext()) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new StepFailure(step.id, `could not evaluate the inputs: ${describeError(error).message}`);
  }
  const workflowId = childWorkflowId(ctx.state.workflowId, step.id);
  state.child = { workflowId, runbookId: loaded.runbook.id, version: loaded.runbook.version };
  ctx.moveStep(state, 'start');
  state.startedAt = ctx.now();

  let inputs: Record<string, unknown>;
  try {
    inputs = await checkChildInputs({ runbook: loaded.runbook, inputs: given });
  } catch (error) {
    throw new StepFailure(step.id, describeError(error).message, 'QuellInvalidInput');
  }
  const childInput: RunRunbookInput = {
    runbook: loaded.runbook,
    runbookSha256: loaded.sha256,
    inputs,
    mode: ctx.input.mode,
    requestedBy: ctx.input.requestedBy,
    requestedVia: ctx.input.requestedVia,
    incidentId: ctx.input.incidentId,
    ...(ctx.input.childRunbooks ? { childRunbooks: ctx.input.childRunbooks } : {}),
    // The child counts business days on the parent's calendar.
    ...(ctx.input.calendar ? { calendar: ctx.input.calendar } : {}),
    parent: { workflowId: ctx.state.workflowId, stepId: step.id },
  };
  // By name: importing the interpreter's type here would close an import cycle through ./index.ts.
  const child = await startChild('runRunbook', {
    workflowId,
    args: [childInput],
    // The child settles a cancel itself (undo, final state): the parent waits for it to say how it ended.
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    typedSearchAttributes: runStartSearchAttributes({ runbook: loaded.runbook, incidentId: ctx.input.incidentId, mode: ctx.input.mode, requestedBy: ctx.input.requestedBy }),
  });
  ctx.record('child.started', `${loaded.runbook.id} v${loaded.runbook.version}: ${workflowId}`, { step: step.id });

  let result: RunResult;
  try {
    result = (await child.result()) as RunResult;
  } catch (error) {
    // The parent's own cancel travels on to the run's end; anything else is the child failing.
    if (isCancellation(error)) {
      state.child.status = 'cancelled';
      throw error;
    }
    throw new StepFailure(step.id, `child run ${workflowId} failed: ${describeError(error).message}`);
  }
  state.child.status = result.status;
  if (result.state.outcome) state.child.outcome = result.state.outcome.name;
  ctx.record('child.ended', `${workflowId}: ${result.status}${result.state.outcome ? `: ${result.state.outcome.name}` : ''}`, { step: step.id });
  // A child settles a cancel itself and returns: when it was this run's cancel, this run goes on cancelling.
  if (result.status === 'cancelled' && CancellationScope.current().consideredCancelled) throw new CancelledFailure('run cancelled');
  if (result.status !== 'completed') {
    const why = result.state.failure ? ` (${result.state.failure.step ? `${result.state.failure.step}: ` : ''}${result.state.failure.message})` : '';
    throw new StepFailure(step.id, `child run ${workflowId} ended ${result.status}${why}`);
  }
  state.output = {
    workflow_id: workflowId,
    status: result.status,
    ...(result.state.outcome ? { outcome: result.state.outcome.name } : {}),
    outputs: Object.fromEntries(result.state.steps.filter((child) => child.parent === undefined).map((child) => [child.id, child.output ?? null])),
  };
  state.endedAt = ctx.now();
  ctx.moveStep(state, 'succeed');
}
