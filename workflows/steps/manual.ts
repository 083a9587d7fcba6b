/**
 * Runs a `manual` step: a task for a human, done when someone acknowledges it through the
 * `completeManual` Update. A step-level `timeout` fails the step if nobody does.
 *
 * Workflow-safe.
 */
import { resolveDuration } from '../step-durations';
import { renderTemplate } from '../../common/expression';
import type { StepState } from '../../common/run-state';
import type { ManualStepSpec } from '../../runbooks/schema';
import { describeIssues, ManualCompletion } from '../messages';
import { describeError, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';
import { waitUntil } from '../wait-until';
import { withArticle } from '../../common/text';
import { checkFormValues } from '../../common/form-fields';

export async function runManualStep(ctx: RunContext, step: ManualStepSpec): Promise<void> {
  const state = ctx.step(step.id);
  let task: string;
  try {
    task = String(renderTemplate(step.manual.task, ctx.templateContext()) ?? '');
  } catch (error) {
    throw new StepFailure(step.id, `could not evaluate the task text: ${describeError(error).message}`);
  }
  state.manual = { task, ...(step.manual.assignee ? { assignee: step.manual.assignee } : {}) };
  ctx.moveStep(state, 'await');
  state.startedAt = ctx.now();
  ctx.record('manual.assigned', task, { step: step.id });

  const done = () => state.actor !== undefined;
  const timeout = step.timeout !== undefined ? resolveDuration(ctx, step.id, 'timeout', step.timeout) : undefined;
  const completed = await waitUntil(done, timeout?.ms);
  if (!completed) throw new StepFailure(step.id, `nobody completed the task within ${timeout?.text ?? ''}`);
  ctx.moveStep(state, 'succeed');
  state.endedAt = ctx.now();
}

export function validateManualCompletion(ctx: RunContext, raw: unknown): void {
  const parsed = ManualCompletion.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid completion: ${describeIssues(parsed.error)}`);
  const state = ctx.findStep(parsed.data.stepId);
  if (!state) throw new Error(`runbook ${ctx.state.runbook.id} has no step "${parsed.data.stepId}"`);
  if (state.kind !== 'manual') throw new Error(`step ${state.id} is ${withArticle(state.kind)} step, not a manual task`);
  if (state.status !== 'waiting' || state.actor !== undefined) {
    throw new Error(`step ${state.id} is not waiting to be done (it is ${state.status})`);
  }
  const form = checkFormValues(state.declaredOutputs?.fields ?? [], parsed.data.fields);
  if (form.problems.length > 0) throw new Error(`invalid completion: ${form.problems.join('; ')}`);
}

export function applyManualCompletion(ctx: RunContext, completion: ManualCompletion): StepState {
  const state = ctx.step(completion.stepId);
  state.actor = completion.actor.trim();
  if (state.manual && completion.note) state.manual.note = completion.note;
  // Declared outputs first, what the run records last: a field can never pose as who did it.
  const form = checkFormValues(state.declaredOutputs?.fields ?? [], completion.fields);
  state.output = { ...form.values, done_by: state.actor, ...(completion.note ? { note: completion.note } : {}) };
  ctx.record('manual.done', completion.note, { step: state.id, actor: state.actor });
  return state;
}
