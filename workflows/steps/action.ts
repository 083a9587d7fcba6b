/**
 * Runs an `action` step: evaluates its `with` templates, calls the action's activity and records
 * the output. The activity runs in a non-cancellable scope: once an effect has started it is
 * allowed to finish and be recorded, so a cancel arriving mid-action can still compensate it.
 *
 * Workflow-safe.
 */
import { CancellationScope } from '@temporalio/workflow';
import { renderDeep } from '../../common/expression';
import type { ActionStepSpec } from '../../runbooks/schema';
import { callAction } from '../call-action';
import { stepActionOptions } from '../step-durations';
import { describeError, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';

export async function runActionStep(ctx: RunContext, step: ActionStepSpec): Promise<void> {
  const state = ctx.step(step.id);
  let params: Record<string, unknown>;
  try {
    params = (renderDeep(step.with ?? {}, ctx.templateContext()) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new StepFailure(step.id, `could not evaluate the parameters: ${describeError(error).message}`);
  }

  const options = stepActionOptions(ctx, step);
  ctx.moveStep(state, 'start');
  state.startedAt = ctx.now();
  try {
    const result = await CancellationScope.nonCancellable(() =>
      callAction(ctx, { stepId: step.id, action: step.action, params, purpose: 'perform' }, options),
    );
    state.output = result.output;
    state.alreadyDone = result.alreadyDone;
    state.actor = `provider:${result.provider}`;
    ctx.moveStep(state, 'succeed');
    state.endedAt = ctx.now();
    if (step.compensate) {
      const scope = ctx.compensationContext();
      ctx.compensations.push({ stepId: step.id, action: step.compensate, ...(scope ? { templateContext: scope } : {}) });
    }
    ctx.record('step.succeeded', result.alreadyDone ? `${step.action} (already done)` : step.action, { step: step.id });
  } catch (error) {
    const { message, type } = describeError(error);
    throw new StepFailure(step.id, `${step.action} failed: ${message}`, type);
  }
}
