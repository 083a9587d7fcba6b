/**
 * The interpreter: one generic workflow that runs any validated runbook.
 *
 * It runs the steps in order (parallel steps concurrently), exposes the run's state through the
 * `runState` query, takes human decisions through validated Updates, and on cancel or rejection
 * undoes completed compensable steps newest first. It always returns a RunResult; the outcome is
 * in `status` (and the QuellStatus search attribute), so rejected or cancelled runs are ordinary,
 * auditable results rather than workflow errors.
 *
 * Workflow-safe.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { QuellActivities } from '../activities';
import type { RunResult } from '../common/run-state';
import { FAST } from './activity-options';
import { compensateCompletedSteps } from './compensate';
import type { RunRunbookInput } from './input';
import {
  answerDecisionUpdate,
  cancelRunUpdate,
  CancelRequest,
  completeManualUpdate,
  decideApprovalUpdate,
  deliverEventUpdate,
  describeIssues,
  runStateQuery,
} from './messages';
import { checkCanceller, runPerson, startApprovalPolicy } from './approval-policy';
import { describeError, RunEnded, RunRejected, StepFailure } from './outcomes';
import { startSlackPublisher } from './publisher';
import { requiredActions } from './required-actions';
import { RunContext } from './run-context';
import { APPROVERS_ATTRIBUTE_PATCH, applyDecision, validateDecision } from './steps/approval';
import { runStep } from './steps';
import { applyAnswer, validateAnswer } from './steps/decision';
import { applyManualCompletion, validateManualCompletion } from './steps/manual';
import { applyEventDelivery, validateEventDelivery } from './steps/wait';
import { acceptDrillInjects } from './drill/run-effects';
import { BACKGROUND_STOP_PATCH, BackgroundSteps } from './background';

const { checkLiveReadiness } = proxyActivities<QuellActivities>(FAST);

export async function runRunbook(input: RunRunbookInput): Promise<RunResult> {
  const ctx = new RunContext(input);
  const main = new CancellationScope();

  setHandler(runStateQuery, () => ctx.state);
  setHandler(decideApprovalUpdate, (request) => applyDecision(ctx, request), {
    validator: (request) => validateDecision(ctx, request),
  });
  setHandler(answerDecisionUpdate, (request) => applyAnswer(ctx, request), {
    validator: (request) => validateAnswer(ctx, request),
  });
  setHandler(deliverEventUpdate, (delivery) => applyEventDelivery(ctx, delivery), {
    validator: (delivery) => validateEventDelivery(ctx, delivery),
  });
  setHandler(completeManualUpdate, (completion) => applyManualCompletion(ctx, completion), {
    validator: (completion) => validateManualCompletion(ctx, completion),
  });
  setHandler(
    cancelRunUpdate,
    (request) => {
      const person = runPerson(ctx, request.via, request.actor);
      ctx.state.cancel = { actor: request.actor.trim(), reason: request.reason, at: ctx.now(), person, via: request.via };
      ctx.record('run.cancel-requested', request.reason, { actor: person });
      ctx.setStatus('cancelling');
      main.cancel();
      return { accepted: true as const };
    },
    {
      validator: (request) => {
        const parsed = CancelRequest.safeParse(request);
        if (!parsed.success) throw new Error(`invalid cancel request: ${describeIssues(parsed.error)}`);
        if (ctx.state.status !== 'running') throw new Error(`run is already ${ctx.state.status}`);
        // A cancel undoes containment, so the approval policy decides who may stop the run too.
        checkCanceller(ctx, parsed.data);
      },
    },
  );
  acceptDrillInjects(ctx, (delivery) => applyEventDelivery(ctx, delivery));
  // Reads the runbook's approver groups in the background, so the check above has an answer
  // before the first gate opens.
  startApprovalPolicy(ctx);
  // In the first workflow task, as the policy's own patch: asked at a gate, the marker landed in
  // whichever task opened it, and a replay that reached the gate in another task failed on it.
  ctx.recordsApprovers = patched(APPROVERS_ATTRIBUTE_PATCH);

  ctx.record('run.started', `${input.runbook.id} v${input.runbook.version} (${input.mode})`, { actor: input.requestedBy });
  // The Slack presence (root message, thread, cards). Behind a patch: runs started by older code
  // never asked for it, and their histories must replay without it.
  const publisher = patched('slack-surface') ? await startSlackPublisher(ctx) : undefined;
  try {
    await main.run(async () => {
      if (input.mode === 'live') {
        const { inputs, run } = ctx.templateContext();
        await checkLiveReadiness(requiredActions(input.runbook, { inputs, run }));
      }
      const background = new BackgroundSteps();
      try {
        for (const step of input.runbook.steps) {
          // Awaited only when there is something to wait for: a run without background steps
          // takes exactly the turns it always took, so histories recorded before replay unchanged.
          if (background.joinsAt(step.id)) await background.joinAt(step.id);
          if (step.background !== undefined) background.start(step, () => runStep(ctx, step));
          else await runStep(ctx, step);
        }
        if (background.any()) await background.joinAtEnd();
      } catch (error) {
        // A run that stopped early does not wait on its background steps (a decision could wait a
        // day). Runs that stopped before this patch waited, and their histories must replay so.
        if (background.any() && !isCancellation(error) && patched(BACKGROUND_STOP_PATCH)) background.stop();
        throw error;
      } finally {
        // However the run stops, nothing keeps running behind it while it settles or undoes.
        if (background.any()) await background.settle();
      }
    });
    ctx.setStatus('completed');
  } catch (error) {
    await settleAbnormalEnd(ctx, error);
  }
  // Let in-flight Update handlers reply before the run closes. Non-cancellable: after a
  // Temporal-level cancel the root scope is cancelled, and the run must still end normally.
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  // Slack shows how the run ended before it closes (bounded: see FINAL_FLUSH_LIMIT_MS).
  await publisher?.flush();
  return { status: ctx.state.status as RunResult['status'], state: ctx.state };
}

async function settleAbnormalEnd(ctx: RunContext, error: unknown): Promise<void> {
  if (error instanceof RunEnded) {
    interruptOpenSteps(ctx, `stopped: the run ended at step ${error.stepId} (${ctx.state.outcome?.name ?? 'ended'})`);
    skipStepsNotRun(ctx, error.stepId);
    ctx.setStatus('completed');
  } else if (isCancellation(error)) {
    ctx.state.cancel ??= { actor: 'temporal', reason: 'workflow cancellation requested', at: ctx.now() };
    ctx.setStatus('cancelling');
    interruptOpenSteps(ctx);
    await compensateCompletedSteps(ctx);
    ctx.setStatus('cancelled');
  } else if (error instanceof RunRejected) {
    interruptOpenSteps(ctx, `stopped: the run was rejected at step ${error.stepId}`);
    ctx.state.failure = { step: error.stepId, message: error.reason };
    await compensateCompletedSteps(ctx);
    ctx.setStatus('rejected');
  } else if (error instanceof StepFailure) {
    // No automatic undo on failure: containment already in place must not be lifted because a
    // later, unrelated step failed. Responders cancel explicitly if they want it undone.
    interruptOpenSteps(ctx, `stopped: the run failed at step ${error.stepId}`);
    ctx.state.failure = { step: error.stepId, message: error.message };
    ctx.setStatus('failed');
  } else {
    ctx.state.failure = { message: describeError(error).message };
    ctx.setStatus('failed');
  }
}

/** An `end` step completed the run: the steps that never ran say why. */
function skipStepsNotRun(ctx: RunContext, endStepId: string): void {
  const outcome = ctx.state.outcome?.name ?? 'ended';
  for (const step of ctx.state.steps) {
    if (step.status !== 'pending') continue;
    ctx.moveStep(step, 'skip');
    step.skippedBecause = `the run ended at step ${endStepId} (${outcome})`;
  }
}

/**
 * Steps caught mid-flight by a cancel, or background steps stopped because the run stopped early,
 * are marked failed with the reason, not left "waiting".
 */
function interruptOpenSteps(ctx: RunContext, message = 'run cancelled'): void {
  for (const step of ctx.state.steps) {
    if (step.status === 'running' || step.status === 'waiting') {
      ctx.moveStep(step, 'interrupt');
      step.endedAt = ctx.now();
      step.error = { message, type: 'Cancelled' };
    }
  }
}
