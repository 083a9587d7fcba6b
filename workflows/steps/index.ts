/**
 * Runs one step of any kind: evaluates `when`, dispatches on the kind, and applies `on_error`.
 *
 * Workflow-safe.
 */
import { CancellationScope, CancelledFailure, isCancellation } from '@temporalio/workflow';
import { isTruthy, renderTemplate } from '../../common/expression';
import type { ParallelStepSpec, RunbookBranchStep, RunbookStep } from '../../runbooks/schema';
import { describeError, RunEnded, RunRejected, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';
import { runActionStep } from './action';
import { runApprovalStep } from './approval';
import { runDecisionStep } from './decision';
import { runEndStep } from './end';
import { runForeachStep } from './foreach';
import { runObserveStep } from './observe';
import { runSubRunbookStep } from './sub-runbook';
import { runSequenceStep } from './sequence';
import { runSeverityStep } from './severity';
import { runManualStep } from './manual';
import { runSleepStep } from './sleep';
import { runWaitStep } from './wait';

export async function runStep(ctx: RunContext, step: RunbookStep | RunbookBranchStep): Promise<void> {
  const state = ctx.step(step.id);
  // Actions run in non-cancellable scopes, so a cancelled run must stop here, between steps.
  if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('run cancelled');
  if (step.when !== undefined) {
    let proceed: boolean;
    try {
      proceed = isTruthy(renderTemplate(step.when, ctx.templateContext()));
    } catch (error) {
      return settleFailure(ctx, step, new StepFailure(step.id, `could not evaluate when: ${describeError(error).message}`));
    }
    if (!proceed) {
      ctx.moveStep(state, 'skip');
      state.skippedBecause = `when ${step.when} is false`;
      ctx.record('step.skipped', state.skippedBecause, { step: step.id });
      // A skipped sequence's steps never run either.
      for (const inner of 'sequence' in step ? step.sequence : []) {
        const innerState = ctx.step(inner.id);
        ctx.moveStep(innerState, 'skip');
        innerState.skippedBecause = `sequence ${step.id} was skipped`;
      }
      return;
    }
  }
  try {
    if ('action' in step) await runActionStep(ctx, step);
    else if ('approval' in step) await runApprovalStep(ctx, step);
    else if ('parallel' in step) await runParallelStep(ctx, step);
    else if ('wait' in step) await runWaitStep(ctx, step);
    else if ('sleep' in step) await runSleepStep(ctx, step);
    else if ('decision' in step) await runDecisionStep(ctx, step);
    else if ('end' in step) runEndStep(ctx, step);
    else if ('foreach' in step) await runForeachStep(ctx, step, runStep);
    else if ('observe' in step) await runObserveStep(ctx, step);
    else if ('runbook' in step) await runSubRunbookStep(ctx, step);
    else if ('sequence' in step) await runSequenceStep(ctx, step, runStep);
    else if ('severity' in step) runSeverityStep(ctx, step);
    else await runManualStep(ctx, step);
  } catch (error) {
    if (isCancellation(error) || error instanceof RunRejected || error instanceof RunEnded) throw error;
    const failure = error instanceof StepFailure ? error : new StepFailure(step.id, describeError(error).message);
    return settleFailure(ctx, step, failure);
  }
}

/** Marks the step failed; rethrows unless the runbook said `on_error: continue`. */
function settleFailure(ctx: RunContext, step: RunbookStep | RunbookBranchStep, failure: StepFailure): void {
  const state = ctx.step(step.id);
  ctx.moveStep(state, 'fail');
  state.endedAt = ctx.now();
  state.error = { message: failure.message, ...(failure.errorType ? { type: failure.errorType } : {}) };
  ctx.record('step.failed', failure.message, { step: step.id });
  if (step.on_error === 'continue') return;
  throw failure;
}

/**
 * Branches run concurrently and the step waits for ALL of them to settle before deciding, so no
 * branch is left running (half-done) when the run moves on, fails or compensates.
 */
async function runParallelStep(ctx: RunContext, step: ParallelStepSpec): Promise<void> {
  const state = ctx.step(step.id);
  ctx.moveStep(state, 'start');
  state.startedAt = ctx.now();
  const settled = await Promise.allSettled(step.parallel.map((branch) => runStep(ctx, branch)));
  const reasons = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  const cancellation = reasons.find((reason) => isCancellation(reason));
  if (cancellation) throw cancellation;
  const rejection = reasons.find((reason) => reason instanceof RunRejected);
  if (rejection) throw rejection;
  if (reasons.length > 0) {
    // A branch named by its own id; a sequence's also by the step inside it that failed.
    const failed = settled.flatMap((result, index) => {
      if (result.status !== 'rejected') return [];
      const branch = step.parallel[index]!.id;
      const inner = result.reason instanceof StepFailure ? result.reason.stepId : undefined;
      return [inner === undefined || inner === branch ? branch : `${branch} (at ${inner})`];
    });
    throw new StepFailure(step.id, `branch ${failed.join(', ')} failed`);
  }
  ctx.moveStep(state, 'succeed');
  state.endedAt = ctx.now();
}
