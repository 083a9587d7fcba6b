/**
 * Undoes completed compensable steps, newest first, exactly once each. Runs in a non-cancellable
 * scope: a second cancel cannot interrupt an undo half-way. A compensation that still fails after
 * its retries is recorded on the step and the others proceed (one stuck undo must not block the
 * rest); the run's events say which.
 *
 * Workflow-safe.
 */
import { CancellationScope } from '@temporalio/workflow';
import { renderDeep } from '../common/expression';
import { EXTERNAL_API } from './activity-options';
import { callAction } from './call-action';
import { describeError } from './outcomes';
import type { RunContext } from './run-context';

export async function compensateCompletedSteps(ctx: RunContext): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    while (ctx.compensations.length > 0) {
      const entry = ctx.compensations.pop();
      if (!entry) break;
      const state = ctx.step(entry.stepId);
      try {
        const params = (renderDeep(entry.action.with ?? {}, (entry.templateContext ?? (() => ctx.templateContext()))()) ?? {}) as Record<string, unknown>;
        const result = await callAction(
          ctx,
          { stepId: entry.stepId, action: entry.action.action, params, purpose: 'compensate' },
          EXTERNAL_API,
        );
        ctx.moveStep(state, 'compensate');
        state.compensation = { action: entry.action.action, status: 'succeeded', at: ctx.now(), output: result.output };
        ctx.record('step.compensated', entry.action.action, { step: entry.stepId });
      } catch (error) {
        const { message } = describeError(error);
        state.compensation = { action: entry.action.action, status: 'failed', at: ctx.now(), error: message };
        ctx.record('step.compensation-failed', message, { step: entry.stepId });
      }
    }
  });
}
